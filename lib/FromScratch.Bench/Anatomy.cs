using System.Diagnostics;
using System.Text;
using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Bench;

/// <summary>
/// Where the fast path's time goes (issue 23: a target that cannot be met is explained from measurements): the engine's
/// forward pass and training iteration timed on one core on variants of the same MNIST rows, so that each figure isolates
/// one cost — the fixed work per row, the work per nonzero pixel, its dependence on the hidden width, the cost of rows
/// that are not in the cache, and what the second core adds.
/// </summary>
internal static class Anatomy
{
    private const int Batch = 100, Batches = 1000, Runs = 5;

    /// <summary>The table (Markdown), measured now; about 15 s.</summary>
    public static string Measure(Dataset<float> data, FmaProbe.Result fma)
    {
        var rng = new Random(7);
        int[][] random = Draw(rng, data.Train.X.RowCount), hot = Draw(rng, 500);
        var real = SparseSplit.From(data.Train.X, data.Train.T, 10);
        var single = SparseSplit.From(FirstNonzeros(data.Train.X, 1), data.Train.T, 10);
        double nonzerosPerRow = (double)real.X.Values.Length / real.Count;

        var s = new StringBuilder();
        s.AppendLine($"Where the fast path's time goes: one core, {Batches:N0} batches of {Batch} rows drawn at random, best of {Runs}. " +
            $"The training rows have {nonzerosPerRow:0.0} nonzero pixels on average (of 784). Per nonzero: (time − the one-nonzero time) / (nonzeros − 1); " +
            $"its FMA floor is 2 · padded hidden flops at {fma.GflopsOneCore:0} GFLOP/s (one core).");
        s.AppendLine();
        s.AppendLine("| measured (one core unless said) | µs per batch | ns per row | ns per nonzero | FMA floor per nonzero (ns) |");
        s.AppendLine("|---|---:|---:|---:|---:|");

        foreach (int hidden in new[] { 4, 20, 100 })
        {
            var net = FastTwoLayerNet.From(new TwoLayerNet<float>(784, hidden, 10, seed: 42));
            net.ForceOneCore = true;
            double full = PerBatch(() => { foreach (var b in random) net.Loss(real, b); });
            double one = PerBatch(() => { foreach (var b in random) net.Loss(single, b); });
            double perNonzero = (full - one) * 1000 / Batch / (nonzerosPerRow - 1);
            double floorNs = 2.0 * net.PaddedHidden / (fma.GflopsOneCore * 1e9) * 1e9;
            s.AppendLine($"| forward pass (`Loss`), hidden {hidden} (padded {net.PaddedHidden}): MNIST rows · the same rows with only their first nonzero pixel | {full:0.0} · {one:0.0} | {full * 1000 / Batch:0} · {one * 1000 / Batch:0} | {perNonzero:0.00} | {floorNs:0.000} |");
            if (hidden != 20) continue;
            double hotTime = PerBatch(() => { foreach (var b in hot) net.Loss(real, b); });
            s.AppendLine($"| forward pass, hidden 20, batches drawn from the first 500 rows only (their pixels stay in the cache) | {hotTime:0.0} | {hotTime * 1000 / Batch:0} | | |");
            var two = FastTwoLayerNet.From(new TwoLayerNet<float>(784, hidden, 10, seed: 42));
            double iterOne = PerBatch(() => { foreach (var b in random) net.StepThenLoss(real, b, 0.1f); });
            double iterTwo = PerBatch(() => { foreach (var b in random) two.StepThenLoss(real, b, 0.1f); });
            double denseFloor = (3 * 2.0 * Batch * (784.0 * hidden + hidden * 10) + 2.0 * Batch * hidden * 10) / (fma.GflopsOneCore * 1e9) * 1e6;
            s.AppendLine($"| training iteration (step, then the loss of the same batch), hidden 20: one core · two cores ({iterOne / iterTwo:0.00}× faster); the dense FMA floor of one iteration on one core {denseFloor:0.0} µs | {iterOne:0.0} · {iterTwo:0.0} | | | |");
        }
        FixedWork(s, data);
        return s.ToString();
    }

    /// <summary>
    /// The work of a training run that no number of iterations changes (what dominates the hidden-20 scaling cells): the
    /// conversion of both splits to sparse rows and one evaluation of both, against the time the memory takes to deliver
    /// their numbers once (a sum over both splits' floats on all cores).
    /// </summary>
    private static void FixedWork(StringBuilder s, Dataset<float> data)
    {
        float[][] arrays = [.. new[] { data.Train.X, data.Test.X }.Select(m => m.Storage is RowMajorMatrix.Rows<float> rows ? rows.Data : m.ToRowMajorArray())];
        double megabytes = arrays.Sum(a => a.Length) * 4.0 / 1e6;
        double read = BestMs(() => { foreach (var a in arrays) Sum(a); });
        double convert = BestMs(() => { SparseRows.FromMatrix(data.Train.X); SparseRows.FromMatrix(data.Test.X); });
        var train = SparseSplit.From(data.Train.X, data.Train.T, 10);
        var test = SparseSplit.From(data.Test.X, data.Test.T, 10);
        var net = FastTwoLayerNet.From(new TwoLayerNet<float>(784, 20, 10, seed: 42));
        double evaluate = BestMs(() => { net.Accuracy(train); net.Accuracy(test); });
        s.AppendLine($"| fixed work of every run, both splits ({megabytes:0} MB of float32), two cores, ms: reading their numbers once (a sum; {megabytes / read:0.0} GB/s) · the conversion to sparse rows (reads them twice) · one evaluation at hidden 20 | {read:0.0} · {convert:0.0} · {evaluate:0.0} ms | | | |");
    }

    /// <summary>The sum of <paramref name="a"/>, split over the cores (what the memory can deliver).</summary>
    private static float Sum(float[] a)
    {
        int parts = Environment.ProcessorCount, length = a.Length / parts;
        var sums = new float[parts];
        Parallel.For(0, parts, p =>
        {
            var span = new ReadOnlySpan<float>(a, p * length, p == parts - 1 ? a.Length - p * length : length);
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(span);
            System.Numerics.Vector<float> u = default, v = default;
            int k = 0;
            for (; k + 1 < vectors.Length; k += 2) { u += vectors[k]; v += vectors[k + 1]; }
            float sum = System.Numerics.Vector.Sum(u + v);
            for (int i = (vectors.Length & ~1) * System.Numerics.Vector<float>.Count; i < span.Length; i++) sum += span[i];
            sums[p] = sum;
        });
        return sums.Sum();
    }

    /// <summary>The best of <see cref="Runs"/> runs of <paramref name="run"/> (after one unmeasured), in ms.</summary>
    private static double BestMs(Action run)
    {
        run();
        double best = double.MaxValue;
        for (int k = 0; k < Runs; k++)
        {
            var clock = Stopwatch.StartNew();
            run();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    private static int[][] Draw(Random rng, int rows)
        => Enumerable.Range(0, Batches).Select(_ => Enumerable.Range(0, Batch).Select(_ => rng.Next(rows)).ToArray()).ToArray();

    /// <summary>The best of <see cref="Runs"/> runs of <paramref name="run"/> (after one unmeasured), in µs per batch.</summary>
    private static double PerBatch(Action run) => BestMs(run) * 1000 / Batches;

    /// <summary><paramref name="x"/> with each row keeping only its first <paramref name="keep"/> nonzero pixels.</summary>
    private static Matrix<float> FirstNonzeros(Matrix<float> x, int keep)
    {
        var result = Matrix<float>.Build.Dense(x.RowCount, x.ColumnCount);
        for (int r = 0; r < x.RowCount; r++)
            for (int j = 0, kept = 0; j < x.ColumnCount && kept < keep; j++)
                if (x[r, j] is var v && v != 0) { result[r, j] = v; kept++; }
        return result;
    }
}
