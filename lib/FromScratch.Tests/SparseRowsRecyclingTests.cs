using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// The spare arrays are shared by the whole process: these tests run alone, so no other test takes or adds any meanwhile,
/// and each runs without a collection of the GC (which may drop the spares, held weakly, at any time).
/// </summary>
[CollectionDefinition("Spare arrays", DisableParallelization = true)]
public sealed class SpareArraysCollection;

/// <summary>
/// A conversion to <see cref="SparseRows"/> writes into the arrays of one its caller has recycled, when they are the right
/// size, and then gives exactly what a conversion into new arrays gives; <see cref="FastTrainer"/> recycles its own.
/// </summary>
[Collection("Spare arrays")]
public class SparseRowsRecyclingTests
{
    /// <summary>Runs <paramref name="test"/> with the GC held off, so that a spare is dropped only when a test says so.</summary>
    private static void WithoutCollections(Action test)
    {
        Assert.True(GC.TryStartNoGCRegion(64L << 20), "the GC refused a region without collections");
        try { test(); }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }

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
    public void A_conversion_of_the_same_size_writes_every_entry_into_the_recycled_arrays(bool columnMajor) => WithoutCollections(() =>
    {
        var old = SparseRows.FromMatrix(Sparse(300, 50, 4321, seed: 1));
        var m = Sparse(300, 50, 4321, seed: 2);                                 // other positions and values, as many of them
        if (columnMajor) m = Matrix<float>.Build.DenseOfMatrix(m);
        var fresh = SparseRows.FromMatrix(m);                                  // no spare of this size yet: new arrays
        Array.Fill(old.Values, float.NaN);                                     // what a conversion must never leave behind
        Array.Fill(old.Columns, ushort.MaxValue);
        SparseRows.Recycle(old);

        var reused = SparseRows.FromMatrix(m);
        Assert.Same(old.Values, reused.Values);
        Assert.Same(old.Columns, reused.Columns);
        AssertSame(fresh, reused);

        var next = SparseRows.FromMatrix(m);                                   // taken once: the next one gets its own
        Assert.NotSame(old.Values, next.Values);
        AssertSame(fresh, next);
    });

    [Fact]
    public void Arrays_of_another_size_are_not_taken_and_wait_for_their_size() => WithoutCollections(() =>
    {
        var old = SparseRows.FromMatrix(Sparse(200, 40, 1234, seed: 3));
        SparseRows.Recycle(old);
        var other = SparseRows.FromMatrix(Sparse(200, 40, 1235, seed: 4));    // one entry more
        Assert.NotSame(old.Values, other.Values);
        Assert.Equal(1235, other.Values.Length);
        var same = SparseRows.FromMatrix(Sparse(200, 40, 1234, seed: 5));
        Assert.Same(old.Values, same.Values);
    });

    /// <summary>
    /// A small made-up dataset of 240 + 60 rows, 30 inputs, 3 classes, with 2,345 and 567 nonzeros (plus
    /// <paramref name="more"/>: each test its own sizes, so that no test finds another's spares): each
    /// <paramref name="variant"/> has other pixels and labels, but as many nonzeros (so all of them fit the same spares).
    /// </summary>
    private static Dataset<float> Small(int variant = 0, int more = 0)
    {
        var rng = new Random(8 + variant);
        DataSplit<float> Split(Matrix<float> images)
        {
            var labels = Enumerable.Range(0, images.RowCount).Select(_ => (byte)rng.Next(3)).ToArray();
            var t = Matrix<float>.Build.Dense(images.RowCount, 3, (r, c) => labels[r] == c ? 1f : 0f);
            return new DataSplit<float>(images, t) { Labels = labels, ImageShape = [images.ColumnCount] };
        }
        return new Dataset<float>(Split(Sparse(240, 30, 2345 + more, seed: 6 + 100 * variant)), Split(Sparse(60, 30, 567 + more, seed: 7 + 100 * variant)))
        { ClassNames = ["a", "b", "c"] };
    }

    private static readonly TrainingOptions SmallOptions = new(Iterations: 60, BatchSize: 40, LearningRate: 0.5, HiddenSize: 5, Seed: 9);

    [Fact]
    public void FastTrainer_recycles_its_conversions_and_a_second_run_gives_the_same_numbers() => WithoutCollections(() =>
    {
        var data = Small();
        var options = SmallOptions;

        int before = SparseRows.ReusedForTests;
        var first = new TwoLayerNet<float>(30, 5, 3, seed: 10);
        var h1 = FastTrainer.Train(first, data, options);
        Assert.Equal(before, SparseRows.ReusedForTests);                     // nothing of these sizes was spare
        var second = new TwoLayerNet<float>(30, 5, 3, seed: 10);
        var h2 = FastTrainer.Train(second, data, options);
        Assert.Equal(before + 2, SparseRows.ReusedForTests);                 // both splits converted into the first run's arrays

        Assert.Equal(h1.TrainLoss, h2.TrainLoss);
        Assert.Equal(h1.Epochs.Select(e => (e.TrainAccuracy, e.TestAccuracy)), h2.Epochs.Select(e => (e.TrainAccuracy, e.TestAccuracy)));
        foreach (var name in first.Params.Keys)
            Assert.Equal(first.Params[name].ToColumnMajorArray(), second.Params[name].ToColumnMajorArray());
    });

    [Fact]
    public void Runs_on_several_threads_at_once_never_share_arrays() => WithoutCollections(() =>
    {
        // four datasets of the same sizes, each trained alone first: at once, a run that wrote into another's arrays would
        // train on the other's pixels
        var data = Enumerable.Range(0, 4).Select(v => Small(v, more: 1)).ToArray();
        var options = SmallOptions with { Iterations = 600 };
        var expected = data.Select(d => FastTrainer.Train(new TwoLayerNet<float>(30, 5, 3, seed: 10), d, options).TrainLoss).ToArray();
        for (int round = 0; round < 5; round++)
        {
            using var start = new Barrier(data.Length);                       // every run converts at about the same moment
            var runs = data.Select(d => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return FastTrainer.Train(new TwoLayerNet<float>(30, 5, 3, seed: 10), d, options).TrainLoss;
            }, TaskCreationOptions.LongRunning)).ToArray();
            Task.WaitAll(runs);
            for (int k = 0; k < runs.Length; k++) Assert.Equal(expected[k], runs[k].Result);
        }
        Assert.Equal(System.Runtime.GCLatencyMode.NoGCRegion, System.Runtime.GCSettings.LatencyMode);   // no collection dropped the spares meanwhile
    });

    [Fact]
    public void Spares_the_GC_has_dropped_are_never_handed_out()
    {
        var weak = RecycleOne();                                               // nothing else holds its arrays
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);
        var next = SparseRows.FromMatrix(Sparse(100, 20, 777, seed: 12));
        Assert.Equal(777, next.Values.Length);
        AssertSame(SparseRows.FromMatrix(Sparse(100, 20, 777, seed: 12)), next);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static WeakReference RecycleOne()
        {
            var old = SparseRows.FromMatrix(Sparse(100, 20, 777, seed: 11));
            SparseRows.Recycle(old);
            return new WeakReference(old.Values);
        }
    }
}
