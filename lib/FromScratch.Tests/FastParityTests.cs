using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>The fast path computes what the readable <see cref="TwoLayerNet{T}"/> computes.</summary>
[Trait("Category", "Simd")]
public class FastParityTests
{
    private static (Matrix<float> x, Matrix<float> t) SparseBatch(int rows, int inputs, int classes, int seed)
    {
        var rng = new Random(seed);
        var x = Matrix<float>.Build.Dense(rows, inputs, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var t = Matrix<float>.Build.Dense(rows, classes);
        for (int r = 0; r < rows; r++) t[r, rng.Next(classes)] = 1;
        return (x, t);
    }

    private static void AssertParamsClose(TwoLayerNet<float> expected, TwoLayerNet<float> actual, double tolerance, string what)
    {
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            var e = expected.Params[key]; var a = actual.Params[key];
            Assert.Equal(e.RowCount, a.RowCount);
            Assert.Equal(e.ColumnCount, a.ColumnCount);
            double worst = 0;
            for (int i = 0; i < e.RowCount; i++)
                for (int j = 0; j < e.ColumnCount; j++)
                    worst = Math.Max(worst, Math.Abs(e[i, j] - a[i, j]) / (1e-3 + Math.Abs(e[i, j])));
            Assert.True(worst <= tolerance, $"{what}: {key} differs by {worst:E2} (relative to 1e-3 + |value|) > {tolerance:E0}");
        }
    }

    [Theory]
    [InlineData(1, 1)] [InlineData(1, 3)] [InlineData(1, 100)]
    [InlineData(7, 1)] [InlineData(7, 3)] [InlineData(7, 100)]
    [InlineData(20, 1)] [InlineData(20, 3)] [InlineData(20, 100)]
    [InlineData(33, 1)] [InlineData(33, 3)] [InlineData(33, 100)]
    [InlineData(12, 100)] [InlineData(28, 3)] [InlineData(52, 100)]   // a last hidden vector of at most 4 units (NarrowTail) with 8 and 16 floats
    [InlineData(130, 100)]                                            // a wide layer: eight vectors per pass, and the rest
    public void One_step_equals_gradient_then_sgd(int hidden, int batch)
    {
        const int inputs = 784, classes = 10;
        var (x, t) = SparseBatch(150, inputs, classes, hidden * 100 + batch);
        var readable = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.5, seed: hidden + batch);
        var fastNet = FastTwoLayerNet.From(readable);
        var split = SparseSplit.From(x, t, classes);
        var rng = new Random(batch);
        var rows = Enumerable.Range(0, batch).Select(_ => rng.Next(x.RowCount)).ToArray();

        // the loss before the step
        var xb = x.SelectRows(rows); var tb = t.SelectRows(rows);
        Assert.Equal(readable.Loss(xb, tb), fastNet.Loss(split, rows), 4);

        // the probabilities
        var y = readable.Predict(xb);
        var yFast = fastNet.Predict(split.X, rows);
        for (int i = 0; i < batch; i++)
            for (int o = 0; o < classes; o++)
                Assert.True(Math.Abs(y[i, o] - yFast[i * classes + o]) <= 2e-6, $"y[{i}, {o}] = {yFast[i * classes + o]}, readable {y[i, o]}");

        // one step: W ← W − η·∇ on both
        Sgd.Update(readable.Params, readable.Gradient(xb, tb), 0.5f);
        fastNet.Step(split, rows, 0.5f);
        var back = new TwoLayerNet<float>(inputs, hidden, classes, seed: 0);
        fastNet.CopyTo(back);
        AssertParamsClose(readable, back, 1e-4, $"hidden {hidden}, batch {batch}");
        Assert.Equal(readable.Loss(xb, tb), fastNet.Loss(split, rows), 4);
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(13, 1)]
    public void Odd_input_and_output_sizes_work(int inputs, int classes)
    {
        var (x, t) = SparseBatch(40, inputs, classes, inputs);
        var readable = new TwoLayerNet<float>(inputs, 9, classes, weightInitStd: 0.5, seed: 3);
        var fastNet = FastTwoLayerNet.From(readable);
        var split = SparseSplit.From(x, t, classes);
        var rows = Enumerable.Range(0, 40).ToArray();
        for (int step = 0; step < 5; step++)
        {
            Sgd.Update(readable.Params, readable.Gradient(x, t), 0.3f);
            fastNet.Step(split, rows, 0.3f);
        }
        var back = new TwoLayerNet<float>(inputs, 9, classes, seed: 0);
        fastNet.CopyTo(back);
        AssertParamsClose(readable, back, 1e-4, $"inputs {inputs}, classes {classes}");
        Assert.Equal(readable.Accuracy(x, t), fastNet.Accuracy(split), 10);
    }

    [Fact]
    public void CopyFrom_then_CopyTo_is_exact_and_in_place()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 9);
        var w1 = net.Params["W1"];
        var copy = new TwoLayerNet<float>(784, 20, 10, seed: 10);
        var w1Copy = copy.Params["W1"];
        FastTwoLayerNet.From(net).CopyTo(copy);
        Assert.Same(w1Copy, copy.Params["W1"]);
        Assert.Same(w1, net.Params["W1"]);
        foreach (var key in TwoLayerNet<float>.ParamNames)
            Assert.Equal(net.Params[key].AsColumnMajorArray(), copy.Params[key].ToColumnMajorArray());
    }

    [Fact]
    public void Fast_path_refuses_answers_that_are_not_one_hot()
    {
        var x = Matrix<float>.Build.Dense(2, 4, 1f);
        var t = Matrix<float>.Build.Dense(2, 3, 0.5f);
        Assert.Contains("one-hot", Assert.Throws<ArgumentException>(() => SparseSplit.From(x, t, 3)).Message);
        var twoOnes = Matrix<float>.Build.Dense(2, 3);
        twoOnes[0, 0] = twoOnes[0, 1] = twoOnes[1, 2] = 1f;
        Assert.Contains("row 0 has 2 ones", Assert.Throws<ArgumentException>(() => SparseSplit.From(x, twoOnes, 3)).Message);
        Assert.Contains("not a label", Assert.Throws<ArgumentException>(() => SparseSplit.From(x, TestNets.Labels(0, 3), 3)).Message);
        Assert.Equal([0, 2], SparseSplit.From(x, TestNets.Labels(0, 2), 3).Labels);
    }


    [Fact]
    public void Fast_accuracy_never_counts_a_NaN_score_as_correct()
    {
        var net = TestNets.WithScores(float.NaN, 0f, 0f);
        var x = Matrix<float>.Build.Dense(3, 2);
        foreach (var t in new[] { TestNets.Labels(0, 0, 0), TestNets.Labels(1, 1, 1), TestNets.Labels(2, 2, 2) })
        {
            Assert.Equal(0.0, net.Accuracy(x, t));
            Assert.Equal(0.0, FastTwoLayerNet.From(net).Accuracy(SparseSplit.From(x, t, 3)));
        }
    }

    [Fact]
    public void Fast_accuracy_skips_a_NaN_input_row_and_still_counts_the_others()
    {
        var (net, x, t) = TestNets.WithANaNInputRow();
        Assert.Equal(0.5, net.Accuracy(x, t));
        Assert.Equal(0.5, FastTwoLayerNet.From(net).Accuracy(SparseSplit.From(x, t, 2)));
    }
}

/// <summary>The fast trainer against the readable trainer on real MNIST.</summary>
/// <summary>The fast step shared out over two cores computes exactly what it computes on one.</summary>
[Trait("Category", "Simd")]
public class FastTwoCoreTests
{
    [Fact]
    public void Pair_runs_each_half_once_also_nested_and_passes_failures_on()
    {
        for (int call = 0; call < 200; call++)
        {
            var runs = new int[4];
            Pair.Run(half =>
            {
                Interlocked.Increment(ref runs[half]);
                Pair.Run(inner => Interlocked.Increment(ref runs[2 + inner]));   // nested: both inner halves run here
            });
            Assert.Equal([1, 1, 2, 2], runs);
        }
        foreach (int failing in new[] { 0, 1 })
        {
            var e = Assert.Throws<InvalidOperationException>(() => Pair.Run(half => { if (half == failing) throw new InvalidOperationException($"half {half}"); }));
            Assert.Equal($"half {failing}", e.Message);
        }
        int after = 0;
        Pair.Run(_ => Interlocked.Increment(ref after));   // still works after a failure
        Assert.Equal(2, after);
    }

    [Fact]
    public void Pair_phases_start_only_when_both_halves_of_the_phase_before_are_done()
    {   // each half of phase k checks that both halves of phase k − 1 wrote their mark; a failure stops the later phases
        const int Phases = 4;
        for (int call = 0; call < 300; call++)
        {
            var marks = new int[Phases, 2];
            var broken = new int[1];
            var phases = Enumerable.Range(0, Phases).Select(k => (Action<int>)(half =>
            {
                if (k > 0 && (Volatile.Read(ref marks[k - 1, 0]) != 1 || Volatile.Read(ref marks[k - 1, 1]) != 1)) Interlocked.Increment(ref broken[0]);
                if ((call + k + half) % 7 == 0) Thread.SpinWait(2000);            // one half late now and then
                Volatile.Write(ref marks[k, half], 1);
            })).ToArray();
            Pair.Run(phases);
            Assert.Equal(0, broken[0]);
            Assert.All(Enumerable.Range(0, Phases), k => Assert.Equal((1, 1), (marks[k, 0], marks[k, 1])));
        }
        foreach (int failing in new[] { 0, 1 })
        {
            var ran = new int[3, 2];
            Action<int> Phase(int k) => half =>
            {
                Interlocked.Increment(ref ran[k, half]);
                if (k == 1 && half == failing) throw new InvalidOperationException($"phase 1, half {half}");
            };
            var e = Assert.Throws<InvalidOperationException>(() => Pair.Run([Phase(0), Phase(1), Phase(2)]));
            Assert.Equal($"phase 1, half {failing}", e.Message);
            Assert.Equal((1, 1), (ran[0, 0], ran[0, 1]));
            Assert.Equal((0, 0), (ran[2, 0], ran[2, 1]));                        // no phase after the failing one started
        }
        var nested = new int[2];
        Pair.Run([half => Pair.Run([inner => Interlocked.Increment(ref nested[inner])]), _ => { }]);   // nested: runs here, in order
        Assert.Equal([2, 2], nested);
        Assert.Throws<ArgumentException>(() => Pair.Run(Array.Empty<Action<int>>()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_chooser_keeps_the_faster_way_after_each_round_of_trials(bool twoFaster)
    {
        var chooser = new PairChooser();
        var seen = new List<bool>();
        for (int call = 0; call < 2 * PairChooser.Round; call++)
        {
            bool two = chooser.UseTwo;
            seen.Add(two);
            chooser.Record(two, two == twoFaster ? 100 : 300);
        }
        for (int round = 0; round < 2; round++)
        {
            var trials = seen.Skip(round * PairChooser.Round).Take(PairChooser.Trials).ToList();
            Assert.Equal(PairChooser.Trials / 2, trials.Count(t => t));            // both ways measured
            Assert.All(seen.Skip(round * PairChooser.Round + PairChooser.Trials).Take(PairChooser.Round - PairChooser.Trials), t => Assert.Equal(twoFaster, t));
        }
    }

    [Fact]
    public void The_chooser_measures_both_ways_again_as_soon_as_the_chosen_way_gets_slower_than_the_other_was()
    {
        // two cores win the trials, then the helper loses its core (another process took it): two-core calls now stall
        var chooser = new PairChooser();
        var seen = new List<bool>();
        for (int call = 0; call < PairChooser.Trials; call++) { bool two = chooser.UseTwo; seen.Add(two); chooser.Record(two, two ? 100 : 300); }
        Assert.True(chooser.UseTwo);
        int calls = 0;
        while (chooser.UseTwo && calls < PairChooser.Round) { chooser.Record(true, 3_000); calls++; }   // every two-core call stalls
        Assert.True(calls <= PairChooser.Window, $"still on two cores after {calls} stalled calls");
        for (int call = 0; call < PairChooser.Trials; call++) { bool two = chooser.UseTwo; seen.Add(two); chooser.Record(two, two ? 3_000 : 300); }
        Assert.Equal(PairChooser.Trials / 2, seen.Skip(PairChooser.Trials).Count(t => t));             // both ways measured again
        for (int call = 0; call < PairChooser.Round - PairChooser.Trials; call++) { Assert.False(chooser.UseTwo); chooser.Record(false, 300); }
    }

    [Fact]
    public void The_chooser_keeps_a_way_that_stays_as_fast_as_it_measured()
    {
        var chooser = new PairChooser();
        for (int call = 0; call < PairChooser.Trials; call++) { bool two = chooser.UseTwo; chooser.Record(two, two ? 100 : 300); }
        for (int call = 0; call < PairChooser.Round - PairChooser.Trials; call++)
        {
            Assert.True(chooser.UseTwo, $"call {call} of the round left two cores");
            chooser.Record(true, call % 7 == 0 ? 250 : 110);   // noise, but never slower than one core measured
        }
    }

    [Theory]
    [InlineData(20, 1)] [InlineData(20, 777)] [InlineData(33, 2500)]
    public void Accuracy_in_two_halves_counts_the_same_as_in_row_blocks_on_all_cores(int hidden, int rows)
    {
        const int inputs = 784, classes = 10;
        var rng = new Random(rows);
        var x = Matrix<float>.Build.Dense(rows, inputs, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var t = Matrix<float>.Build.Dense(rows, classes);
        for (int r = 0; r < rows; r++) t[r, rng.Next(classes)] = 1;
        var split = SparseSplit.From(x, t, classes);
        var readable = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.3, seed: hidden);
        var fast = FastTwoLayerNet.From(readable);
        bool before = FastTwoLayerNet.EvaluateInPairs;
        try
        {
            FastTwoLayerNet.EvaluateInPairs = true;
            double pairs = fast.Accuracy(split);
            FastTwoLayerNet.EvaluateInPairs = false;
            double blocks = fast.Accuracy(split);
            Assert.Equal(pairs, blocks);
            Assert.Equal(readable.Accuracy(x, t), pairs, 12);   // and as the readable network counts
        }
        finally { FastTwoLayerNet.EvaluateInPairs = before; }
    }

    /// <summary>The bench's one-thread mode (steps and evaluations on the calling thread) gives the same numbers.</summary>
    [Fact]
    public void One_thread_gives_the_same_parameters_losses_and_accuracy()
    {
        var rng = new Random(11);
        var x = Matrix<float>.Build.Dense(5000, 784, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var t = Matrix<float>.Build.Dense(5000, 10);
        for (int r = 0; r < 5000; r++) t[r, rng.Next(10)] = 1;
        var split = SparseSplit.From(x, t, 10);
        var readable = new TwoLayerNet<float>(784, 20, 10, weightInitStd: 0.3, seed: 4);
        var batches = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 100).Select(_ => rng.Next(5000)).ToArray()).ToArray();
        (Dictionary<string, Matrix<float>>, List<double>, double) Run(bool oneThread)
        {
            FastTwoLayerNet.OneThread = oneThread;
            try
            {
                var fast = FastTwoLayerNet.From(readable);
                var losses = new List<double>();
                foreach (var rows in batches) { fast.Step(split, rows, 0.5f); losses.Add(fast.Loss(split, rows)); }
                return (fast.ToMatrices(), losses, fast.Accuracy(split));
            }
            finally { FastTwoLayerNet.OneThread = false; }
        }
        var (p1, l1, a1) = Run(true);
        var (p2, l2, a2) = Run(false);
        Assert.Equal(l2, l1);
        Assert.Equal(a2, a1);
        Assert.InRange(a1, 0.01, 0.99);
        foreach (var key in TwoLayerNet<float>.ParamNames) Assert.Equal(p2[key], p1[key]);
    }

    /// <summary>The last three hidden vectors summed in one pass over the pixels give the bits of the two passes they replace.</summary>
    [Theory]
    [InlineData(20)] [InlineData(40)] [InlineData(100)] [InlineData(500)]   // 3, 5 or 13 vectors (256 bits), 3 or 7 (512), 5 (128)
    public void One_pass_over_the_last_three_vectors_gives_the_same_bits_as_two(int hidden)
    {
        const int inputs = 784, classes = 10;
        var rng = new Random(hidden);
        var x = Matrix<float>.Build.Dense(200, inputs, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var t = Matrix<float>.Build.Dense(200, classes);
        for (int r = 0; r < 200; r++) t[r, rng.Next(classes)] = 1;
        var split = SparseSplit.From(x, t, classes);
        var readable = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.3, seed: hidden);
        var batches = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 50).Select(_ => rng.Next(200)).ToArray()).ToArray();
        (Dictionary<string, Matrix<float>> Params, List<double> Losses, float[] Y, double Accuracy) Run(bool onePass)
        {
            bool saved = FastTwoLayerNet.UseThreeVectorPass;
            FastTwoLayerNet.UseThreeVectorPass = onePass;
            try
            {
                var fast = FastTwoLayerNet.From(readable);
                var losses = new List<double>();
                foreach (var rows in batches) { fast.Step(split, rows, 0.5f); losses.Add(fast.Loss(split, rows)); }
                return (fast.ToMatrices(), losses, fast.Predict(split.X, batches[0]), fast.Accuracy(split));
            }
            finally { FastTwoLayerNet.UseThreeVectorPass = saved; }
        }
        var (p1, l1, y1, a1) = Run(true);
        var (p2, l2, y2, a2) = Run(false);
        Assert.Equal(l2, l1);
        Assert.Equal(y2, y1);
        Assert.Equal(a2, a1);
        foreach (var key in TwoLayerNet<float>.ParamNames) Assert.Equal(p2[key], p1[key]);
    }

    /// <summary>
    /// W1's update in blocks of hidden vectors held in registers (8, 4, 3, 2, 1) gives the bits of the update a whole row of
    /// W1 at a time it replaced: each element gets the same sums in the same order.
    /// </summary>
    [Theory]
    [InlineData(20)] [InlineData(40)] [InlineData(100)] [InlineData(500)] [InlineData(60)]   // 3, 5, 13, 63, 8 vectors (256 bits); 2, 3, 7, 32, 4 (512); 5, 10, 25, 125, 15 (128)
    public void W1_updated_in_blocks_of_vectors_gives_the_same_bits_as_by_whole_rows(int hidden)
    {
        const int inputs = 784, classes = 10;
        var rng = new Random(hidden + 1);
        var x = Matrix<float>.Build.Dense(200, inputs, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var t = Matrix<float>.Build.Dense(200, classes);
        for (int r = 0; r < 200; r++) t[r, rng.Next(classes)] = 1;
        var split = SparseSplit.From(x, t, classes);
        var readable = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.3, seed: hidden);
        var batches = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 50).Select(_ => rng.Next(200)).ToArray()).ToArray();
        (Dictionary<string, Matrix<float>> Params, List<double> Losses) Run(bool blocked)
        {
            bool saved = FastTwoLayerNet.UseBlockedUpdate;
            FastTwoLayerNet.UseBlockedUpdate = blocked;
            try
            {
                var fast = FastTwoLayerNet.From(readable);
                var losses = new List<double>();
                foreach (var rows in batches) { fast.Step(split, rows, 0.5f); losses.Add(fast.Loss(split, rows)); }
                return (fast.ToMatrices(), losses);
            }
            finally { FastTwoLayerNet.UseBlockedUpdate = saved; }
        }
        var (p1, l1) = Run(true);
        var (p2, l2) = Run(false);
        Assert.Equal(l2, l1);
        foreach (var key in TwoLayerNet<float>.ParamNames) Assert.Equal(p2[key], p1[key]);
        Assert.NotEqual(readable.Params["W1"], p1["W1"]);   // the steps did change W1
    }

    /// <summary><paramref name="rows"/> random rows, 80 % zeros, with one-hot labels, as the engine's sparse split.</summary>
    private static SparseSplit RandomSplit(Random rng, int rows, int inputs, int classes)
    {
        var x = Matrix<float>.Build.Dense(rows, inputs, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var t = Matrix<float>.Build.Dense(rows, classes);
        for (int r = 0; r < rows; r++) t[r, rng.Next(classes)] = 1;
        return SparseSplit.From(x, t, classes);
    }

    [Theory]
    [InlineData(20, 100)] [InlineData(7, 100)] [InlineData(33, 64)] [InlineData(100, 32)] [InlineData(20, 31)] [InlineData(500, 40)] [InlineData(12, 100)] [InlineData(52, 64)]
    public void Two_cores_give_the_same_parameters_and_losses_bit_for_bit(int hidden, int batch)
    {
        const int inputs = 784, classes = 10;
        var rng = new Random(hidden * 7 + batch);
        var split = RandomSplit(rng, 300, inputs, classes);
        var readable = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.3, seed: hidden);
        var one = FastTwoLayerNet.From(readable);
        one.ForceOneCore = true;
        var two = FastTwoLayerNet.From(readable);
        for (int step = 0; step < 5; step++)
        {
            var rows = Enumerable.Range(0, batch).Select(_ => rng.Next(300)).ToArray();
            one.Step(split, rows, 0.5f);
            two.Step(split, rows, 0.5f);
            Assert.Equal(one.Loss(split, rows), two.Loss(split, rows));
        }
        var a = new TwoLayerNet<float>(inputs, hidden, classes, seed: 0);
        var b = new TwoLayerNet<float>(inputs, hidden, classes, seed: 0);
        one.CopyTo(a);
        two.CopyTo(b);
        foreach (var key in TwoLayerNet<float>.ParamNames) Assert.Equal(a.Params[key], b.Params[key]);
        Assert.NotEqual(readable.Params["W1"], a.Params["W1"]);   // the steps did change W1
    }

    [Theory]
    [InlineData(20, 100)] [InlineData(7, 100)] [InlineData(33, 64)] [InlineData(20, 31)] [InlineData(500, 40)] [InlineData(12, 100)]
    public void Step_then_loss_in_one_call_gives_the_bits_of_the_two_calls_on_one_core_and_two(int hidden, int batch)
    {
        const int inputs = 784, classes = 10;
        var rng = new Random(hidden * 11 + batch);
        var split = RandomSplit(rng, 300, inputs, classes);
        var readable = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.3, seed: hidden);
        var apart = FastTwoLayerNet.From(readable);
        apart.ForceOneCore = true;
        var fusedOne = FastTwoLayerNet.From(readable);
        fusedOne.ForceOneCore = true;
        var fusedTwo = FastTwoLayerNet.From(readable);
        for (int step = 0; step < 5; step++)
        {
            var rows = Enumerable.Range(0, batch).Select(_ => rng.Next(300)).ToArray();
            apart.Step(split, rows, 0.5f);
            double expected = apart.Loss(split, rows);
            Assert.Equal(expected, fusedOne.StepThenLoss(split, rows, 0.5f));
            Assert.Equal(expected, fusedTwo.StepThenLoss(split, rows, 0.5f));
        }
        var e = apart.ToMatrices();
        var one = fusedOne.ToMatrices();
        var two = fusedTwo.ToMatrices();
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            Assert.Equal(e[key], one[key]);
            Assert.Equal(e[key], two[key]);
        }
        Assert.NotEqual(readable.Params["W1"], one["W1"]);   // the steps did change W1
    }
}

[Trait("Category", "Simd")]
[Collection("MNIST")]
public class FastTrainerParityTests(MnistFixture mnist)
{
    [Fact]
    public void Hundred_steps_with_the_same_seed_give_the_same_parameters()
    {
        var options = new TrainingOptions(Iterations: 100, Seed: 123);
        var readable = new TwoLayerNet<float>(784, 20, 10, seed: 5);
        var fast = new TwoLayerNet<float>(784, 20, 10, seed: 5);
        var w1 = fast.Params["W1"];
        var h1 = Trainer.Train(readable, mnist.Data, options);
        var h2 = FastTrainer.Train(fast, mnist.Data, options);

        Assert.Same(w1, fast.Params["W1"]);   // written back in place
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            var e = readable.Params[key]; var a = fast.Params[key];
            double worst = 0;
            for (int i = 0; i < e.RowCount; i++)
                for (int j = 0; j < e.ColumnCount; j++)
                    worst = Math.Max(worst, Math.Abs(e[i, j] - a[i, j]));
            double scale = e.Enumerate().Max(v => Math.Abs((double)v));
            Assert.True(worst <= 1e-4 * Math.Max(scale, 1e-2), $"{key}: max |readable − fast| = {worst:E2} (max |value| {scale:E2})");
        }
        Assert.Equal(h1.TrainLoss.Count, h2.TrainLoss.Count);
        for (int i = 0; i < h1.TrainLoss.Count; i++) Assert.Equal(h1.TrainLoss[i], h2.TrainLoss[i], 3);
        Assert.Single(h2.Epochs);
        Assert.Equal(h1.Epochs[0].TestAccuracy, h2.Epochs[0].TestAccuracy, 3);
    }

    [Fact]
    public void Accuracy_and_probabilities_match_the_readable_network_on_the_test_set()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 8);
        FastTrainer.Train(net, mnist.Data, new TrainingOptions(Iterations: 300, Seed: 8));
        var fast = FastTwoLayerNet.From(net);
        var (_, test) = FastTrainer.Prepare(mnist.Data, 10);
        var (xTest, tTest) = mnist.Data.Test;
        Assert.Equal(net.Accuracy(xTest, tTest), fast.Accuracy(test), 3);   // ties could differ in the last place only

        var rows = Enumerable.Range(0, 50).ToArray();
        var y = net.Predict(xTest.SelectRows(rows));
        var yFast = fast.Predict(test.X, rows);
        for (int i = 0; i < rows.Length; i++)
            for (int o = 0; o < 10; o++)
                Assert.True(Math.Abs(y[i, o] - yFast[i * 10 + o]) <= 1e-5, $"y[{i}, {o}]: readable {y[i, o]}, fast {yFast[i * 10 + o]}");
    }
}
