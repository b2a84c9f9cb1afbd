using FromScratch.Bench;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary><see cref="FastNumericalGradient"/> gives what the readable <see cref="TwoLayerNet{T}.NumericalGradient"/> gives.</summary>
[Trait("Category", "Simd")]
[Collection("MNIST")]
public class FastNumericalGradientTests(MnistFixture mnist)
{
    private static void AssertSameGradient(Dictionary<string, Matrix<double>> expected, Dictionary<string, Matrix<double>> actual, double tolerance)
    {
        Assert.Equal(TwoLayerNet<double>.ParamNames, actual.Keys);
        foreach (var key in TwoLayerNet<double>.ParamNames)
        {
            var e = expected[key]; var a = actual[key];
            Assert.Equal((e.RowCount, e.ColumnCount), (a.RowCount, a.ColumnCount));
            double worst = 0;
            for (int i = 0; i < e.RowCount; i++)
                for (int j = 0; j < e.ColumnCount; j++)
                    worst = Math.Max(worst, Math.Abs(e[i, j] - a[i, j]));
            Assert.True(worst <= tolerance, $"{key}: max |readable − fast| = {worst:E2} > {tolerance:E0}");
            Assert.True(a.Enumerate().Any(v => v != 0), $"{key}: the gradient is all zeros");
        }
    }

    [Theory]
    [InlineData(30, 7, 10, 5)]
    [InlineData(30, 20, 10, 1)]
    [InlineData(17, 9, 3, 4)]
    [InlineData(40, 33, 11, 6)]
    public void Equals_the_readable_numerical_gradient(int inputs, int hidden, int classes, int batch)
    {
        var rng = new Random(inputs * 1000 + hidden);
        var x = Matrix<double>.Build.Dense(batch, inputs, (_, _) => rng.NextDouble() < 0.6 ? 0 : rng.NextDouble());
        var t = Matrix<double>.Build.Dense(batch, classes);
        for (int r = 0; r < batch; r++) t[r, rng.Next(classes)] = 1;
        var net = new TwoLayerNet<double>(inputs, hidden, classes, weightInitStd: 0.5, seed: hidden);
        var before = net.Params.ToDictionary(p => p.Key, p => p.Value.Clone());

        var fast = FastNumericalGradient.Compute(net, x, t);

        foreach (var (key, m) in before) Assert.Equal(m, net.Params[key]);   // the network is left as it was
        AssertSameGradient(net.NumericalGradient(x, t), fast, 1e-9);
    }

    [Fact]
    public void Equals_the_readable_one_with_no_delta_and_refuses_soft_answers_as_it_does()
    {
        var rng = new Random(4);
        var x = Matrix<double>.Build.Dense(3, 12, (_, _) => rng.NextDouble() - 0.5);
        var t = Matrix<double>.Build.Dense(3, 4);
        for (int r = 0; r < 3; r++) t[r, (r + 1) % 4] = 1;
        var net = new TwoLayerNet<double>(12, 5, 4, weightInitStd: 1.0, seed: 2) { LossDelta = 0 };
        AssertSameGradient(net.NumericalGradient(x, t), FastNumericalGradient.Compute(net, x, t), 1e-9);
        // the readable network takes one-hot answers only (Shapes.RequireOneHot); the fast one refuses soft ones the same way
        var soft = Matrix<double>.Build.Dense(3, 4, (_, _) => 0.25);
        string readable = Assert.Throws<ArgumentException>(() => net.NumericalGradient(x, soft)).Message;
        Assert.Contains("one-hot", Assert.Throws<ArgumentException>(() => FastNumericalGradient.Compute(net, x, soft)).Message);
        Assert.Contains("one-hot", readable);
    }

    [Fact]
    public void Equals_the_readable_one_for_the_tutorial_network_on_MNIST()
    {
        var rows = new[] { 0, 1, 2 };
        var (xTrain, tTrain) = mnist.Data.Train;
        var x = Matrix<double>.Build.Dense(rows.Length, 784, (r, c) => xTrain[rows[r], c]);
        var t = Matrix<double>.Build.Dense(rows.Length, 10, (r, c) => tTrain[rows[r], c]);
        var net = new TwoLayerNet<double>(784, 20, 10, seed: 42);
        var fast = FastNumericalGradient.Compute(net, x, t);
        AssertSameGradient(net.NumericalGradient(x, t), fast, 1e-9);
        // and it is the gradient: backprop agrees to the δ inside the log (see the README's note on the gradient check)
        AssertSameGradient(net.Gradient(x, t), fast, 1e-6);
    }

    /// <summary>Two last vectors of hidden units summed in one pass give the bits of one pass each.</summary>
    [Theory]
    [InlineData(20)] [InlineData(7)] [InlineData(13)]
    public void One_pass_over_the_last_two_vectors_gives_the_same_bits(int hidden)
    {
        var rng = new Random(hidden);
        var x = Matrix<double>.Build.Dense(6, 50, (_, _) => rng.NextDouble() < 0.6 ? 0 : rng.NextDouble());
        var t = Matrix<double>.Build.Dense(6, 10);
        for (int r = 0; r < 6; r++) t[r, rng.Next(10)] = 1;
        var net = new TwoLayerNet<double>(50, hidden, 10, weightInitStd: 0.5, seed: hidden);
        bool saved = NumericalLoss.UseTwoVectorPass;
        try
        {
            NumericalLoss.UseTwoVectorPass = true;
            var one = FastNumericalGradient.Compute(net, x, t);
            NumericalLoss.UseTwoVectorPass = false;
            var two = FastNumericalGradient.Compute(net, x, t);
            foreach (var key in TwoLayerNet<double>.ParamNames) Assert.Equal(two[key], one[key]);
        }
        finally { NumericalLoss.UseTwoVectorPass = saved; }
    }

    [Fact]
    public void It_lives_with_the_bench_not_in_the_engine_learners_load()
    {
        Assert.Null(typeof(FastTrainer).Assembly.GetType("FromScratch.Fast.FastNumericalGradient"));
        Assert.Equal("FromScratch.Bench", typeof(FastNumericalGradient).Namespace);
    }

    [Fact]
    public void Refuses_answers_of_the_wrong_shape_naming_both_shapes()
    {
        var net = new TwoLayerNet<double>(6, 3, 4, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => FastNumericalGradient.Compute(net, Matrix<double>.Build.Dense(2, 6), Matrix<double>.Build.Dense(2, 5)));
        Assert.Contains("(2, 5)", e.Message);
        Assert.Contains("(2, 4)", e.Message);
        Assert.Throws<ArgumentException>(() => FastNumericalGradient.Compute(net, Matrix<double>.Build.Dense(2, 7), Matrix<double>.Build.Dense(2, 4)));
    }
}
