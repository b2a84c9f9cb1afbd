using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// <c>x[batch_mask]</c>: <see cref="MatrixExtensions.SelectRows{T}(Matrix{T}, IReadOnlyList{int})"/> gives the same rows whether or not the matrix keeps a row-major
/// copy (a dataset's x and t do), for every shape and for repeated and out-of-order indices.
/// </summary>
public class SelectRowsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(70, 13)]
    [InlineData(130, 65)]
    [InlineData(600, 784)]
    public void A_marked_matrix_gives_the_same_rows_as_a_plain_one(int rows, int cols)
    {
        var rng = new Random(rows * cols);
        var plain = Matrix<float>.Build.Dense(rows, cols, (_, _) => (float)rng.NextDouble());
        var marked = plain.Clone();
        marked.KeepRowMajorCopy();
        var mask = Enumerable.Range(0, 17).Select(_ => rng.Next(rows)).ToArray();
        var expected = Matrix<float>.Build.Dense(mask.Length, cols, (i, c) => plain[mask[i], c]);
        Assert.Equal(expected, plain.SelectRows(mask));
        Assert.Equal(expected, marked.SelectRows(mask));
        Assert.Equal(expected, marked.SelectRows(mask));                 // the second call reads the kept copy
        foreach (var m in new[] { plain, marked })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectRows([0, rows]));
            Assert.StartsWith($"Row index {rows} is outside a matrix of shape ({rows}, {cols}).", ex.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectRows([-1]));
        }
        Assert.Equal((0, cols), (marked.SelectRows([]).RowCount, marked.SelectRows([]).ColumnCount));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(101)]
    public void A_minibatch_of_any_size_gets_every_row_in_order_also_in_double(int batch)
    {   // the copy goes eight rows at a time, then one by one: every count and both number types
        var rng = new Random(batch);
        var plain = Matrix<double>.Build.Dense(300, 29, (_, _) => rng.NextDouble());
        var marked = plain.Clone();
        marked.KeepRowMajorCopy();
        var mask = Enumerable.Range(0, batch).Select(_ => rng.Next(300)).ToArray();
        Assert.Equal(plain.SelectRows(mask), marked.SelectRows(mask));
        Assert.Equal(Matrix<double>.Build.Dense(batch, 29, (i, c) => plain[mask[i], c]), marked.SelectRows(mask));
    }

    [Fact]
    public void A_matrix_without_columns_gives_rows_without_columns()
    {
        var empty = Matrix<float>.Build.Dense(5, 0);
        empty.KeepRowMajorCopy();
        var batch = empty.SelectRows([4, 0, 4]);
        Assert.Equal((3, 0), (batch.RowCount, batch.ColumnCount));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Images_loaded_from_bytes_give_minibatches_equal_to_their_matrix(bool normalize)
    {   // the loader keeps the file's bytes as the row-major copy: every number of a batch is the matrix's own, in float
        var rng = new Random(11);
        var pixels = Enumerable.Range(0, 50 * 12).Select(_ => (byte)rng.Next(256)).ToArray();
        var labels = Enumerable.Range(0, 50).Select(_ => (byte)rng.Next(10)).ToArray();
        var (x, _) = Mnist.Split<float>(new IdxImages(50, 3, 4, pixels), labels, normalize, flatten: true, oneHotLabel: true);
        var mask = Enumerable.Range(0, 21).Select(_ => rng.Next(50)).ToArray();
        Assert.Equal(Matrix<float>.Build.Dense(21, 12, (i, c) => x[mask[i], c]), x.SelectRows(mask));
        Assert.Equal(normalize ? pixels[mask[20] * 12 + 11] / 255f : pixels[mask[20] * 12 + 11], x.SelectRows(mask)[20, 11]);
    }

    [Fact]
    public void A_split_marks_its_images_and_answers_so_minibatches_are_copied_row_by_row()
    {
        var pixels = Enumerable.Range(0, 5 * 4).Select(i => (byte)(i * 7)).ToArray();
        var split = Mnist.Split<double>(new IdxImages(5, 2, 2, pixels), [3, 1, 4, 1, 5], normalize: false, flatten: true, oneHotLabel: true);
        var (x, t) = split;
        int[] batchMask = [4, 0, 4, 2];
        var xBatch = x.SelectRows(batchMask);
        var tBatch = t.SelectRows(batchMask);
        for (int i = 0; i < batchMask.Length; i++)
        {
            for (int c = 0; c < 4; c++) Assert.Equal(pixels[batchMask[i] * 4 + c], xBatch[i, c]);
            Assert.Equal(1.0, tBatch[i, split.Labels[batchMask[i]]]);
            Assert.Equal(1.0, tBatch.Row(i).Sum());
        }
        var replaced = split with { X = x.Clone() };                      // a new matrix given to a split is marked too
        Assert.Equal(xBatch, replaced.X.SelectRows(batchMask));
    }

    [Theory]
    [InlineData(0, 13)]
    [InlineData(7, 13)]
    [InlineData(100, 784)]
    [InlineData(101, 1)]
    [InlineData(101, 333)]   // ≥ 16,384 numbers: gathered on two cores, the columns split at 166, a last row group of 5
    [InlineData(64, 300)]
    public void Selecting_into_a_matrix_made_once_gives_the_same_rows_as_a_new_matrix_every_time(int batch, int cols)
    {   // marked (the gather) and plain (the indexer), float; the same target refilled with other rows each time
        var rng = new Random(batch + cols);
        var plain = Matrix<float>.Build.Dense(300, cols, (_, _) => (float)rng.NextDouble());
        var marked = plain.Clone();
        marked.KeepRowMajorCopy();
        foreach (var m in new[] { plain, marked })
        {
            var into = Matrix<float>.Build.Dense(batch, cols, float.NaN);
            for (int draw = 0; draw < 3; draw++)
            {
                var mask = Enumerable.Range(0, batch).Select(_ => rng.Next(300)).ToArray();
                Assert.Same(into, m.SelectRows(mask, into));
                Assert.Equal(m.SelectRows(mask), into);
                Assert.Equal(Matrix<float>.Build.Dense(batch, cols, (i, c) => plain[mask[i], c]), into);
            }
        }
    }

    [Fact]
    public void Selecting_into_a_matrix_of_another_shape_or_kind_or_into_the_source_is_an_error_that_names_it()
    {
        var m = Matrix<double>.Build.Dense(6, 4, (r, c) => r * 10 + c);
        m.KeepRowMajorCopy();
        int[] mask = [5, 0, 5];
        var wrong = Assert.Throws<ArgumentException>(() => m.SelectRows(mask, Matrix<double>.Build.Dense(3, 5)));
        Assert.StartsWith("SelectRows of 3 rows from a matrix of shape (6, 4) fills a matrix of shape (3, 4); got (3, 5).", wrong.Message);
        Assert.Throws<ArgumentException>(() => m.SelectRows(mask, Matrix<double>.Build.Dense(4, 4)));
        var sparse = Assert.Throws<ArgumentException>(() => m.SelectRows(mask, Matrix<double>.Build.Sparse(3, 4)));
        Assert.Contains("dense matrix", sparse.Message);
        var square = Matrix<double>.Build.Dense(3, 3);
        var self = Assert.Throws<ArgumentException>(() => square.SelectRows([0, 1, 2], square));
        Assert.Contains("cannot fill the matrix it reads from", self.Message);
        var alias = Matrix<double>.Build.Dense(3, 3, square.AsColumnMajorArray());   // another matrix on the same numbers
        Assert.Contains("cannot fill the matrix it reads from", Assert.Throws<ArgumentException>(() => square.SelectRows([2, 1, 0], alias)).Message);
        var into = Matrix<double>.Build.Dense(3, 4, -1);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectRows([0, 6, 1], into));
        Assert.StartsWith("Row index 6 is outside a matrix of shape (6, 4).", outside.Message);
        Assert.Equal(Matrix<double>.Build.Dense(3, 4, -1), into);          // nothing was written before the error
        Assert.Throws<ArgumentNullException>(() => m.SelectRows(mask, null!));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_dataset_matrix_changed_in_place_gives_minibatches_of_its_new_numbers(bool fromBytes)
    {   // the row-major copy was taken once and kept: after x.MapInplace the batches came from the old numbers
        var rng = new Random(5);
        var pixels = Enumerable.Range(0, 200 * 12).Select(_ => (byte)rng.Next(1, 256)).ToArray();
        var x = fromBytes
            ? Mnist.Split<float>(new IdxImages(200, 3, 4, pixels), new byte[200], normalize: true, flatten: true, oneHotLabel: true).X
            : Matrix<float>.Build.Dense(200, 12, (r, c) => pixels[r * 12 + c] / 255f);
        if (!fromBytes) x.KeepRowMajorCopy();
        int[] mask = [3, 199, 3, 0, 57, 120, 8, 9, 10];
        Assert.Equal(Matrix<float>.Build.Dense(9, 12, (i, c) => x[mask[i], c]), x.SelectRows(mask));
        foreach (Func<float, float> change in new Func<float, float>[] { v => v * 2, v => v + 1, v => -v })
        {
            x.MapInplace(change);
            var expected = Matrix<float>.Build.Dense(9, 12, (i, c) => x[mask[i], c]);
            Assert.Equal(expected, x.SelectRows(mask));
            var into = Matrix<float>.Build.Dense(9, 12);
            Assert.Equal(expected, x.SelectRows(mask, into));
        }
    }
}
