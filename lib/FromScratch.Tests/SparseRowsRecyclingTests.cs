using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// A conversion to <see cref="SparseRows"/> writes into the arrays its caller recycled from the last conversion of the same
/// matrix, when they are the right size, and then gives exactly what a conversion into new arrays gives;
/// <see cref="FastTrainer"/> recycles its own, which stay with the data while it lives.
/// </summary>
public class SparseRowsRecyclingTests
{
    /// <summary>A (rows, columns) matrix, row-major as a dataset, with exactly <paramref name="nonzeros"/> nonzero entries.</summary>
    private static Matrix<float> Sparse(int rows, int columns, int nonzeros, int seed)
    {
        var rng = new Random(seed);
        var data = new float[rows * columns];
        foreach (int k in Enumerable.Range(0, data.Length).OrderBy(_ => rng.Next()).Take(nonzeros))
            data[k] = rng.Next(1, 256) / 255f;
        return RowMajorMatrix.Create(rows, columns, data);
    }

    private static void AssertSame(SparseRows expected, SparseRows actual)
    {
        Assert.Equal(expected.RowStart, actual.RowStart);
        Assert.Equal(expected.RowMiddle, actual.RowMiddle);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.AllFinite, actual.AllFinite);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_next_conversion_of_the_same_matrix_writes_every_entry_into_the_recycled_arrays(bool columnMajor)
    {
        var m = Sparse(300, 50, 4321, seed: 1);
        if (columnMajor) m = Matrix<float>.Build.DenseOfMatrix(m);
        var old = SparseRows.FromMatrix(m);
        for (int i = 0; i < m.RowCount; i++)                                  // other pixels, as many nonzeros: row i shifted by one column
        {
            var row = m.Row(i).ToArray();
            for (int j = 0; j < row.Length; j++) m[i, j] = row[(j + 1) % row.Length] * 0.5f;
        }
        var fresh = SparseRows.FromMatrix(Matrix<float>.Build.DenseOfMatrix(m));   // another matrix: new arrays
        Array.Fill(old.Values, float.NaN);                                     // what a conversion must never leave behind
        Array.Fill(old.Columns, ushort.MaxValue);
        SparseRows.Recycle(m, old);

        var reused = SparseRows.FromMatrix(m);
        Assert.Same(old.Values, reused.Values);
        Assert.Same(old.Columns, reused.Columns);
        AssertSame(fresh, reused);

        var next = SparseRows.FromMatrix(m);                                   // taken once: the next one gets its own
        Assert.NotSame(old.Values, next.Values);
        AssertSame(fresh, next);
    }

    [Fact]
    public void Arrays_are_taken_only_by_the_same_matrix_with_as_many_nonzeros()
    {
        var m = Sparse(200, 40, 1234, seed: 3);
        var twin = Matrix<float>.Build.DenseOfMatrix(m);                     // the same numbers in another matrix
        var old = SparseRows.FromMatrix(m);
        SparseRows.Recycle(m, old);
        Assert.NotSame(old.Values, SparseRows.FromMatrix(twin).Values);
        m[0, 0] = m[0, 0] == 0 ? 1f : 0f;                                      // one nonzero more or less
        var changed = SparseRows.FromMatrix(m);
        Assert.NotSame(old.Values, changed.Values);
        AssertSame(SparseRows.FromMatrix(Matrix<float>.Build.DenseOfMatrix(m)), changed);
    }

    /// <summary>
    /// A small made-up dataset of 240 + 60 rows, 30 inputs, 3 classes, with 2,345 and 567 nonzeros.
    /// </summary>
    private static Dataset<float> Small()
    {
        var rng = new Random(8);
        DataSplit<float> Split(Matrix<float> images)
        {
            var labels = Enumerable.Range(0, images.RowCount).Select(_ => (byte)rng.Next(3)).ToArray();
            var t = Matrix<float>.Build.Dense(images.RowCount, 3, (r, c) => labels[r] == c ? 1f : 0f);
            return new DataSplit<float>(images, t) { Labels = labels, ImageShape = [images.ColumnCount] };
        }
        return new Dataset<float>(Split(Sparse(240, 30, 2345, seed: 6)), Split(Sparse(60, 30, 567, seed: 7))) { ClassNames = ["a", "b", "c"] };
    }

    [Fact]
    public void FastTrainer_recycles_its_conversions_and_a_second_run_gives_the_same_numbers()
    {
        var data = Small();
        var options = new TrainingOptions(Iterations: 60, BatchSize: 40, LearningRate: 0.5, HiddenSize: 5, Seed: 9);
        var first = new TwoLayerNet<float>(30, 5, 3, seed: 10);
        var h1 = FastTrainer.Train(first, data, options);
        var train = SparseRows.SpareForTests(data.Train.X);
        var test = SparseRows.SpareForTests(data.Test.X);
        Assert.NotNull(train);
        Assert.NotNull(test);
        Assert.Equal([2345, 567], new[] { train.Values.Length, test.Values.Length });
        GC.Collect();                                                          // the spares live as long as the data, whatever the GC does
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var second = new TwoLayerNet<float>(30, 5, 3, seed: 10);
        var h2 = FastTrainer.Train(second, data, options);
        Assert.Same(train.Values, SparseRows.SpareForTests(data.Train.X)!.Values);   // the second run wrote into them, then left them again
        Assert.Same(test.Columns, SparseRows.SpareForTests(data.Test.X)!.Columns);
        Assert.Equal(h1.TrainLoss, h2.TrainLoss);
        Assert.Equal(h1.Epochs.Select(e => (e.TrainAccuracy, e.TestAccuracy)), h2.Epochs.Select(e => (e.TrainAccuracy, e.TestAccuracy)));
        foreach (var name in first.Params.Keys)
            Assert.Equal(first.Params[name].ToColumnMajorArray(), second.Params[name].ToColumnMajorArray());
    }

    [Fact]
    public void The_spares_go_with_the_matrix_they_came_from()
    {
        var weak = RecycleForAMatrixThatThenDies();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static WeakReference RecycleForAMatrixThatThenDies()
        {
            var m = Sparse(100, 20, 777, seed: 11);
            var old = SparseRows.FromMatrix(m);
            SparseRows.Recycle(m, old);
            return new WeakReference(old.Values);
        }
    }
}
