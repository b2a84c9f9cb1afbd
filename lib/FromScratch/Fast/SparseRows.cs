using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace FromScratch.Fast;

/// <summary>
/// A matrix stored row by row with only its nonzero entries (CSR): row r holds <see cref="Columns"/> and <see cref="Values"/>
/// from <c>RowStart[r]</c> to <c>RowStart[r + 1]</c>, columns ascending. 81% of MNIST's pixels are 0, so a product with a
/// row skips four fifths of the work, and a row is contiguous (a batch of 100 rows is 100 short reads).
/// </summary>
public sealed class SparseRows
{
    /// <summary>Where each row starts in <see cref="Columns"/>/<see cref="Values"/>; length <see cref="RowCount"/> + 1.</summary>
    public int[] RowStart { get; }
    /// <summary>The column of each stored value.</summary>
    public ushort[] Columns { get; }
    /// <summary>The nonzero values.</summary>
    public float[] Values { get; }
    /// <summary>How many rows.</summary>
    public int RowCount { get; }
    /// <summary>How many columns (at most 65,536).</summary>
    public int ColumnCount { get; }
    /// <summary>Stored values over all entries: about 0.19 for MNIST.</summary>
    public double Density => RowCount == 0 ? 0 : (double)Values.Length / ((double)RowCount * ColumnCount);

    private SparseRows(int[] rowStart, ushort[] columns, float[] values, int rows, int cols)
        => (RowStart, Columns, Values, RowCount, ColumnCount) = (rowStart, columns, values, rows, cols);

    /// <summary>The nonzeros of a MathNet matrix (read straight from its column-major array when it is dense), in parallel row blocks.</summary>
    public static SparseRows FromMatrix(Matrix<float> m)
    {
        int n = m.RowCount, p = m.ColumnCount;
        if (p > 65536) throw new ArgumentException($"SparseRows supports at most 65,536 columns; got {m.Shape()}.", nameof(m));
        float[] data = m.Storage is DenseColumnMajorMatrixStorage<float> dense ? dense.Data : m.ToColumnMajorArray();
        const int Block = 256;
        int blocks = (n + Block - 1) / Block;
        var counts = new int[n + 1];
        Parallel.For(0, blocks, b =>
        {
            int r0 = b * Block, r1 = Math.Min(n, r0 + Block);
            for (int c = 0; c < p; c++)
            {
                var column = data.AsSpan(c * n + r0, r1 - r0);
                for (int i = 0; i < column.Length; i++) if (column[i] != 0) counts[r0 + i + 1]++;
            }
        });
        for (int r = 0; r < n; r++) counts[r + 1] += counts[r];
        long total = counts[n];
        var cols = new ushort[total];
        var vals = new float[total];
        Parallel.For(0, blocks, b =>
        {
            int r0 = b * Block, r1 = Math.Min(n, r0 + Block);
            Span<int> next = stackalloc int[Block];
            for (int i = 0; i < r1 - r0; i++) next[i] = counts[r0 + i];
            for (int c = 0; c < p; c++)
            {
                var column = data.AsSpan(c * n + r0, r1 - r0);
                for (int i = 0; i < column.Length; i++)
                {
                    float v = column[i];
                    if (v != 0) { int at = next[i]++; cols[at] = (ushort)c; vals[at] = v; }
                }
            }
        });
        return new SparseRows(counts, cols, vals, n, p);
    }
}
