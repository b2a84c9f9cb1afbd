using FromScratch.Fast;

namespace FromScratch.Tests;

[Collection("MNIST")]
public class SweepTests(MnistFixture mnist)
{
    [Fact]
    public void Each_value_gets_a_fresh_run_with_the_same_seed_and_a_diverging_run_is_kept()
    {
        var options = new TrainingOptions(Iterations: 61, BatchSize: 100, Seed: 7);   // one evaluation, at iteration 0 (an epoch is 600 steps)
        var sweep = Sweep.Run(mnist.Data, options, "learning rate", new[] { 0.1, 0.1, 100.0 }, (o, lr) => o with { LearningRate = lr });

        Assert.Equal(3, sweep.Runs.Count);
        Assert.Equal([0.1, 0.1, 100.0], sweep.Runs.Select(r => r.Value));
        Assert.All(sweep.Runs, r => Assert.Equal(7, r.Options.Seed));
        // The same value with the same seed trains the same network: identical losses and evaluations.
        Assert.Equal(sweep.Runs[0].TrainLoss, sweep.Runs[1].TrainLoss);
        Assert.Equal(sweep.Runs[0].TestAccuracy, sweep.Runs[1].TestAccuracy);
        Assert.False(sweep.Runs[0].Diverged);
        Assert.Equal(61, sweep.Runs[0].TrainLoss.Count);
        Assert.Equal([0], sweep.Runs[0].EpochIterations);

        var diverged = sweep.Runs[2];
        Assert.True(diverged.Diverged);
        Assert.Matches(@"^Training diverged at iteration \d+", diverged.Failure);
        Assert.True(diverged.TrainLoss.Count < 61);
        Assert.Contains("100: diverged (Training diverged at iteration", diverged.ToString());
        Assert.Matches(@"^learning rate sweep: 3 runs × 61 iterations in \d+\.\d s, trained by the readable Trainer.Train on TwoLayerNet<float>$", sweep.Summary);
        Assert.StartsWith("learning rate 0.1: test accuracy 0.", sweep.ToString());
    }

    [Fact]
    public void Without_a_seed_the_runs_still_share_one_and_bad_values_are_rejected()
    {
        var sweep = Sweep.Run(mnist.Data, new TrainingOptions(Iterations: 2), "hidden size", new[] { 3, 5 }, (o, h) => o with { HiddenSize = h });
        Assert.All(sweep.Runs, r => Assert.Equal(0, r.Options.Seed));
        Assert.Equal([3, 5], sweep.Runs.Select(r => r.Options.HiddenSize));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Sweep.Run(mnist.Data, new TrainingOptions(Iterations: 2), "batch", new[] { 0 }, (o, b) => o with { BatchSize = b }));
        Assert.Throws<ArgumentException>(() => Sweep.Run(mnist.Data, new TrainingOptions(), "none", Array.Empty<int>(), (o, _) => o));
    }

    [Fact]
    public void The_readable_path_sweeps_the_same_runs_as_the_fast_one()
    {
        var options = new TrainingOptions(Iterations: 30, Seed: 5);
        var fast = FastSweep.Run(mnist.Data, options, "hidden size", new[] { 4, 12 }, (o, h) => o with { HiddenSize = h });
        var readable = Sweep.Run(mnist.Data, options, "hidden size", new[] { 4, 12 }, (o, h) => o with { HiddenSize = h });
        Assert.Equal(2, readable.Runs.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.False(readable.Runs[i].Diverged);
            Assert.Equal(30, readable.Runs[i].TrainLoss.Count);
            // the same batches and the same start: the losses agree to float rounding, the accuracies to a few images
            for (int k = 0; k < 30; k++) Assert.Equal(fast.Runs[i].TrainLoss[k], readable.Runs[i].TrainLoss[k], 1e-4);
            Assert.Equal(fast.Runs[i].FinalTestAccuracy, readable.Runs[i].FinalTestAccuracy, 1e-3);
        }
        Assert.NotEqual(readable.Runs[0].TrainLoss[^1], readable.Runs[1].TrainLoss[^1]);   // the value swept made a difference
    }

    /// <summary>
    /// The fast sweep has no copy of the data that outlives a run: a learner who changes the images between runs (here in
    /// onRun) trains the next run on what the matrix holds now, exactly as FastTrainer.Train would.
    /// </summary>
    [Fact]
    public void The_fast_sweep_trains_each_run_on_the_data_as_it_is_when_the_run_starts()
    {
        var data = mnist.Data with
        {
            Train = mnist.Data.Train with { X = mnist.Data.Train.X.SubMatrix(0, 2000, 0, 784), T = mnist.Data.Train.T.SubMatrix(0, 2000, 0, 10) },
        };
        var options = new TrainingOptions(Iterations: 20, Seed: 3);
        int run = 0;
        var sweep = FastSweep.Run(data, options, "hidden size", new[] { 8, 8 }, (o, h) => o with { HiddenSize = h }, onRun: _ =>
        {
            if (run++ == 0)
                for (int r = 0; r < 2000; r++) data.Train.X[r, 300] = 1f;   // after the first run: pixel 300 lit in every training image
        });
        var expected = FastTrainer.Train(new TwoLayerNet<float>(784, 8, 10, options.WeightInitStd, 3), data, options);
        Assert.Equal(expected.TrainLoss, sweep.Runs[1].TrainLoss);
        Assert.NotEqual(sweep.Runs[0].TrainLoss, sweep.Runs[1].TrainLoss);
    }
}
