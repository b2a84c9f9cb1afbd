using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

[Collection("MNIST")]
public class MnistTests(MnistFixture mnist)
{
    [Fact]
    public void Load_mirrors_load_mnist()
    {
        var ((xTrain, tTrain), (xTest, tTest)) = mnist.Data;
        Assert.Equal("(60000, 784)", xTrain.Shape());
        Assert.Equal("(60000, 10)", tTrain.Shape());
        Assert.Equal("(10000, 784)", xTest.Shape());
        Assert.Equal("(10000, 10)", tTest.Shape());
        Assert.Equal(new[] { 5, 0, 4, 1, 9, 2 }, mnist.Data.Train.Labels.Take(6).Select(b => (int)b));  // the famous first digits
        Assert.Equal(7, mnist.Data.Test.Labels[0]);
        Assert.Equal(1f, tTrain[0, 5]);
        Assert.Equal(1f, tTrain.Row(0).Sum());
        Assert.InRange(xTrain.Enumerate().Max(), 0.999f, 1f);
        Assert.Equal(0f, xTrain.Enumerate().Min());
        // pixel (row 14, column 14) of the first image is raw byte 16 + 14*28 + 14 of the file
        Assert.Equal(mnist.Data.Train.RawImages.Pixels[14 * 28 + 14] / 255f, xTrain[0, 14 * 28 + 14], 6);
        Assert.Equal(new[] { 784 }, mnist.Data.Train.ImageShape);
    }

    [Fact]
    public void Raw_labels_and_image_shape_options()
    {
        var raw = Mnist.Split<float>(mnist.Data.Test.RawImages, mnist.Data.Test.Labels, normalize: false, flatten: false, oneHotLabel: false);
        Assert.Equal("(10000, 1)", raw.T.Shape());
        Assert.Equal(7f, raw.T[0, 0]);
        Assert.Equal(255f, raw.X.Enumerate().Max());
        Assert.Equal(new[] { 1, 28, 28 }, raw.ImageShape);
        var image = raw.Image(0);
        Assert.Equal("(28, 28)", image.Shape());
        Assert.Equal(raw.X[0, 10 * 28 + 12], image[10, 12]);
    }

    [Fact]
    public void Backprop_matches_numerical_gradient_on_the_tutorial_network_with_real_images()
    {
        // float64, as gradient checks must be: a batch of four real MNIST images
        var idx = new[] { 0, 1, 2, 3 };
        var x = mnist.Data.Train.X.SelectRows(idx).Map(v => (double)v);
        var t = mnist.Data.Train.T.SelectRows(idx).Map(v => (double)v);
        // (y − t) / batch is the exact derivative of the loss without the δ inside the log: check that loss to 1e-8
        var net = new TwoLayerNet<double>(784, 20, 10, seed: 11) { LossDelta = 0 };
        TwoLayerNetTests.AssertGradientsAgree(net, x, t, 1e-8);
        // with the tutorial's δ = 1e-7 the two differ by about δ / y ≈ 1e-6 of the gradient, and no more
        net.LossDelta = 1e-7;
        TwoLayerNetTests.AssertGradientsAgree(net, x, t, 1e-6);
    }

    [Fact]
    public void Two_thousand_steps_of_a_784_50_10_network_reach_90_percent_test_accuracy()
    {
        var net = new TwoLayerNet<float>(784, 50, 10, seed: 1);
        var history = Trainer.Train(net, mnist.Data, new TrainingOptions(Iterations: 2000, HiddenSize: 50, Seed: 2));
        Assert.Equal(2000, history.TrainLoss.Count);
        Assert.Equal(4, history.Epochs.Count);                       // iterations 0, 600, 1200, 1800
        Assert.InRange(history.Epochs[0].TestAccuracy, 0.0, 0.2);   // untrained: chance level
        double final = net.Accuracy(mnist.Data.Test.X, mnist.Data.Test.T);
        Assert.True(final >= 0.90, $"test accuracy {final:0.0000} < 0.90");
        Assert.True(history.TrainLoss.TakeLast(100).Average() < history.TrainLoss.Take(100).Average() / 3);
    }

    [Fact]
    public void Diverging_training_stops_with_the_iteration_and_advice()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 1);
        var ex = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Train(net, mnist.Data, new TrainingOptions(Iterations: 2000, LearningRate: 100, Seed: 3)));
        Assert.InRange(ex.Iteration, Trainer.DivergenceWindow - 1, 200);
        Assert.Contains($"iteration {ex.Iteration}", ex.Message);
        Assert.Contains("smaller", ex.Message);
    }

    [Theory]
    [InlineData(0, 100, 0.1, 20, "Iterations")]
    [InlineData(10, 0, 0.1, 20, "BatchSize")]
    [InlineData(10, 60001, 0.1, 20, "60000")]
    [InlineData(10, 100, -0.1, 20, "LearningRate")]
    [InlineData(10, 100, 0.1, 0, "HiddenSize")]
    public void Invalid_options_are_refused_with_the_allowed_range(int iterations, int batch, double lr, int hidden, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new TrainingOptions(iterations, batch, lr, hidden).Validate(60000));
        Assert.Contains(expected, ex.Message);
    }
}
