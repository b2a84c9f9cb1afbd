using FromScratch;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Functions;

namespace FromScratch.Tests;

public class LayersTests
{
    private static Matrix<double> Random(int rows, int cols, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        return Matrix<double>.Build.Dense(rows, cols, (_, _) => (rng.NextDouble() * 2 - 1) * scale);
    }

    private static Matrix<double> OneHot(int rows, int classes, int seed)
    {
        var rng = new Random(seed);
        var t = Matrix<double>.Build.Dense(rows, classes);
        for (int r = 0; r < rows; r++) t[r, rng.Next(classes)] = 1;
        return t;
    }

    /// <summary>L = Σ forward(x) ⊙ G, so ∂L/∂out = G and backward(G) must be ∂L/∂x.</summary>
    private static double Probe(ILayer<double> layer, Matrix<double> x, Matrix<double> g) => layer.Forward(x).PointwiseMultiply(g).Enumerate().Sum();

    private static void AssertClose(Matrix<double> expected, Matrix<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Shape(), actual.Shape());
        double diff = (expected - actual).AbsoluteMaximum();
        Assert.True(diff <= tolerance, $"{what}: max |numerical − backprop| = {diff:E3} > {tolerance:E0}");
        Assert.True(actual.Enumerate().Any(v => v != 0), $"{what}: all zeros; the check would be vacuous");
    }

    [Fact]
    public void Affine_backward_matches_numerical_gradient_for_x_W_and_b()
    {
        var W = Random(7, 5, 1);
        var b = Random(1, 5, 2);
        var x = Random(3, 7, 3);
        var g = Random(3, 5, 4);
        var affine = new Affine<double>(W, b);

        var output = affine.Forward(x);
        Assert.Equal("(3, 5)", output.Shape());
        Assert.Equal((x.Row(2) * W)[4] + b[0, 4], output[2, 4], 14);
        var dx = affine.Backward(g);

        AssertClose(NumericalGradient(v => Probe(affine, v, g), x.Clone()), dx, 1e-9, "dx");
        AssertClose(NumericalGradient(_ => Probe(affine, x, g), W), affine.dW!, 1e-9, "dW");
        AssertClose(NumericalGradient(_ => Probe(affine, x, g), b), affine.db!, 1e-9, "db");
    }

    [Fact]
    public void Sigmoid_backward_matches_numerical_gradient()
    {
        var layer = new Sigmoid<double>();
        var x = Random(5, 3, 5, scale: 4);
        var g = Random(5, 3, 6);
        var output = layer.Forward(x);
        Assert.Equal(Sigmoid(x[4, 2]), output[4, 2]);   // the function and the layer side by side
        var dx = layer.Backward(g);
        AssertClose(NumericalGradient(v => Probe(layer, v, g), x.Clone()), dx, 1e-9, "dx");
    }

    [Fact]
    public void Relu_passes_gradient_only_where_the_input_was_positive()
    {
        var layer = new Relu<double>();
        var x = Random(4, 9, 7, scale: 2).Map(v => Math.Abs(v) < 1e-3 ? 0.5 : v);  // away from the kink at 0
        x[0, 0] = 0;                                                               // exactly 0 counts as "off"
        var g = Random(4, 9, 8);
        var output = layer.Forward(x);
        Assert.Equal(x.Map(v => Math.Max(0, v)), output);
        var dx = layer.Backward(g);
        Assert.Equal(0, dx[0, 0]);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 9; c++)
                Assert.Equal(x[r, c] > 0 ? g[r, c] : 0, dx[r, c]);
        x[0, 0] = 0.25;   // numerical check away from the kink
        layer.Forward(x);
        AssertClose(NumericalGradient(v => Probe(layer, v, g), x.Clone()), layer.Backward(g), 1e-9, "dx");
    }

    [Fact]
    public void SoftmaxWithLoss_backward_is_y_minus_t_over_batch_and_matches_numerical_gradient()
    {
        var layer = new SoftmaxWithLoss<double> { LossDelta = 0 };
        var x = Random(5, 3, 9, scale: 3);
        var t = OneHot(5, 3, 10);
        double loss = layer.Forward(x, t);
        Assert.Equal(CrossEntropyError(Softmax(x), t, 0), loss);
        var dx = layer.Backward();
        Assert.Equal((Softmax(x) - t) / 5, dx);
        AssertClose(NumericalGradient(v => layer.Forward(v, t), x.Clone()), dx, 1e-9, "dx");
        layer.Forward(x, t);
        Assert.True((layer.Backward(2.5) - dx * 2.5).AbsoluteMaximum() < 1e-16);
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    public void Layered_net_backprop_matches_numerical_gradient_with_two_hidden_layers(Activation activation)
    {
        var net = new LayeredNet<double>(6, [5, 4], 3, activation, weightInitStd: 0.7, seed: 3) { LossDelta = 0 };
        foreach (var (key, p) in net.Params) if (key.StartsWith('b')) p.MapInplace(_ => 0.05);
        var x = Random(7, 6, 11);
        var t = OneHot(7, 3, 12);
        var numerical = net.NumericalGradient(x, t);
        var backprop = net.Gradient(x, t);
        Assert.Equal(["W1", "b1", "W2", "b2", "W3", "b3"], backprop.Keys);
        foreach (var key in net.Params.Keys) AssertClose(numerical[key], backprop[key], 1e-8, key);
        Assert.Equal(activation == Activation.Relu
            ? ["Affine1", "Relu1", "Affine2", "Relu2", "Affine3"]
            : ["Affine1", "Sigmoid1", "Affine2", "Sigmoid2", "Affine3"], net.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Same_seed_same_starting_parameters_as_TwoLayerNet()
    {
        var two = new TwoLayerNet<float>(30, 7, 4, seed: 42);
        var layered = new LayeredNet<float>(30, 7, 4, seed: 42);
        foreach (var key in TwoLayerNet<float>.ParamNames) Assert.Equal(two.Params[key], layered.Params[key]);
    }

    [Fact]
    public void He_init_scales_each_layer_by_sqrt_2_over_its_fan_in_from_the_same_draws()
    {
        var he = LayeredNet<double>.WithHeInit(200, [100], 10, seed: 4);
        var unit = new LayeredNet<double>(200, [100], 10, weightInitStd: 1.0, seed: 4);
        Assert.Equal(Activation.Relu, he.Activation);
        Assert.Equal(Math.Sqrt(2.0 / 200), LayeredNet<double>.HeStd(200), 15);
        Assert.Equal(unit.Params["W1"] * Math.Sqrt(2.0 / 200), he.Params["W1"]);
        Assert.Equal(unit.Params["W2"] * Math.Sqrt(2.0 / 100), he.Params["W2"]);
        Assert.True(he.Params["b1"].Enumerate().All(v => v == 0) && he.Params["b2"].Enumerate().All(v => v == 0), "biases start at zero");
        double std1 = MathNet.Numerics.Statistics.Statistics.StandardDeviation(he.Params["W1"].Enumerate());
        Assert.InRange(std1, 0.1 * 0.97, 0.1 * 1.03);   // 20,000 draws: the sample std is within ±3% (1σ ≈ 0.5%)
        Assert.Throws<ArgumentOutOfRangeException>(() => LayeredNet<double>.HeStd(0));
    }

    [Fact]
    public void Affine_layers_hold_the_parameter_matrices_themselves()
    {
        var net = new LayeredNet<double>(4, [3], 2, seed: 1);
        var affine1 = (Affine<double>)net.Layers[0].Layer;
        var affine2 = (Affine<double>)net.Layers[2].Layer;
        Assert.Same(net.Params["W1"], affine1.W);
        Assert.Same(net.Params["b1"], affine1.b);
        Assert.Same(net.Params["W2"], affine2.W);
        Assert.Same(net.Params["b2"], affine2.b);
    }

    [Fact]
    public void In_place_SGD_on_the_TwoLayerNet_is_seen_by_the_layered_net_and_replacement_detaches()
    {
        var two = new TwoLayerNet<double>(6, 4, 3, weightInitStd: 0.5, seed: 7);
        var layered = LayeredNet<double>.From(two);
        var x = Random(8, 6, 13);
        var t = OneHot(8, 3, 14);
        foreach (var key in TwoLayerNet<double>.ParamNames) Assert.Same(two.Params[key], layered.Params[key]);

        // in place: both networks compute with the updated matrices
        var before = layered.Loss(x, t);
        Sgd.Update(two.Params, two.Gradient(x, t), 0.5);
        foreach (var key in TwoLayerNet<double>.ParamNames) Assert.Same(two.Params[key], layered.Params[key]);
        Assert.True(layered.Loss(x, t) < before);
        Assert.True((two.Predict(x) - layered.Predict(x)).AbsoluteMaximum() < 1e-15);

        // and the other way round
        Sgd.Update(layered.Params, layered.Gradient(x, t), 0.5);
        Assert.True((two.Predict(x) - layered.Predict(x)).AbsoluteMaximum() < 1e-15);

        // numpy style "W = W − lr·dW" makes a NEW matrix: the layer keeps the old one and stops learning
        var grads = two.Gradient(x, t);
        var oldW1 = two.Params["W1"];
        two.Params["W1"] = two.Params["W1"] - 0.5 * grads["W1"];
        Assert.NotSame(oldW1, two.Params["W1"]);
        Assert.Same(oldW1, layered.Params["W1"]);
        Assert.Same(oldW1, ((Affine<double>)layered.Layers[0].Layer).W);
        Assert.True((two.Predict(x) - layered.Predict(x)).AbsoluteMaximum() > 1e-6);   // the two nets now disagree
    }

    [Fact]
    public void Layers_refuse_wrong_shapes_and_backward_before_forward_with_the_shapes()
    {
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => new Relu<double>().Backward(Random(2, 2, 1))).Message);
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => new Sigmoid<double>().Backward(Random(2, 2, 1))).Message);
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => new SoftmaxWithLoss<double>().Backward()).Message);
        var affine = new Affine<double>(Random(7, 5, 1), Random(1, 5, 2));
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => affine.Backward(Random(3, 5, 1))).Message);
        var ex = Assert.Throws<ArgumentException>(() => affine.Forward(Random(3, 6, 1)));
        Assert.Contains("(3, 6)", ex.Message);
        Assert.Contains("(7, 5)", ex.Message);
        affine.Forward(Random(3, 7, 1));
        Assert.Contains("(3, 4)", Assert.Throws<ArgumentException>(() => affine.Backward(Random(3, 4, 1))).Message);
        Assert.Contains("(1, 4)", Assert.Throws<ArgumentException>(() => new Affine<double>(Random(7, 5, 1), Random(1, 4, 2))).Message);
        var sm = new SoftmaxWithLoss<double>();
        Assert.Contains("(2, 3)", Assert.Throws<ArgumentException>(() => sm.Forward(Random(2, 4, 1), Random(2, 3, 1))).Message);

        var net = new LayeredNet<double>(784, 20, 10, seed: 1);
        Assert.Contains("(3, 783)", Assert.Throws<ArgumentException>(() => net.Predict(Matrix<double>.Build.Dense(3, 783))).Message);
        Assert.Contains("(3, 9)", Assert.Throws<ArgumentException>(() => net.Gradient(Matrix<double>.Build.Dense(3, 784), Matrix<double>.Build.Dense(3, 9))).Message);
    }

    [Fact]
    public void Layered_net_refuses_parameters_that_do_not_chain()
    {
        var p = new Dictionary<string, Matrix<double>>
        {
            ["W1"] = Random(4, 3, 1), ["b1"] = Random(1, 3, 2), ["W2"] = Random(5, 2, 3), ["b2"] = Random(1, 2, 4),
        };
        var ex = Assert.Throws<ArgumentException>(() => new LayeredNet<double>(p));
        Assert.Contains("W2 (5, 2)", ex.Message);
        p["W2"] = Random(3, 2, 3);
        p.Remove("b2");
        p["c2"] = Random(1, 2, 4);
        Assert.Contains("b2", Assert.Throws<ArgumentException>(() => new LayeredNet<double>(p)).Message);
        p["b2"] = Random(1, 3, 4);
        p.Remove("c2");
        Assert.Contains("b2 (1, 3) must have shape (1, 2)", Assert.Throws<ArgumentException>(() => new LayeredNet<double>(p)).Message);
        Assert.Contains("W1", Assert.Throws<ArgumentException>(() => new LayeredNet<double>(new Dictionary<string, Matrix<double>>())).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayeredNet<float>(784, [20, 0], 10));
    }
}

[Collection("MNIST")]
public class LayersMnistTests(MnistFixture mnist)
{
    [Fact]
    public void Layered_gradient_equals_TwoLayerNet_gradient_on_a_real_MNIST_batch()
    {
        var idx = Enumerable.Range(0, 100).Select(i => i * 397 % 60000).ToArray();
        var x = mnist.Data.Train.X.SelectRows(idx).Map(v => (double)v);   // (100, 784)
        var t = mnist.Data.Train.T.SelectRows(idx).Map(v => (double)v);   // (100, 10)
        var two = new TwoLayerNet<double>(784, 20, 10, weightInitStd: 0.1, seed: 5);
        var layered = LayeredNet<double>.From(two);

        Assert.Equal(two.Loss(x, t), layered.Loss(x, t), 1e-14);
        var expected = two.Gradient(x, t);
        var actual = layered.Gradient(x, t);
        foreach (var key in TwoLayerNet<double>.ParamNames)
        {
            double diff = (expected[key] - actual[key]).AbsoluteMaximum();
            Assert.True(diff <= 1e-10, $"{key}: max |TwoLayerNet − layered| = {diff:E3}");
            Assert.True(expected[key].AbsoluteMaximum() > 1e-6, $"{key}: gradient too small for the comparison to mean anything");
        }
        Assert.Equal(two.Accuracy(x, t), layered.Accuracy(x, t));
    }

    [Fact]
    public void Trainer_on_the_layered_net_follows_the_same_run_as_on_the_TwoLayerNet()
    {
        var options = new TrainingOptions(Iterations: 100, LearningRate: 0.5, Seed: 3);   // a larger step: it learns within 100 steps
        var two = new TwoLayerNet<float>(784, 20, 10, weightInitStd: 0.1, seed: 9);
        var layered = LayeredNet<float>.From(new TwoLayerNet<float>(784, 20, 10, weightInitStd: 0.1, seed: 9));
        var expected = Trainer.Train(two, mnist.Data, options);
        var actual = Trainer.Train(layered, mnist.Data, options);

        Assert.Equal(expected.TrainLoss.Count, actual.TrainLoss.Count);
        for (int i = 0; i < expected.TrainLoss.Count; i++)
            Assert.True(Math.Abs(expected.TrainLoss[i] - actual.TrainLoss[i]) < 1e-4, $"step {i}: loss {expected.TrainLoss[i]} vs {actual.TrainLoss[i]}");
        Assert.True(expected.TrainLoss.TakeLast(10).Average() < expected.TrainLoss[0] - 0.5,
            $"the run must learn for the comparison to mean something: loss {expected.TrainLoss[0]:0.000} → {expected.TrainLoss.TakeLast(10).Average():0.000}");
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            double diff = (two.Params[key] - layered.Params[key]).Enumerate().Max(v => Math.Abs((double)v));
            Assert.True(diff < 1e-4, $"{key}: max |TwoLayerNet − layered| after 100 steps = {diff:E3}");
        }
        Assert.Equal(expected.Epochs.Select(e => e.Iteration), actual.Epochs.Select(e => e.Iteration));
    }

    [Fact]
    public void Sigmoid_and_ReLU_layered_nets_both_learn_MNIST()
    {
        var sigmoid = new LayeredNet<float>(784, 50, 10, Activation.Sigmoid, seed: 1);
        var relu = new LayeredNet<float>(784, 50, 10, Activation.Relu, seed: 1);
        var options = new TrainingOptions(Iterations: 1200, Seed: 2);   // two epochs, same batches for both
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Trainer.Train(sigmoid, mnist.Data, options);
        Trainer.Train(relu, mnist.Data, options);
        var (xTest, tTest) = mnist.Data.Test;
        double sigmoidAccuracy = sigmoid.Accuracy(xTest, tTest), reluAccuracy = relu.Accuracy(xTest, tTest);
        Console.WriteLine($"1200 steps: sigmoid {sigmoidAccuracy:0.0000}, ReLU {reluAccuracy:0.0000} ({clock.Elapsed.TotalSeconds:0.0} s)");
        Assert.True(sigmoidAccuracy > 0.85, $"sigmoid test accuracy {sigmoidAccuracy:0.0000} ≤ 0.85");
        Assert.True(reluAccuracy > 0.85, $"ReLU test accuracy {reluAccuracy:0.0000} ≤ 0.85");
        Assert.True(reluAccuracy > sigmoidAccuracy, $"ReLU {reluAccuracy:0.0000} did not learn faster than sigmoid {sigmoidAccuracy:0.0000}");
    }
}
