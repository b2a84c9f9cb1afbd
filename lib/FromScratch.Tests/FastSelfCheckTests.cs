using FromScratch.Data;
using FromScratch.Fast;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace FromScratch.Tests;

/// <summary>
/// <see cref="FastTrainer"/> checks itself against the network's own <c>Loss</c> and <c>Gradient</c> on one batch before it
/// trains, and refuses, naming the difference, when they disagree.
/// </summary>
[Trait("Category", "Simd")]
[Collection("MNIST")]
public class FastSelfCheckTests(MnistFixture mnist, ITestOutputHelper output)
{
    private static Dataset<float> Random(int rows, int inputs, int classes, int seed)
    {
        var rng = new Random(seed);
        DataSplit<float> Split()
        {
            var x = Matrix<float>.Build.Dense(rows, inputs, (_, _) => rng.NextDouble() < 0.7 ? 0f : (float)rng.NextDouble());
            var labels = Enumerable.Range(0, rows).Select(_ => (byte)rng.Next(classes)).ToArray();
            var t = Matrix<float>.Build.Dense(rows, classes, (r, c) => labels[r] == c ? 1f : 0f);
            return new DataSplit<float>(x, t) { Labels = labels, ImageShape = [inputs] };
        }
        return new Dataset<float>(Split(), Split()) { ClassNames = [.. Enumerable.Range(0, classes).Select(c => $"{c}")] };
    }

    /// <summary>The agreement the tolerances are chosen from: it must stay far inside them (here 20× for the loss and the gradients).</summary>
    [Theory]
    [InlineData(20, 0.01, 0)]      // the tutorial's network, untrained
    [InlineData(20, 0.01, 300)]    // and after 300 steps
    [InlineData(7, 0.5, 0)]        // larger weights: saturated sigmoids
    [InlineData(100, 0.1, 50)]
    [InlineData(33, 1.0, 0)]
    public void The_engine_agrees_with_the_network_far_inside_the_tolerances_on_MNIST(int hidden, double std, int steps)
    {
        var net = new TwoLayerNet<float>(784, hidden, 10, std, seed: hidden);
        if (steps > 0) Trainer.Train(net, mnist.Data, new TrainingOptions(Iterations: steps, Seed: 1));
        var (train, _) = FastTrainer.Prepare(mnist.Data, 10);
        var m = SelfCheck.Measure(net, mnist.Data, train)!;
        double loss = SelfCheck.LossDifference(m.ReadableLoss, m.EngineLoss);
        output.WriteLine($"{Simd.Bits} bits, hidden {hidden}, std {std}, {steps} steps: loss {m.ReadableLoss:G6} vs {m.EngineLoss:G6}, relative {loss:E2}");
        Assert.True(loss <= SelfCheck.LossTolerance / 20, $"loss differs by {loss:E2}");
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            var d = SelfCheck.GradientDifference(m.Readable[key], m.Engine[key]);
            output.WriteLine($"  {key}: {d.Relative:E2} of {d.Scale:E2}");
            Assert.True(d.Relative <= SelfCheck.GradientTolerance / 20, $"{key} differs by {d.Relative:E2} of its largest |gradient| {d.Scale:E2}");
            Assert.True(d.Scale > 0, $"{key}: the gradient is all zeros");
        }
        SelfCheck.Run(net, mnist.Data, train);   // and so the check passes
    }

    [Theory]
    [InlineData(784, 20, 10, 150)]
    [InlineData(5, 3, 3, 40)]
    [InlineData(13, 9, 1, 7)]
    public void The_engine_agrees_with_the_network_on_random_data(int inputs, int hidden, int classes, int rows)
    {
        var data = Random(rows, inputs, classes, inputs + hidden);
        var net = new TwoLayerNet<float>(inputs, hidden, classes, weightInitStd: 0.5, seed: 2);
        var (train, _) = FastTrainer.Prepare(data, classes);
        var m = SelfCheck.Measure(net, data, train)!;
        Assert.True(SelfCheck.LossDifference(m.ReadableLoss, m.EngineLoss) <= SelfCheck.LossTolerance / 20);
        foreach (var key in TwoLayerNet<float>.ParamNames)
            Assert.True(SelfCheck.GradientDifference(m.Readable[key], m.Engine[key]).Relative <= SelfCheck.GradientTolerance / 20, key);
    }

    /// <summary>A learner's change to the activation (here ReLU, via the layered network on the same parameters) is caught.</summary>
    [Fact]
    public void Another_activation_is_caught_naming_the_parameter_the_difference_and_the_tolerance()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 42);
        var relu = LayeredNet<float>.From(net, Activation.Relu);
        var (train, _) = FastTrainer.Prepare(mnist.Data, 10);
        var m = SelfCheck.Measure(net, mnist.Data, train, readable: relu)!;
        var e = Assert.Throws<EngineMismatchException>(() => SelfCheck.Require(m.ReadableLoss, m.EngineLoss, m.Readable, m.Engine, m.Rows));
        output.WriteLine(e.Message);
        Assert.True(e.Difference > 1000 * e.Tolerance, $"{e.Quantity}: {e.Difference:E2}");
        Assert.StartsWith("W", e.Quantity);         // a weight's gradient is the furthest out
        Assert.Contains("loss", e.Message);         // and the loss is named as outside too
        Assert.Contains(e.Quantity, e.Message);
        Assert.Contains(e.Tolerance.ToString("E0", System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Contains("Trainer.Train", e.Message);
    }

    [Fact]
    public void Another_loss_is_caught_as_the_loss()
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 42);
        var (train, _) = FastTrainer.Prepare(mnist.Data, 10);
        var m = SelfCheck.Measure(net, mnist.Data, train)!;
        double squared = 0.5 * 0.9 * 0.9;   // e.g. a sum of squares instead of the cross-entropy: another number altogether
        var e = Assert.Throws<EngineMismatchException>(() => SelfCheck.Require(squared, m.EngineLoss, m.Readable, m.Engine, m.Rows));
        Assert.Equal("loss", e.Quantity);
        Assert.Contains("net.Loss(x, t)", e.Message);
        Assert.Contains("2E-005", e.Message);
    }

    [Theory]
    [InlineData("W1")] [InlineData("b1")] [InlineData("W2")] [InlineData("b2")]
    public void A_gradient_off_by_more_than_the_tolerance_is_refused_and_one_inside_is_not(string key)
    {
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 42);
        var (train, _) = FastTrainer.Prepare(mnist.Data, 10);
        var m = SelfCheck.Measure(net, mnist.Data, train)!;
        var scale = m.Readable[key].Enumerate().Max(Math.Abs);

        Dictionary<string, Matrix<double>> With(double change)
        {
            var changed = m.Readable.ToDictionary(p => p.Key, p => p.Value.Clone());
            changed[key][0, changed[key].ColumnCount - 1] += change * scale;
            return changed;
        }
        SelfCheck.Require(m.ReadableLoss, m.EngineLoss, With(SelfCheck.GradientTolerance / 4), m.Engine, m.Rows);   // inside: accepted
        var e = Assert.Throws<EngineMismatchException>(() => SelfCheck.Require(m.ReadableLoss, m.EngineLoss, With(SelfCheck.GradientTolerance * 4), m.Engine, m.Rows));
        Assert.Equal(key, e.Quantity);
        Assert.InRange(e.Difference, SelfCheck.GradientTolerance * 3, SelfCheck.GradientTolerance * 5);
        Assert.Contains($"gradient of {key}", e.Message);
        Assert.Contains($"[0, {m.Readable[key].ColumnCount - 1}]", e.Message);

        var nan = With(0); nan[key][0, 0] = double.NaN;
        Assert.Equal(key, Assert.Throws<EngineMismatchException>(() => SelfCheck.Require(m.ReadableLoss, m.EngineLoss, nan, m.Engine, m.Rows)).Quantity);
        var missing = With(0); missing.Remove(key);
        Assert.Contains($"no \"{key}\"", Assert.Throws<EngineMismatchException>(() => SelfCheck.Require(m.ReadableLoss, m.EngineLoss, missing, m.Engine, m.Rows)).Message);
    }

    [Fact]
    public void The_check_uses_spread_rows_and_leaves_the_network_and_the_batches_as_they_were()
    {
        Assert.Equal([0, 20_000, 40_000], SelfCheck.Rows(60_000, 3));
        Assert.Equal(100, SelfCheck.Rows(60_000, 1000).Length);
        Assert.Equal([0, 1], SelfCheck.Rows(2, 100));

        var net = new TwoLayerNet<float>(784, 20, 10, seed: 5);
        var before = net.Params.ToDictionary(p => p.Key, p => p.Value.Clone());
        var (train, _) = FastTrainer.Prepare(mnist.Data, 10);
        SelfCheck.Run(net, mnist.Data, train);
        foreach (var (key, value) in before) Assert.Equal(value, net.Params[key]);
    }
}
