using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace FromScratch.Fast;

/// <summary>
/// A matrix stored row by row with only its nonzero entries (CSR): row r holds <see cref="Columns"/> and <see cref="Values"/>
/// from <c>RowStart[r]</c> to <c>RowStart[r + 1]</c>, columns ascending. 81% of MNIST's pixels are 0, so a product with a
/// row skips four fifths of the work, and a row is contiguous (a batch of 100 rows is 100 short reads).
/// </summary>
internal sealed class SparseRows
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
    /// <summary>
    /// The column that splits every row in two for the fast path's two cores: (columns / 2) rounded down to even. Each core
    /// owns the rows of W1 on one side (even, so the two sides never share a 128-byte pair of cache lines).
    /// </summary>
    public int MiddleColumn => ColumnCount / 2 & ~1;
    /// <summary>Where each row's entries at <see cref="MiddleColumn"/> or beyond begin (between <c>RowStart[r]</c> and <c>RowStart[r + 1]</c>).</summary>
    public int[] RowMiddle { get; }
    /// <summary>Stored values over all entries: about 0.19 for MNIST.</summary>
    public double Density => RowCount == 0 ? 0 : (double)Values.Length / ((double)RowCount * ColumnCount);

    /// <summary>Whether every number of the matrix was finite (no NaN, no ±∞): checked while counting, at no extra pass.</summary>
    public bool AllFinite { get; }

    private SparseRows(int[] rowStart, int[] rowMiddle, ushort[] columns, float[] values, int rows, int cols, bool allFinite)
        => (RowStart, RowMiddle, Columns, Values, RowCount, ColumnCount, AllFinite) = (rowStart, rowMiddle, columns, values, rows, cols, allFinite);

    private const int BlockRows = 256;

    // ---------------------------------------------------------------- spare arrays

    /// <summary>
    /// The entry arrays of a conversion whose caller is done with it (<see cref="Recycle"/>), kept with the matrix it was
    /// made from, for as long as that matrix lives: the next conversion of the same matrix, if it has as many nonzeros, writes
    /// into them instead of asking for new memory. New memory is what a conversion mostly waits for: the first touch of each
    /// 4 KiB page of MNIST's 63 MB of entries costs about 20 ms here. Every entry is written by the conversion that takes
    /// them, so nothing of the old one is ever read; the matrix is converted anew each time.
    /// </summary>
    private static readonly ConditionalWeakTable<Matrix<float>, SparseRows> Spares = [];

    /// <summary>The conversion whose arrays wait for the next conversion of <paramref name="source"/>, if any (for tests).</summary>
    internal static SparseRows? SpareForTests(Matrix<float> source)
    {
        lock (Spares) return Spares.TryGetValue(source, out var spare) ? spare : null;
    }

    /// <summary>
    /// Keeps the entry arrays of <paramref name="rows"/>, converted from <paramref name="source"/>, for the next conversion of
    /// <paramref name="source"/>. The caller promises that <paramref name="rows"/> is no longer read or written by anyone:
    /// after this call its contents may change at any time.
    /// </summary>
    internal static void Recycle(Matrix<float> source, SparseRows rows)
    {
        lock (Spares) Spares.AddOrUpdate(source, rows);
    }

    /// <summary>
    /// Arrays for the <paramref name="total"/> entries of <paramref name="source"/>: its recycled pair if that has exactly
    /// this length (taken, so no other conversion gets it), or new ones (not zeroed: the caller writes every entry).
    /// </summary>
    private static (ushort[] Columns, float[] Values) EntryArrays(Matrix<float> source, int total)
    {
        lock (Spares)
            if (Spares.TryGetValue(source, out var spare))
            {
                Spares.Remove(source);
                if (spare.Values.Length == total) return (spare.Columns, spare.Values);
            }
        return (GC.AllocateUninitializedArray<ushort>(total), GC.AllocateUninitializedArray<float>(total));
    }

    /// <summary>
    /// Fills the row blocks of a row-major matrix one after another from the last to the first (for tests: every block then
    /// finds the next one already written, which a store crossing into it would damage).
    /// </summary>
    internal static volatile bool FillLastBlockFirstForTests;

    /// <summary>
    /// For each mask m of eight lanes, the lanes whose bit is set, in order, then zeros: entry m · 8 + i is the i-th set lane,
    /// as int32 bits (the operand of a permutation of eight floats) and as ushort (a column offset).
    /// </summary>
    private static readonly float[] PackedLanes = Pack(i => BitConverter.Int32BitsToSingle(i));
    private static readonly ushort[] PackedColumns = Pack(i => (ushort)i);

    private static T[] Pack<T>(Func<int, T> lane)
    {
        var table = new T[256 * 8];
        for (int mask = 0; mask < 256; mask++)
            for (int bit = 0, i = 0; bit < 8; bit++)
                if ((mask >> bit & 1) != 0) table[mask * 8 + i++] = lane(bit);
        return table;
    }

    /// <summary>The nonzeros of each of the rows r0..r1 of the column-major (n, p) array, into counts[r + 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // runs once per conversion: compile it optimised straight away
    private static bool CountBlock(float[] data, int n, int p, int r0, int r1, int[] counts)
    {
        var finite = System.Numerics.Vector<float>.AllBitsSet.As<float, int>();   // lanes stay −1 while |x| < ∞ (NaN compares false)
        var infinity = new System.Numerics.Vector<float>(float.PositiveInfinity);
        bool scalarFinite = true;
        int rows = r1 - r0;
        // a SIMD vector of rows at a time, down each column: count += 1 + (x == 0 ? −1 : 0)
        Span<int> count = stackalloc int[BlockRows];
        count.Clear();
        var counted = MemoryMarshal.Cast<int, System.Numerics.Vector<int>>(count[..(rows / System.Numerics.Vector<int>.Count * System.Numerics.Vector<int>.Count)]);
        int vectorRows = counted.Length * System.Numerics.Vector<int>.Count;
        for (int c = 0; c < p; c++)
        {
            var column = data.AsSpan(c * n + r0, rows);
            var columnVectors = MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(column[..vectorRows]);
            for (int k = 0; k < columnVectors.Length; k++)
            {
                counted[k] += System.Numerics.Vector<int>.One + System.Numerics.Vector.Equals(columnVectors[k], System.Numerics.Vector<float>.Zero);
                finite &= System.Numerics.Vector.LessThan(System.Numerics.Vector.Abs(columnVectors[k]), infinity);
            }
            for (int i = vectorRows; i < rows; i++)
            {
                if (column[i] != 0) count[i]++;
                scalarFinite &= float.IsFinite(column[i]);
            }
        }
        count[..rows].CopyTo(counts.AsSpan(r0 + 1));
        return scalarFinite && finite == System.Numerics.Vector<int>.AllBitsSet;
    }

    /// <summary>
    /// Writes the entries of rows r0..r1 into place (row r from <c>rowStart[r]</c>), column by column as the data lies in
    /// memory: each column's nonzero rows are found a vector at a time, so the work is in proportion to the nonzeros and the
    /// columns come out ascending within each row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void FillBlock(float[] data, int n, int p, int r0, int r1, int[] rowStart, int[] rowMiddle, ushort[] cols, float[] vals)
    {
        int middle = p / 2 & ~1;
        int rows = r1 - r0;
        Span<int> next = stackalloc int[BlockRows];      // where each row's next entry goes
        rowStart.AsSpan(r0, rows).CopyTo(next);
        bool vectors = Vector256.IsHardwareAccelerated;
        fixed (float* all = data)
        {
            for (int c = 0; c < p; c++)
            {
                if (c == middle) next[..rows].CopyTo(rowMiddle.AsSpan(r0, rows));
                float* column = all + ((long)c * n + r0);
                int i = 0;
                if (vectors)
                    for (; i + 8 <= rows; i += 8)
                    {
                        uint nonzero = ~Vector256.Equals(Vector256.Load(column + i), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
                        for (; nonzero != 0; nonzero &= nonzero - 1)
                        {
                            int k = i + BitOperations.TrailingZeroCount(nonzero), at = next[k]++;
                            cols[at] = (ushort)c;
                            vals[at] = column[k];
                        }
                    }
                for (; i < rows; i++)
                    if (column[i] != 0)
                    {
                        int at = next[i]++;
                        cols[at] = (ushort)c;
                        vals[at] = column[i];
                    }
            }
        }
    }

    /// <summary>The nonzeros of a MathNet matrix (read straight from its column-major array when it is dense), in parallel row blocks.</summary>
    public static SparseRows FromMatrix(Matrix<float> m)
    {
        int n = m.RowCount, p = m.ColumnCount;
        if (p > 65536) throw new ArgumentException($"SparseRows supports at most 65,536 columns; got {m.Shape()}.", nameof(m));
        if (m.Storage is FromScratch.Data.RowMajorMatrix.Rows<float> rowMajor) return FromRowMajor(m, rowMajor.Data, n, p);   // a dataset: numpy's layout
        float[] data = m.Storage is DenseColumnMajorMatrixStorage<float> dense ? dense.Data : m.ToColumnMajorArray();
        // Two reads of the matrix, in parallel row blocks: count the nonzeros of each row, then write them straight into place
        // (the arrays are not zeroed first: every entry is written).
        int blocks = (n + BlockRows - 1) / BlockRows;
        var counts = new int[n + 1];
        int nonFinite = 0;
        Parallel.For(0, blocks, b =>
        {
            if (!CountBlock(data, n, p, b * BlockRows, Math.Min(n, b * BlockRows + BlockRows), counts)) Volatile.Write(ref nonFinite, 1);
        });
        for (int r = 0; r < n; r++) counts[r + 1] += counts[r];
        int total = counts[n];
        var (cols, vals) = EntryArrays(m, total);
        var middle = new int[n];
        Parallel.For(0, blocks, b => FillBlock(data, n, p, b * BlockRows, Math.Min(n, b * BlockRows + BlockRows), counts, middle, cols, vals));
        return new SparseRows(counts, middle, cols, vals, n, p, nonFinite == 0);
    }

    /// <summary>
    /// The nonzeros of the row-major (n, p) array <paramref name="data"/> (a dataset's layout, <see cref="FromScratch.Data.RowMajorMatrix"/>):
    /// each row is read once to count and once to copy, eight numbers at a time, in parallel row blocks.
    /// </summary>
    private static unsafe SparseRows FromRowMajor(Matrix<float> m, float[] data, int n, int p)
    {
        int blocks = (n + BlockRows - 1) / BlockRows;
        var counts = new int[n + 1];
        int nonFinite = 0;
        bool vectors = Vector256.IsHardwareAccelerated;
        Parallel.For(0, blocks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (b) =>
        {
            var notFinite = Vector256<int>.Zero;                      // ORs the bits of x − x: +0 for every finite x, NaN for NaN and ±∞
            bool scalarFinite = true;
            fixed (float* all = data)
                for (int r = b * BlockRows; r < Math.Min(n, b * BlockRows + BlockRows); r++)
                {
                    float* row = all + (long)r * p;
                    int count = 0, c = 0;
                    if (vectors)
                    {
                        var zeros = Vector256<int>.Zero;                  // each lane adds −1 per zero it sees
                        for (; c + 8 <= p; c += 8)
                        {
                            var v = Vector256.Load(row + c);
                            zeros += Vector256.Equals(v, Vector256<float>.Zero).AsInt32();
                            notFinite |= (v - v).AsInt32();
                        }
                        count = c + Vector256.Sum(zeros);
                    }
                    for (; c < p; c++)
                    {
                        if (row[c] != 0) count++;
                        scalarFinite &= float.IsFinite(row[c]);
                    }
                    counts[r + 1] = count;
                }
            if (!scalarFinite || notFinite != Vector256<int>.Zero) Volatile.Write(ref nonFinite, 1);
        });
        for (int r = 0; r < n; r++) counts[r + 1] += counts[r];
        int total = counts[n], middleColumn = p / 2 & ~1;
        var (cols, vals) = EntryArrays(m, total);
        var middle = new int[n];
        bool chunked = vectors && middleColumn % 8 == 0 && middleColumn + 8 <= p;   // the middle column starts a step of the vector loop
        bool packed = vectors && Avx2.IsSupported;
        if (FillLastBlockFirstForTests)
            for (int b = blocks - 1; b >= 0; b--) Fill(b);
        else
            Parallel.For(0, blocks, Fill);
        return new SparseRows(counts, middle, cols, vals, n, p, nonFinite == 0);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Fill(int b)
        {
            int r1 = Math.Min(n, b * BlockRows + BlockRows), end = counts[r1];   // end: where the next block's entries begin
            fixed (float* all = data, vp = vals, packedLanes = PackedLanes)
            fixed (ushort* cp = cols, packedColumns = PackedColumns)
                for (int r = b * BlockRows; r < r1; r++)
                {
                    float* row = all + (long)r * p;
                    int at = counts[r], c = 0;
                    if (!chunked) middle[r] = at + Nonzeros(row, middleColumn);   // the entries before the middle column come first
                    if (vectors)
                        for (; c + 8 <= p; c += 8)
                        {
                            if (chunked && c == middleColumn) middle[r] = at;
                            var v = Vector256.Load(row + c);
                            uint nonzero = ~Vector256.Equals(v, Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
                            if (nonzero == 0) continue;
                            if (packed && at + 8 <= end)
                            {
                                // all eight lanes stored at once, the nonzero ones first (a table gives each mask's order): the
                                // lanes after them land on entries this block writes later, never past the block's last entry
                                Vector256.Store(Avx2.PermuteVar8x32(v, Vector256.Load(packedLanes + nonzero * 8).AsInt32()), vp + at);
                                Vector128.Store(Vector128.Load(packedColumns + nonzero * 8) + Vector128.Create((ushort)c), cp + at);
                                at += BitOperations.PopCount(nonzero);
                                continue;
                            }
                            for (; nonzero != 0; nonzero &= nonzero - 1)
                            {
                                int k = c + BitOperations.TrailingZeroCount(nonzero);
                                cp[at] = (ushort)k;
                                vp[at++] = row[k];
                            }
                        }
                    for (; c < p; c++)
                        if (row[c] != 0) { cp[at] = (ushort)c; vp[at++] = row[c]; }
                }
        }

        static int Nonzeros(float* row, int columns)
        {
            int count = 0;
            for (int c = 0; c < columns; c++) if (row[c] != 0) count++;
            return count;
        }
    }
}
