using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// The dataset's layout (<see cref="RowMajorMatrix"/>): numpy's row-major order in one array. Whatever MathNet does with such
/// a matrix gives what it gives for the same numbers in its own column-major matrix, and every change made through the
/// matrix is seen by every later read, products included (they read the array through its column-major view xᵀ).
/// </summary>
public class RowMajorMatrixTests
{
    public static TheoryData<string> Types => ["float", "double"];

    private static (Matrix<T> RowMajor, Matrix<T> Dense) Pair<T>(int rows, int cols, int seed)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var rng = new Random(seed);
        var data = new T[rows * cols];
        for (int k = 0; k < data.Length; k++) data[k] = rng.Next(3) == 0 ? T.Zero : T.CreateChecked(rng.NextDouble() * 2 - 1);
        var x = RowMajorMatrix.Create(rows, cols, data);
        return (x, Matrix<T>.Build.Dense(rows, cols, (i, j) => data[i * cols + j]));
    }

    private static void Close<T>(Matrix<T> expected, Matrix<T> actual, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        Assert.Equal((expected.RowCount, expected.ColumnCount), (actual.RowCount, actual.ColumnCount));
        double tolerance = typeof(T) == typeof(float) ? 1e-5 : 1e-12;
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                double e = double.CreateChecked(expected[i, j]), a = double.CreateChecked(actual[i, j]);
                Assert.True(Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e)), $"{typeof(T).Name} {what}: element ({i}, {j}) is {a}, expected {e}");
            }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void It_holds_its_numbers_row_after_row_and_reads_and_writes_that_one_array(string type)
    {
        if (type == "float") Layout<float>(); else Layout<double>();
    }

    private static void Layout<T>() where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        T[] data = [.. Enumerable.Range(0, 12).Select(T.CreateChecked)];
        var x = RowMajorMatrix.Create(3, 4, data);
        Assert.Equal(T.CreateChecked(6), x[1, 2]);                   // element (i, j) is data[i · 4 + j]
        x[2, 3] = T.CreateChecked(-1);
        Assert.Equal(T.CreateChecked(-1), data[11]);
        data[4] = T.CreateChecked(40);
        Assert.Equal(T.CreateChecked(40), x[1, 0]);
        Assert.Equal([T.CreateChecked(40), T.CreateChecked(5), T.CreateChecked(6), T.CreateChecked(7)], x.Row(1).ToArray());

        var copy = x.Clone();                                        // results are ordinary matrices of their own
        copy[0, 0] = T.CreateChecked(99);
        Assert.Equal(T.Zero, x[0, 0]);
        Assert.Equal(T.CreateChecked(40), copy[1, 0]);

        var e = Assert.Throws<ArgumentException>(() => RowMajorMatrix.Create(3, 5, data));
        Assert.Contains("(3, 5)", e.Message);
        Assert.Contains("15", e.Message);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Its_products_are_MathNets_products_of_the_same_numbers_with_the_managed_provider_and_with_FastProvider(string type)
    {
        try
        {
            foreach (bool fast in new[] { false, true })
            {
                if (fast) FastProvider.Use(); else FastProvider.UseManaged();
                if (type == "float") Products<float>(); else Products<double>();
            }
        }
        finally { FastProvider.UseManaged(); }
    }

    private static void Products<T>() where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        foreach (var (rows, cols, hidden) in new[] { (1, 1, 1), (7, 5, 3), (100, 784, 20), (301, 37, 50) })
        {
            var (x, dense) = Pair<T>(rows, cols, seed: rows + cols);
            var (w, _) = Pair<T>(cols, hidden, seed: 5);
            var (b, _) = Pair<T>(rows, hidden, seed: 6);
            var v = Vector<T>.Build.Dense(cols, i => T.CreateChecked(i % 7 - 3));
            Close(dense * w, x * w, $"x·W {x.Shape()}");
            Close(dense.TransposeThisAndMultiply(b), x.TransposeThisAndMultiply(b), "xᵀ·B");
            Close((dense * v).ToColumnMatrix(), (x * v).ToColumnMatrix(), "x·v");
            Close(dense.TransposeAndMultiply(w.Transpose()), x.TransposeAndMultiply(w.Transpose()), "x·(Wᵀ)ᵀ");
            Close(dense.PointwiseMultiply(dense) + dense * T.CreateChecked(2), x.PointwiseMultiply(x) + x * T.CreateChecked(2), "x⊙x + 2x");

            // an edit through the matrix is in the next product: the product reads the same array
            x[rows - 1, cols - 1] += T.One;
            dense[rows - 1, cols - 1] += T.One;
            Close(dense * w, x * w, "x·W after an edit");
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void In_place_changes_by_every_route_give_what_they_give_on_a_column_major_matrix(string type)
    {
        if (type == "float") Edits<float>(); else Edits<double>();
    }

    private static void Edits<T>() where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var (x, dense) = Pair<T>(50, 9, seed: 3);
        foreach (var m in new[] { x, dense })
        {
            m.SetRow(4, Vector<T>.Build.Dense(9, T.One));
            m.SetColumn(2, Vector<T>.Build.Dense(50, T.CreateChecked(-2)));
            m.MapInplace(v => v * v + T.One, MathNet.Numerics.LinearAlgebra.Zeros.Include);
            m.Multiply(T.CreateChecked(0.5), result: m);
            m.SetSubMatrix(10, 0, Matrix<T>.Build.Dense(2, 3, T.CreateChecked(7)));
        }
        Close(dense, x, "after SetRow, SetColumn, MapInplace, Multiply(result:), SetSubMatrix");
        Close(dense.SelectRows([49, 0, 4, 4, 10]), x.SelectRows([49, 0, 4, 4, 10]), "SelectRows");
        Close(dense.Sum(axis: 0), x.Sum(axis: 0), "Sum(axis: 0)");
        Close(dense.Transpose(), x.Transpose(), "Transpose");
        Assert.Equal(dense.ArgMaxRows(), x.ArgMaxRows());
    }

    [Fact]
    public void Mnist_Load_gives_both_splits_in_numpys_layout_and_the_engine_reads_them_as_it_reads_a_column_major_copy()
    {
        var data = Mnist.Load(log: TextWriter.Null);
        foreach (var split in new[] { data.Train, data.Test })
        {
            Assert.IsType<RowMajorMatrix.Rows<float>>(split.X.Storage);
            Assert.IsType<RowMajorMatrix.Rows<float>>(split.T.Storage);
        }
        var (x, _) = data.Test;
        x[5, 300] = float.NaN;                                       // the finite check reads the array too
        foreach (var m in new[] { x, x.SubMatrix(0, 2000, 0, 784) })
        {
            var fromRows = SparseRows.FromMatrix(m);
            var fromColumns = SparseRows.FromMatrix(Matrix<float>.Build.DenseOfMatrix(m));
            Assert.Equal(fromColumns.RowStart, fromRows.RowStart);
            Assert.Equal(fromColumns.RowMiddle, fromRows.RowMiddle);
            Assert.Equal(fromColumns.Columns, fromRows.Columns);
            Assert.Equal(fromColumns.Values, fromRows.Values);
            Assert.False(fromRows.AllFinite);
        }
        x[5, 300] = 0;
        Assert.True(SparseRows.FromMatrix(x).AllFinite);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(36)]
    [InlineData(784)]
    [Trait("Category", "Simd")]
    public void The_engine_converts_a_row_major_matrix_of_any_width_to_the_same_sparse_rows_as_its_column_major_copy(int cols)
    {
        foreach (float odd in new[] { 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var (x, _) = Pair<float>(300, cols, seed: cols);
            x[299, cols - 1] = odd;
            var fromRows = SparseRows.FromMatrix(x);
            var fromColumns = SparseRows.FromMatrix(Matrix<float>.Build.DenseOfMatrix(x));
            Assert.Equal(fromColumns.RowStart, fromRows.RowStart);
            Assert.Equal(fromColumns.RowMiddle, fromRows.RowMiddle);
            Assert.Equal(fromColumns.Columns, fromRows.Columns);
            Assert.Equal(fromColumns.Values, fromRows.Values);
            Assert.Equal(float.IsFinite(odd), fromRows.AllFinite);
            Assert.Equal(fromColumns.AllFinite, fromRows.AllFinite);
        }
    }

    [Theory]
    [InlineData(784)]
    [InlineData(17)]
    [InlineData(8)]
    [Trait("Category", "Simd")]
    public void The_engine_converts_rows_of_every_density_the_same_around_its_block_boundaries(int cols)
    {
        // Rows with no zero, no nonzero and every density between, around the first block's end (row 256) and the matrix's
        // end: the conversion stores eight lanes at a time and must neither leave a lane of one row nor cross into the next block.
        var rng = new Random(cols);
        int rows = 600;
        var x = RowMajorMatrix.Create(rows, cols, new float[rows * cols]);
        for (int r = 0; r < rows; r++)
        {
            double density = (r % 7) switch { 0 => 1.0, 1 => 0.0, 2 => 0.97, _ => rng.NextDouble() };
            if (r is >= 250 and < 262 or >= 590) density = 0.3;   // each block's last stores leave lanes to spare
            for (int c = 0; c < cols; c++)
                if (rng.NextDouble() < density) x[r, c] = (float)(rng.NextDouble() + 0.01) * (rng.Next(2) * 2 - 1);
        }
        var fromColumns = SparseRows.FromMatrix(Matrix<float>.Build.DenseOfMatrix(x));
        SparseRows.FillLastBlockFirstForTests = true;           // each block written after the one it ends against
        SparseRows backwards;
        try { backwards = SparseRows.FromMatrix(x); }
        finally { SparseRows.FillLastBlockFirstForTests = false; }
        var fromRows = SparseRows.FromMatrix(x);
        foreach (var s in new[] { fromRows, backwards })
        {
            Assert.Equal(fromColumns.RowStart, s.RowStart);
            Assert.Equal(fromColumns.RowMiddle, s.RowMiddle);
            Assert.Equal(fromColumns.Columns, s.Columns);
            Assert.Equal(fromColumns.Values, s.Values);
        }
        for (int r = 0; r < rows; r++)
            for (int q = fromRows.RowStart[r]; q < fromRows.RowStart[r + 1]; q++)
                Assert.Equal(x[r, fromRows.Columns[q]], fromRows.Values[q]);
        Assert.Equal(Enumerable.Range(0, rows).Sum(r => Enumerable.Range(0, cols).Count(c => x[r, c] != 0)), fromRows.Values.Length);
        Assert.True(fromRows.AllFinite);
    }
}
