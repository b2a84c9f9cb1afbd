using FromScratch.Data;
using FromScratch.Fast;

namespace FromScratch.Tests;

/// <summary>
/// Training with a learning rate far too large stops with <see cref="TrainingDivergedException"/> — naming the iteration and
/// advising a smaller rate — on real MNIST, for the readable trainer (float and double) and the fast one.
/// </summary>
[Collection("MNIST")]
public class DivergenceTests(MnistFixture mnist)
{
    private Dataset<double> MnistDouble() => new(
        Mnist.Split<double>(mnist.Data.Train.RawImages, mnist.Data.Train.Labels, normalize: true, flatten: true, oneHotLabel: true),
        Mnist.Split<double>(mnist.Data.Test.RawImages, mnist.Data.Test.Labels, normalize: true, flatten: true, oneHotLabel: true))
    { ClassNames = mnist.Data.ClassNames };

    /// <summary>Trains until it throws; returns the exception and every loss that was reported to onStep.</summary>
    private TrainingDivergedException Diverge(string trainer, double learningRate, List<double> reported)
    {
        var options = new TrainingOptions(Iterations: 2000, LearningRate: learningRate, Seed: 3);
        return Assert.Throws<TrainingDivergedException>(() =>
        {
            switch (trainer)
            {
                case "readable float":
                    Trainer.Train(new TwoLayerNet<float>(784, 20, 10, seed: 1), mnist.Data, options, onStep: (_, l) => reported.Add(l));
                    break;
                case "readable double":
                    Trainer.Train(new TwoLayerNet<double>(784, 20, 10, seed: 1), MnistDouble(), options, onStep: (_, l) => reported.Add(l));
                    break;
                default:
                    FastTrainer.Train(new TwoLayerNet<float>(784, 20, 10, seed: 1), mnist.Data, options, onStep: (_, l) => reported.Add(l));
                    break;
            }
        });
    }

    [Theory]
    [InlineData("readable float")]
    [InlineData("readable double")]
    [InlineData("fast")]
    public void Learning_rate_100_stops_early_naming_the_iteration_and_advising_a_smaller_rate(string trainer)
    {
        var reported = new List<double>();
        var ex = Diverge(trainer, 100, reported);
        Assert.Equal(reported.Count, ex.Iteration);                   // stopped at the step that diverged, before reporting it
        Assert.InRange(ex.Iteration, Trainer.DivergenceWindow - 1, 200);
        Assert.StartsWith($"Training diverged at iteration {ex.Iteration}: ", ex.Message);
        Assert.EndsWith("The learning rate 100 is probably too large; try a smaller one (the tutorial uses 0.1).", ex.Message);
        Assert.All(reported, l => Assert.True(double.IsFinite(l)));
    }

    [Theory]
    [InlineData("readable float", float.MaxValue)]   // large enough that the scores overflow and the loss becomes NaN
    [InlineData("readable double", double.MaxValue)]
    [InlineData("fast", float.MaxValue)]
    public void The_first_non_finite_loss_stops_training_at_that_iteration(string trainer, double learningRate)
    {
        var reported = new List<double>();
        var ex = Diverge(trainer, learningRate, reported);
        Assert.False(double.IsFinite(ex.Loss), $"stopped on the finite loss {ex.Loss} at iteration {ex.Iteration}");
        Assert.Equal(reported.Count, ex.Iteration);                   // every earlier loss was finite and reported; this one was not
        Assert.All(reported, l => Assert.True(double.IsFinite(l)));
        Assert.StartsWith($"Training diverged at iteration {ex.Iteration}: the loss is {ex.Loss}. The learning rate {learningRate} is probably too large", ex.Message);
    }

    [Fact]
    public void The_fast_trainer_leaves_the_last_parameters_in_the_network_when_it_stops()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 1);
        var w1 = net.Params["W1"];
        var before = w1.Clone();
        Assert.Throws<TrainingDivergedException>(() => FastTrainer.Train(net, mnist.Data, new TrainingOptions(Iterations: 2000, LearningRate: 100, Seed: 3)));
        Assert.Same(w1, net.Params["W1"]);
        Assert.NotEqual(before, w1);
    }
}
