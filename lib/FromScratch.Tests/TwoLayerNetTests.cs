using FromScratch;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

public class TwoLayerNetTests
{
    private static (Matrix<double> x, Matrix<double> t) RandomBatch(int batch, int inputs, int classes, int seed)
    {
        var rng = new Random(seed);
        var x = Matrix<double>.Build.Dense(batch, inputs, (_, _) => rng.NextDouble());
        var t = Matrix<double>.Build.Dense(batch, classes);
        for (int r = 0; r < batch; r++) t[r, rng.Next(classes)] = 1;
        return (x, t);
    }

    public static void AssertGradientsAgree(TwoLayerNet<double> net, Matrix<double> x, Matrix<double> t, double tolerance)
    {
        var numerical = net.NumericalGradient(x, t);
        var backprop = net.Gradient(x, t);
        foreach (var key in TwoLayerNet<double>.ParamNames)
        {
            Assert.Equal(net.Params[key].RowCount, backprop[key].RowCount);
            Assert.Equal(net.Params[key].ColumnCount, backprop[key].ColumnCount);
            double diff = (numerical[key] - backprop[key]).Enumerate().Max(Math.Abs);
            Assert.True(diff <= tolerance, $"{key}: max |numerical − backprop| = {diff:E3} > {tolerance:E0}");
            Assert.True(backprop[key].Enumerate().Any(v => v != 0), $"{key}: gradient is all zeros; the check would be vacuous");
        }
    }

    [Fact]
    public void Shapes_follow_the_tutorial()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 1);
        Assert.Equal("(784, 20)", net.Params["W1"].Shape());
        Assert.Equal("(1, 20)", net.Params["b1"].Shape());
        Assert.Equal("(20, 10)", net.Params["W2"].Shape());
        Assert.Equal("(1, 10)", net.Params["b2"].Shape());
        Assert.All(net.Params["b1"].Enumerate(), v => Assert.Equal(0f, v));
        double std = Math.Sqrt(net.Params["W1"].Enumerate().Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.0095, 0.0105);  // N(0, 1) × 0.01
    }

    [Fact]
    public void Same_seed_same_parameters_for_float_and_double()
    {
        var a = new TwoLayerNet<float>(30, 7, 4, seed: 42);
        var b = new TwoLayerNet<float>(30, 7, 4, seed: 42);
        var d = new TwoLayerNet<double>(30, 7, 4, seed: 42);
        var c = new TwoLayerNet<float>(30, 7, 4, seed: 43);
        Assert.Equal(a.Params["W1"], b.Params["W1"]);
        Assert.Equal(a.Params["W2"], b.Params["W2"]);
        Assert.NotEqual(a.Params["W1"], c.Params["W1"]);
        Assert.True((d.Params["W1"] - a.Params["W1"].Map(v => (double)v)).AbsoluteMaximum() < 1e-8);  // float rounding of the same draws
    }

    [Fact]
    public void Predict_gives_probability_rows()
    {
        var net = new TwoLayerNet<double>(12, 5, 3, weightInitStd: 1, seed: 3);
        var (x, _) = RandomBatch(4, 12, 3, 1);
        var y = net.Predict(x);
        Assert.Equal("(4, 3)", y.Shape());
        for (int r = 0; r < 4; r++) Assert.Equal(1.0, y.Row(r).Sum(), 12);
        // batch vs single-row agreement
        var single = net.Predict(x.SubMatrix(2, 1, 0, 12));
        Assert.True((single.Row(0) - y.Row(2)).AbsoluteMaximum() < 1e-15);
    }

    [Fact]
    public void Backprop_matches_numerical_gradient_on_a_small_net()
    {
        var net = new TwoLayerNet<double>(6, 4, 3, weightInitStd: 0.5, seed: 7) { LossDelta = 0 };
        net.Params["b1"].MapInplace(_ => 0.1);
        net.Params["b2"].MapInplace(_ => -0.2);
        var (x, t) = RandomBatch(5, 6, 3, 2);
        AssertGradientsAgree(net, x, t, 1e-8);
    }

    [Fact]
    public void Divergence_check_flags_non_finite_and_worse_than_guessing_losses_only()
    {
        Trainer.CheckDivergence([2.3, 1.0, 0.5], 10, 0.1);                       // fine
        Trainer.CheckDivergence(Enumerable.Repeat(4.0, 50).ToList(), 10, 0.1);  // bad but under 2·ln 10 = 4.61
        Assert.Throws<TrainingDivergedException>(() => Trainer.CheckDivergence([2.3, double.NaN], 10, 0.1));
        var ex = Assert.Throws<TrainingDivergedException>(() => Trainer.CheckDivergence(Enumerable.Repeat(5.0, 20).ToList(), 10, 100));
        Assert.Contains("100", ex.Message);
        Assert.Equal(19, ex.Iteration);
    }

    [Fact]
    public void Numerical_gradient_leaves_the_parameters_unchanged()
    {
        var net = new TwoLayerNet<double>(6, 4, 3, weightInitStd: 0.5, seed: 7);
        var before = net.Params.ToDictionary(p => p.Key, p => p.Value.Clone());
        var (x, t) = RandomBatch(2, 6, 3, 2);
        net.NumericalGradient(x, t);
        foreach (var key in before.Keys) Assert.Equal(before[key], net.Params[key]);
    }

    [Fact]
    public void Sgd_updates_in_place_and_lowers_the_loss()
    {
        var net = new TwoLayerNet<double>(6, 4, 3, weightInitStd: 0.5, seed: 7);
        var w1 = net.Params["W1"];
        var (x, t) = RandomBatch(8, 6, 3, 5);
        double before = net.Loss(x, t);
        var grads = net.Gradient(x, t);
        var expected = w1 - 0.5 * grads["W1"];
        Sgd.Update(net.Params, grads, 0.5);
        Assert.Same(w1, net.Params["W1"]);                         // the same matrix object …
        Assert.True((expected - w1).AbsoluteMaximum() < 1e-15);    // … now holding the new values
        Assert.True(net.Loss(x, t) < before);
    }

    [Fact]
    public void Accuracy_counts_argmax_matches_for_one_hot_and_label_columns()
    {
        var net = new TwoLayerNet<double>(2, 2, 2, seed: 1);
        // make the net answer class 0 when x0 > x1
        net.Params["W1"].SetSubMatrix(0, 0, Matrix<double>.Build.DenseOfArray(new double[,] { { 10, -10 }, { -10, 10 } }));
        net.Params["W2"].SetSubMatrix(0, 0, Matrix<double>.Build.DenseOfArray(new double[,] { { 10, -10 }, { -10, 10 } }));
        var x = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 0, 1 } });
        var oneHot = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 0, 1 } });
        var labels = Matrix<double>.Build.DenseOfArray(new double[,] { { 0 }, { 1 }, { 1 }, { 1 } });
        Assert.Equal(0.75, net.Accuracy(x, oneHot));
        Assert.Equal(0.75, net.Accuracy(x, labels));
    }

    [Theory]
    [InlineData(0, 20, 10)]
    [InlineData(784, 0, 10)]
    [InlineData(784, 20, 0)]
    public void Invalid_sizes_are_refused_with_the_value(int input, int hidden, int output)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TwoLayerNet<float>(input, hidden, output));
        Assert.Contains("got 0", ex.Message);
    }

    [Fact]
    public void Wrong_shapes_name_both_shapes()
    {
        var net = new TwoLayerNet<double>(784, 20, 10, seed: 1);
        var x = Matrix<double>.Build.Dense(3, 783);
        var ex = Assert.Throws<ArgumentException>(() => net.Predict(x));
        Assert.Contains("(3, 783)", ex.Message);
        Assert.Contains("784", ex.Message);
        var good = Matrix<double>.Build.Dense(3, 784);
        var ex2 = Assert.Throws<ArgumentException>(() => net.Loss(good, Matrix<double>.Build.Dense(2, 10)));
        Assert.Contains("(2, 10)", ex2.Message);
        Assert.Throws<ArgumentException>(() => net.Gradient(good, Matrix<double>.Build.Dense(3, 9)));
        Assert.Throws<ArgumentException>(() => net.Accuracy(good, Matrix<double>.Build.Dense(3, 4)));
        var oneHot = Matrix<double>.Build.Dense(3, 10, (r, c) => c == r ? 1 : 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Update(net.Params, net.Gradient(good, oneHot), -0.1));
    }
}
