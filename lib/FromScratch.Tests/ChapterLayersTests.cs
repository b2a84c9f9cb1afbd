using System.Text.Json.Nodes;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Functions;

namespace FromScratch.Tests;

/// <summary>
/// The layers and network of notebooks 10–13: BatchNormalization and Dropout, MultiLayerNet with each option. Every backward
/// is checked against the numerical gradient in float64, and against numpy's golden values (bench/reference/golden).
/// </summary>
public class ChapterLayersTests
{
    private static Matrix<double> Random(int rows, int cols, int seed, double scale = 1, double shift = 0)
    {
        var rng = new Random(seed);
        return Matrix<double>.Build.Dense(rows, cols, (_, _) => (rng.NextDouble() * 2 - 1) * scale + shift);
    }

    private static Matrix<double> OneHot(int rows, int classes, int seed)
    {
        var rng = new Random(seed);
        var t = Matrix<double>.Build.Dense(rows, classes);
        for (int r = 0; r < rows; r++) t[r, rng.Next(classes)] = 1;
        return t;
    }

    /// <summary>L = Σ forward(x) ⊙ G in training mode, so ∂L/∂out = G.</summary>
    private static double Probe(ILayer<double> layer, Matrix<double> x, Matrix<double> g) => layer.Forward(x, train: true).PointwiseMultiply(g).Enumerate().Sum();

    private static void AssertClose(Matrix<double> expected, Matrix<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Shape(), actual.Shape());
        double diff = (expected - actual).AbsoluteMaximum();
        Assert.True(diff <= tolerance, $"{what}: max |expected − actual| = {diff:E3} > {tolerance:E0}");
        Assert.True(actual.Enumerate().Any(v => v != 0), $"{what}: all zeros; the check would be vacuous");
    }

    [Fact]
    public void BatchNormalization_backward_matches_the_numerical_gradient_for_x_gamma_and_beta()
    {
        var gamma = Random(1, 4, 1, scale: 0.5, shift: 1);
        var beta = Random(1, 4, 2);
        var x = Random(6, 4, 3, scale: 2, shift: 0.5);
        var g = Random(6, 4, 4);
        var bn = new BatchNormalization<double>(gamma, beta);
        bn.Forward(x, train: true);
        var dx = bn.Backward(g);
        AssertClose(NumericalGradient(v => Probe(bn, v, g), x.Clone()), dx, 1e-8, "dx");
        AssertClose(NumericalGradient(_ => Probe(bn, x, g), gamma), bn.dGamma!, 1e-8, "dgamma");
        AssertClose(NumericalGradient(_ => Probe(bn, x, g), beta), bn.dBeta!, 1e-8, "dbeta");
        Assert.Same(gamma, bn.Params["gamma"]);
        Assert.Same(bn.dGamma, bn.Grads["gamma"]);
    }

    [Fact]
    public void BatchNormalization_in_training_gives_each_column_mean_0_and_variance_1_and_inference_uses_the_running_values()
    {
        var bn = new BatchNormalization<double>(Matrix<double>.Build.Dense(1, 3, 1.0), Matrix<double>.Build.Dense(1, 3));
        var x = Random(50, 3, 7, scale: 3, shift: 5);
        var y = bn.Forward(x, train: true);
        for (int c = 0; c < 3; c++)
        {
            var column = y.Column(c);
            Assert.Equal(0, column.Average(), 12);
            Assert.Equal(1, column.Select(v => v * v).Average(), 5);   // variance 1 up to ε = 1e-6
        }
        // after one step the running mean is 0.1 μ (from zeros with momentum 0.9): inference subtracts that, not μ
        Assert.Equal(0.1 * x.Column(0).Average(), bn.RunningMean[0, 0], 12);
        var inference = bn.Forward(x.SubMatrix(0, 1, 0, 3), train: false);   // a batch of one is fine in inference
        Assert.Equal((x[0, 0] - bn.RunningMean[0, 0]) / Math.Sqrt(bn.RunningVar[0, 0] + 1e-6), inference[0, 0], 12);
    }

    [Fact]
    public void BatchNormalization_and_Dropout_agree_with_numpy()
    {
        var golden = Golden.Chapter6["batch_norm"]!;
        var bn = new BatchNormalization<double>(Golden.M(golden["gamma"]), Golden.M(golden["beta"]), (double)golden["momentum"]!);
        Golden.M(golden["running_mean"]).CopyTo(bn.RunningMean);
        Golden.M(golden["running_var"]).CopyTo(bn.RunningVar);
        var x = Golden.M(golden["x"]);
        Assert.True(Golden.Difference(bn.Forward(x, train: true), Golden.M(golden["train_out"])) < 1e-12, "BatchNorm train forward");
        Assert.True(Golden.Difference(bn.RunningMean, Golden.M(golden["running_mean_after"])) < 1e-12, "running mean");
        Assert.True(Golden.Difference(bn.RunningVar, Golden.M(golden["running_var_after"])) < 1e-12, "running var");
        Assert.True(Golden.Difference(bn.Backward(Golden.M(golden["dout"])), Golden.M(golden["dx"])) < 1e-12, "BatchNorm dx");
        Assert.True(Golden.Difference(bn.dGamma!, Golden.M(golden["dgamma"])) < 1e-12, "dgamma");
        Assert.True(Golden.Difference(bn.dBeta!, Golden.M(golden["dbeta"])) < 1e-12, "dbeta");
        Assert.True(Golden.Difference(bn.Forward(x, train: false), Golden.M(golden["inference_out"])) < 1e-12, "BatchNorm inference");

        var d = Golden.Chapter6["dropout"]!;
        var dropout = new Dropout<double>((double)d["ratio"]!) { FixedMask = Golden.M(d["mask"]) };
        var xd = Golden.M(d["x"]);
        Assert.True(Golden.Difference(dropout.Forward(xd, train: true), Golden.M(d["train_out"])) == 0, "Dropout train forward");
        Assert.True(Golden.Difference(dropout.Backward(Golden.M(d["dout"])), Golden.M(d["dx"])) == 0, "Dropout dx");
        Assert.True(Golden.Difference(dropout.Forward(xd, train: false), Golden.M(d["inference_out"])) < 1e-15, "Dropout inference");
    }

    [Fact]
    public void Dropout_drops_about_the_ratio_with_a_new_mask_each_step_and_backward_matches_the_numerical_gradient()
    {
        var dropout = new Dropout<double>(0.3, new Random(5));
        var x = Random(200, 50, 8, shift: 2);   // all positive, so a zero is a dropped unit
        var first = dropout.Forward(x, train: true);
        double dropped = first.Enumerate().Count(v => v == 0) / 10_000.0;
        Assert.InRange(dropped, 0.27, 0.33);
        var mask = dropout.Mask!.Clone();
        Assert.NotEqual(mask, dropout.Forward(x, train: true).PointwiseDivide(x));   // a new mask
        Assert.Equal(x * 0.7, dropout.Forward(x, train: false));

        var small = Random(4, 5, 9);
        var g = Random(4, 5, 10);
        dropout.Forward(small, train: true);
        dropout.FixedMask = dropout.Mask;   // the same function at every evaluation
        var dx = dropout.Backward(g);
        AssertClose(NumericalGradient(v => Probe(dropout, v, g), small.Clone()), dx, 1e-9, "dx");
    }

    public static TheoryData<string, bool, bool, double> Options => new()
    {
        { "relu", false, false, 0 },
        { "sigmoid", false, false, 0.1 },
        { "relu", true, false, 0 },
        { "sigmoid", true, false, 0.05 },
        { "relu", false, true, 0 },
        { "sigmoid", true, true, 0.1 },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void MultiLayerNet_backprop_matches_the_numerical_gradient_with_each_option(string activation, bool batchNorm, bool dropout, double decay)
    {
        var net = new MultiLayerNet<double>(6, [5, 4], 3, activation, weightInitStd: 0.7, weightDecayLambda: decay,
            useBatchNorm: batchNorm, useDropout: dropout, dropoutRatio: 0.3, seed: 3) { LossDelta = 0 };
        foreach (var (key, p) in net.Params) if (key.StartsWith('b') && !key.StartsWith("beta")) p.MapInplace(_ => 0.05);
        var x = Random(7, 6, 11);
        var t = OneHot(7, 3, 12);
        net.Gradient(x, t);
        foreach (var (_, layer) in net.Layers)
            if (layer is Dropout<double> d) d.FixedMask = d.Mask;          // one mask for every evaluation
        var numerical = net.NumericalGradient(x, t);
        var backprop = net.Gradient(x, t);
        Assert.Equal(net.Params.Keys, backprop.Keys);
        Assert.Equal(batchNorm ? ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"] : ["W1", "b1", "W2", "b2", "W3", "b3"],
            net.Params.Keys);
        foreach (var key in net.Params.Keys) AssertClose(numerical[key], backprop[key], 1e-7, key);
        string act = activation == "relu" ? "Relu" : "Sigmoid";
        string[] hidden(int i) => [$"Affine{i}", .. batchNorm ? new[] { $"BatchNorm{i}" } : [], $"{act}{i}", .. dropout ? new[] { $"Dropout{i}" } : []];
        Assert.Equal([.. hidden(1), .. hidden(2), "Affine3"], net.Layers.Select(l => l.Name));
    }

    [Fact]
    public void MultiLayerNet_loss_and_gradients_with_weight_decay_and_batch_norm_agree_with_numpy()
    {
        var golden = Golden.Chapter6["multi_layer_net"]!;
        var x = Golden.M(golden["x"]);
        var t = Golden.M(golden["t"]);
        foreach (var netNode in golden["nets"]!.AsArray())
        {
            var hidden = netNode!["hidden"]!.AsArray().Select(h => (int)h!).ToArray();
            var net = new MultiLayerNet<double>(x.ColumnCount, hidden, t.ColumnCount, (string)netNode["activation"]!,
                weightDecayLambda: (double)netNode["weight_decay"]!, useBatchNorm: (bool)netNode["batch_norm"]!) { LossDelta = 0 };
            var parameters = netNode["params"]!.AsObject();
            Assert.Equal(parameters.Select(p => p.Key).Order(), net.Params.Keys.Order());
            foreach (var (key, value) in parameters) Golden.M(value).CopyTo(net.Params[key]);
            string what = $"{netNode["activation"]}, λ {netNode["weight_decay"]}, batch norm {netNode["batch_norm"]}";
            Assert.True(Math.Abs(net.Loss(x, t, train: true) - (double)netNode["loss"]!) < 1e-12, $"{what}: loss {net.Loss(x, t, train: true):R} vs {netNode["loss"]}");
            var grads = net.Gradient(x, t);
            foreach (var (key, value) in netNode["grads"]!.AsObject())
                Assert.True(Golden.Difference(grads[key], Golden.M(value)) < 1e-12, $"{what}: {key}");
        }
    }

    [Fact]
    public void Weight_decay_adds_half_lambda_W_squared_to_the_loss_and_lambda_W_to_the_weights_only()
    {
        var plain = new MultiLayerNet<double>(4, [3], 2, "sigmoid", weightInitStd: 0.5, seed: 1);
        var decayed = new MultiLayerNet<double>(4, [3], 2, "sigmoid", weightInitStd: 0.5, weightDecayLambda: 0.1, seed: 1);
        var x = Random(5, 4, 1);
        var t = OneHot(5, 2, 2);
        double squares = plain.Params["W1"].Enumerate().Sum(w => w * w) + plain.Params["W2"].Enumerate().Sum(w => w * w);
        Assert.Equal(plain.Loss(x, t) + 0.05 * squares, decayed.Loss(x, t), 12);
        var g0 = plain.Gradient(x, t);
        var g1 = decayed.Gradient(x, t);
        Assert.Equal(0, (g1["W1"] - g0["W1"] - 0.1 * plain.Params["W1"]).AbsoluteMaximum(), 14);
        Assert.Equal(g0["b1"], g1["b1"]);
    }

    [Fact]
    public void Xavier_and_He_scale_each_layer_by_its_fan_in_and_LayeredNet_is_MultiLayerNet_bit_for_bit()
    {
        var unit = new MultiLayerNet<double>(200, [100, 50], 10, weightInitStd: 1.0, seed: 4);
        var he = new MultiLayerNet<double>(200, [100, 50], 10, weightInitStd: "he", seed: 4);
        var xavier = new MultiLayerNet<double>(200, [100, 50], 10, "sigmoid", weightInitStd: "xavier", seed: 4);
        Assert.Equal(unit.Params["W2"] * Math.Sqrt(2.0 / 100), he.Params["W2"]);
        Assert.Equal(unit.Params["W1"] * Math.Sqrt(1.0 / 200), xavier.Params["W1"]);
        var byDefault = new MultiLayerNet<double>(200, [100, 50], 10, seed: 4);   // the book's default: He
        Assert.Equal(he.Params["W3"], byDefault.Params["W3"]);

        var layered = LayeredNet<float>.WithHeInit(30, [7], 4, Activation.Relu, seed: 42);
        var multi = new MultiLayerNet<float>(30, [7], 4, "relu", "he", seed: 42);
        var x = Matrix<float>.Build.Dense(5, 30, (r, c) => MathF.Cos(r + 3 * c));
        var t = Matrix<float>.Build.Dense(5, 4, (r, c) => c == r % 4 ? 1 : 0);
        foreach (var key in layered.Params.Keys)
        {
            Assert.Equal(layered.Params[key].ToColumnMajorArray(), multi.Params[key].ToColumnMajorArray());
            Assert.Equal(layered.Gradient(x, t)[key].ToColumnMajorArray(), multi.Gradient(x, t)[key].ToColumnMajorArray());
        }
    }

    [Fact]
    public void Training_and_inference_differ_only_where_the_book_says()
    {
        var net = new MultiLayerNet<double>(6, [5], 3, useDropout: true, dropoutRatio: 0.5, seed: 2);
        var x = Random(4, 6, 3);
        var t = OneHot(4, 3, 1);
        Assert.Equal(net.Loss(x, t), net.Loss(x, t));                          // inference: no mask, the same every time
        Assert.NotEqual(net.Loss(x, t, train: true), net.Loss(x, t, train: true));   // training: a new mask each time
        var plain = new MultiLayerNet<double>(6, [5], 3, seed: 2);
        Assert.Equal(plain.Loss(x, t), plain.Loss(x, t, train: true));
    }

    public static TheoryData<string, Action, string> BadInput => new()
    {
        { "activation", () => new MultiLayerNet<float>(784, [100], 10, "tanh"), "Unknown activation \"tanh\"; the known ones are relu, sigmoid." },
        { "init", () => new MultiLayerNet<float>(784, [100], 10, weightInitStd: "glorot"),
            "Unknown weight initialisation \"glorot\"; use a number (the standard deviation), \"xavier\" (or \"sigmoid\") or \"he\" (or \"relu\")." },
        { "init", () => new MultiLayerNet<float>(784, [100], 10, weightInitStd: -0.01), "weightInitStd must be a finite number greater than 0, \"xavier\" or \"he\"; got -0.01." },
        { "dropout", () => new MultiLayerNet<float>(784, [100], 10, useDropout: true, dropoutRatio: 1), "dropoutRatio must be in [0, 1) (the fraction of units dropped; 1 would drop them all); got 1." },
        { "dropout", () => new MultiLayerNet<float>(784, [100], 10, useDropout: true, dropoutRatio: -0.2), "dropoutRatio must be in [0, 1) (the fraction of units dropped; 1 would drop them all); got -0.2." },
        { "dropout", () => new Dropout<float>(double.NaN), "ratio must be in [0, 1) (the fraction of units dropped; 1 would drop them all); got NaN." },
        { "decay", () => new MultiLayerNet<float>(784, [100], 10, weightDecayLambda: -0.1), "weightDecayLambda must be a finite number ≥ 0 (0 for no weight decay); got -0.1." },
        { "decay", () => new MultiLayerNet<float>(784, [100], 10, weightDecayLambda: double.PositiveInfinity), $"weightDecayLambda must be a finite number ≥ 0 (0 for no weight decay); got {double.PositiveInfinity}." },
        { "hidden", () => new MultiLayerNet<float>(784, [], 10), "MultiLayerNet: hiddenSizes must list at least one hidden layer (e.g. [100, 100]); got an empty list." },
        { "hidden", () => new MultiLayerNet<float>(784, [100, 0, 100], 10), "hiddenSizes[1] must be at least 1; got 0." },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_is_refused_before_any_training_with_the_value_and_the_allowed_range(string what, Action make, string message)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(make);
        Assert.True(ex.Message.StartsWith(message, StringComparison.Ordinal), $"{what}: {ex.Message}");
    }

    [Fact]
    public void BatchNorm_on_a_batch_of_one_in_training_is_refused_before_the_first_update()
    {
        var net = new MultiLayerNet<float>(4, [5], 10, useBatchNorm: true, seed: 1);
        var before = net.Params["W1"].Clone();
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, ValidationTests.Tiny(), new TrainingOptions(Iterations: 5, BatchSize: 1, Seed: 1),
            new FromScratch.Optimizers.Sgd<float>(0.1)));
        Assert.StartsWith("BatchNormalization.Forward: a batch of 1 row in training: its variance is 0 and every output would be β. " +
            "Training needs a batch of at least 2 rows (BatchSize ≥ 2); inference (train: false) takes any batch.", ex.Message);
        Assert.Equal(before, net.Params["W1"]);
        Assert.Equal(0.1, net.Accuracy(Matrix<float>.Build.Dense(1, 4), Matrix<float>.Build.Dense(1, 1)), 0.9);   // inference takes one row
    }
}
