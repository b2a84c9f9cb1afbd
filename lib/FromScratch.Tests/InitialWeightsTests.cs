using FromScratch.Fast;

namespace FromScratch.Tests;

/// <summary>
/// A training that is hopeless from its start is blamed on the initial weights, not on the learning rate: with weights of
/// std 1e30 every sigmoid saturates and the loss sits at −ln δ from the first step, whatever the learning rate.
/// </summary>
[Collection("MNIST")]
public class InitialWeightsTests(MnistFixture mnist)
{
    [Fact]
    public void Weights_of_std_1e30_stop_the_training_with_a_message_that_names_the_initial_weights()
    {
        var options = new TrainingOptions(Iterations: 200, WeightInitStd: 1e30, Seed: 3);
        var net = new TwoLayerNet<float>(784, 20, 10, options.WeightInitStd, seed: 1);
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(net, mnist.Data, options));
        Assert.Contains("initial weights", e.Message);
        Assert.Contains("1E+30", e.Message);
        Assert.DoesNotContain("learning rate 0.1 is probably too large", e.Message);
        var fast = Assert.Throws<TrainingDivergedException>(() =>
            FastTrainer.Train(new TwoLayerNet<float>(784, 20, 10, options.WeightInitStd, seed: 1), mnist.Data, options));
        Assert.Contains("the initial weights are out of range, not the learning rate: they were drawn with std 1E+30", fast.Message);
    }

    [Fact]
    public void A_learning_rate_far_too_large_is_still_blamed_on_the_learning_rate()
    {
        var options = new TrainingOptions(Iterations: 200, LearningRate: 100, Seed: 3);
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(new TwoLayerNet<float>(784, 20, 10, seed: 1), mnist.Data, options));
        Assert.Contains("The learning rate 100 is probably too large", e.Message);
        Assert.DoesNotContain("initial weights", e.Message);
    }
}
