using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// <c>x[batch_mask]</c>: <see cref="MatrixExtensions.SelectRows{T}(Matrix{T}, IReadOnlyList{int})"/> gives the rows the matrix
/// holds now, for every shape, for repeated and out-of-order indices, and after any change made in place.
/// </summary>
public class SelectRowsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(70, 13)]
    [InlineData(600, 784)]
    public void It_gives_the_chosen_rows_in_order_and_names_an_index_outside(int rows, int cols)
    {
        var rng = new Random(rows * cols);
        var m = Matrix<float>.Build.Dense(rows, cols, (_, _) => (float)rng.NextDouble());
        var mask = Enumerable.Range(0, 17).Select(_ => rng.Next(rows)).ToArray();
        Assert.Equal(Matrix<float>.Build.Dense(mask.Length, cols, (i, c) => m[mask[i], c]), m.SelectRows(mask));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectRows([0, rows]));
        Assert.StartsWith($"Row index {rows} is outside a matrix of shape ({rows}, {cols}).", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectRows([-1]));
        Assert.Equal((0, cols), (m.SelectRows([]).RowCount, m.SelectRows([]).ColumnCount));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(101)]
    public void A_minibatch_of_any_size_gets_every_row_in_order_also_in_double(int batch)
    {
        var rng = new Random(batch);
        var m = Matrix<double>.Build.Dense(300, 29, (_, _) => rng.NextDouble());
        var mask = Enumerable.Range(0, batch).Select(_ => rng.Next(300)).ToArray();
        Assert.Equal(Matrix<double>.Build.Dense(batch, 29, (i, c) => m[mask[i], c]), m.SelectRows(mask));
    }

    [Fact]
    public void A_matrix_without_columns_gives_rows_without_columns()
    {
        var batch = Matrix<float>.Build.Dense(5, 0).SelectRows([4, 0, 4]);
        Assert.Equal((3, 0), (batch.RowCount, batch.ColumnCount));
    }

    [Fact]
    public void A_split_gives_minibatches_of_its_pixels_and_one_hot_answers()
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
    }

    [Theory]
    [InlineData(0, 13)]
    [InlineData(7, 13)]
    [InlineData(100, 784)]
    [InlineData(101, 333)]
    public void Selecting_into_a_matrix_made_once_gives_the_same_rows_as_a_new_matrix_every_time(int batch, int cols)
    {
        var rng = new Random(batch + cols);
        var m = Matrix<float>.Build.Dense(300, cols, (_, _) => (float)rng.NextDouble());
        var into = Matrix<float>.Build.Dense(batch, cols, float.NaN);
        for (int draw = 0; draw < 3; draw++)
        {
            var mask = Enumerable.Range(0, batch).Select(_ => rng.Next(300)).ToArray();
            Assert.Same(into, m.SelectRows(mask, into));
            Assert.Equal(m.SelectRows(mask), into);
            Assert.Equal(Matrix<float>.Build.Dense(batch, cols, (i, c) => m[mask[i], c]), into);
        }
    }

    [Fact]
    public void Selecting_into_a_matrix_of_another_shape_or_into_the_source_is_an_error_that_names_it()
    {
        var m = Matrix<double>.Build.Dense(6, 4, (r, c) => r * 10 + c);
        int[] mask = [5, 0, 5];
        var wrong = Assert.Throws<ArgumentException>(() => m.SelectRows(mask, Matrix<double>.Build.Dense(3, 5)));
        Assert.StartsWith("SelectRows of 3 rows from a matrix of shape (6, 4) fills a matrix of shape (3, 4); got (3, 5).", wrong.Message);
        Assert.Throws<ArgumentException>(() => m.SelectRows(mask, Matrix<double>.Build.Dense(4, 4)));
        var square = Matrix<double>.Build.Dense(3, 3);
        var self = Assert.Throws<ArgumentException>(() => square.SelectRows([0, 1, 2], square));
        Assert.Contains("cannot fill the matrix it reads from", self.Message);
        var into = Matrix<double>.Build.Dense(3, 4, -1);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectRows([0, 6, 1], into));
        Assert.StartsWith("Row index 6 is outside a matrix of shape (6, 4).", outside.Message);
        Assert.Equal(Matrix<double>.Build.Dense(3, 4, -1), into);          // nothing was written before the error
        Assert.Throws<ArgumentNullException>(() => m.SelectRows(mask, null!));
        Assert.Equal(Matrix<double>.Build.Dense(3, 4, (i, c) => m[mask[i], c]), m.SelectRows(mask, Matrix<double>.Build.Sparse(3, 4)));
    }
}

/// <summary>
/// A learner who edits the training data in place (one pixel, one image, the whole matrix) gets the new numbers in every
/// later minibatch: on the matrices <see cref="Mnist.Load{T}"/> returns, in float and in double. (These failed when the
/// loader kept a hidden row-major copy of the images: 199 of 200 single-pixel edits went unseen.)
/// </summary>
public class InPlaceEditTests
{
    public static TheoryData<string> Types => ["float", "double"];

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_in_place_change_of_the_loaded_training_set_shows_in_the_next_minibatch(string type)
    {
        if (type == "float") Check<float>(); else Check<double>();
    }

    private static void Check<T>() where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var data = Mnist.Load<T>(log: TextWriter.Null);
        var (x, t) = data.Train;
        var rng = new Random(21);
        int[] Mask(int first) => [first, .. Enumerable.Range(0, 99).Select(_ => rng.Next(x.RowCount))];
        var into = Matrix<T>.Build.Dense(100, x.ColumnCount);
        void Same(int[] mask, string what)
        {
            var expected = Matrix<T>.Build.Dense(mask.Length, x.ColumnCount, (i, c) => x[mask[i], c]);
            Assert.True(expected.Equals(x.SelectRows(mask)), $"{typeof(T).Name}: x.SelectRows after {what} gave other numbers than x holds");
            Assert.True(expected.Equals(x.SelectRows(mask, into)), $"{typeof(T).Name}: x.SelectRows(into:) after {what} gave other numbers than x holds");
        }
        Same(Mask(0), "loading");

        // single numbers through the indexer: 200 one-pixel edits, each read back at once
        T half = T.CreateChecked(0.5);
        int stale = 0;
        for (int k = 0; k < 200; k++)
        {
            int r = rng.Next(x.RowCount), c = rng.Next(x.ColumnCount);
            x[r, c] += half;
            if (x.SelectRows(Mask(r))[0, c] != x[r, c]) stale++;
        }
        Assert.True(stale == 0, $"{typeof(T).Name}: {stale} of 200 single-pixel edits were not in the next minibatch");

        // single rows (SetRow), the whole matrix (MapInplace), a result: argument
        x.SetRow(7, Vector<T>.Build.Dense(x.ColumnCount, T.One));
        Same(Mask(7), "SetRow");
        x.MapInplace(v => T.One - v);
        Same(Mask(3), "MapInplace");
        x.Multiply(T.CreateChecked(2), result: x);
        Same(Mask(59_999), "Multiply(2, result: x)");

        // the answers too: one label changed by hand
        t.SetRow(11, Vector<T>.Build.Dense(t.ColumnCount, i => i == 9 ? T.One : T.Zero));
        Assert.Equal(T.One, t.SelectRows([11])[0, 9]);
    }
}
