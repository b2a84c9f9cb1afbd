using FromScratch.Data;
using FromScratch.Fast;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// Numbers are checked in the network's own type, sizes with overflow-safe arithmetic, answers as one-hot or labels
/// everywhere, and non-finite inputs are named by row and column.
/// </summary>
public class NumbersAndShapesTests
{
    private static Dataset<float> Tiny(int train = 200) => ValidationTests.Tiny(train);

    private static TrainingHistory TrainWith(string trainer, TwoLayerNet<float> net, Dataset<float> data, TrainingOptions options)
        => trainer == "fast" ? FastTrainer.Train(net, data, options) : Trainer.Train(net, data, options);

    // ── values in the network's own type ──────────────────────────────────────────────────────────────

    [Fact]
    public void An_init_std_that_float_cannot_hold_is_refused_with_the_float_range()
    {
        foreach (var make in new Func<object>[] { () => new TwoLayerNet<float>(4, 3, 2, weightInitStd: 1e39), () => new LayeredNet<float>(4, 3, 2, weightInitStd: 1e39) })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(make);
            Assert.Equal("weightInitStd", ex.ParamName);
            Assert.StartsWith("weightInitStd must be a number float can hold, between 1E-45 and 3.4028235E+38; got 1E+39.", ex.Message);
        }
        var tiny = Assert.Throws<ArgumentOutOfRangeException>(() => new TwoLayerNet<float>(4, 3, 2, weightInitStd: 1e-50));
        Assert.StartsWith("weightInitStd must be a number float can hold, between 1E-45 and 3.4028235E+38; got 1E-50", tiny.Message);
        Assert.True(double.IsFinite(new TwoLayerNet<double>(4, 3, 2, weightInitStd: 1e39).Params["W1"].Enumerate().Max(Math.Abs)));  // double holds it
    }

    [Theory]
    [InlineData("readable", 1e39)]
    [InlineData("fast", 1e39)]
    [InlineData("readable", 1e-50)]
    [InlineData("fast", 1e-50)]
    public void A_learning_rate_that_float_cannot_hold_is_refused_before_training(string trainer, double learningRate)
    {
        var net = new TwoLayerNet<float>(4, 3, 10, seed: 1);
        var before = net.Params["W1"].Clone();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainWith(trainer, net, Tiny(), new TrainingOptions(Iterations: 3, BatchSize: 10, LearningRate: learningRate)));
        Assert.StartsWith($"LearningRate must be a number float can hold, between 1E-45 and 3.4028235E+38; got {learningRate}.", ex.Message);
        Assert.Equal(before, net.Params["W1"]);
    }

    // ── sizes ─────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void A_network_too_large_for_one_array_says_how_much_it_would_need()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TwoLayerNet<float>(784, 3_000_000, 10));
        Assert.Equal("hiddenSize", ex.ParamName);
        Assert.StartsWith("TwoLayerNet: W1 would be a (784, 3000000) matrix of 2,352,000,000 numbers (8.8 GiB as float); one .NET array holds at most 2,147,483,591.", ex.Message);
        var layered = Assert.Throws<ArgumentOutOfRangeException>(() => new LayeredNet<float>(784, [3_000_000], 10));
        Assert.Contains("W1 would be a (784, 3000000) matrix of 2,352,000,000 numbers", layered.Message);
    }

    [Fact]
    public void An_evaluation_too_large_for_one_array_says_how_much_it_would_need()
    {
        // hidden 40,000 on the 60,000 training images: a1 = x·W1 would have 2.4 billion numbers
        var x = Matrix<float>.Build.Dense(60_000, 2);
        var t = Matrix<float>.Build.Dense(60_000, 1);
        var net = new TwoLayerNet<float>(2, 40_000, 10, seed: 1);
        foreach (var call in new Action[] { () => net.Accuracy(x, t), () => net.Predict(x), () => LayeredNet<float>.From(net).Accuracy(x, t) })
        {
            var ex = Assert.Throws<ArgumentException>(call);
            Assert.Contains("a (60000, 40000) matrix of 2,400,000,000 numbers (8.9 GiB as float); one .NET array holds at most 2,147,483,591.", ex.Message);
        }
    }

    [Fact]
    public void The_memory_check_names_what_the_process_can_have()
    {
        var ex = Assert.Throws<ArgumentException>(() => Sizes.RequireMatrix<double>(100_000, 10_000, "a1", available: 4L << 30));
        Assert.Equal("a1 would be a (100000, 10000) matrix of 1,000,000,000 numbers (7.5 GiB as double); this process can have 4.0 GiB.", ex.Message);
        Sizes.RequireMatrix<double>(1000, 1000, "a1", available: 4L << 30);   // 8 MB is fine
    }

    /// <summary>The readable trainer evaluates the whole training set as one matrix; the fast path works in row blocks and needs no such check.</summary>
    [Theory]
    [InlineData("readable")]
    public void Training_a_network_whose_evaluation_cannot_fit_is_refused_before_the_first_step(string trainer)
    {
        var data = Tiny(train: 60_000);
        var net = new TwoLayerNet<float>(4, 40_000, 10, seed: 1);
        var before = net.Params["W1"].Clone();
        var ex = Assert.Throws<ArgumentException>(() => TrainWith(trainer, net, data, new TrainingOptions(Iterations: 1, BatchSize: 10)));
        Assert.Contains("(60000, 40000) matrix of 2,400,000,000 numbers", ex.Message);
        Assert.Equal(before, net.Params["W1"]);
    }

    // ── answers ───────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Loss_and_gradient_refuse_answers_that_are_not_one_hot()
    {
        var x = Matrix<double>.Build.Dense(3, 4);
        var t = Matrix<double>.Build.Dense(3, 2);
        t[0, 0] = 1; t[1, 1] = 1; t[2, 0] = 0.5; t[2, 1] = 0.5;
        var two = new TwoLayerNet<double>(4, 3, 2, seed: 1);
        var layered = LayeredNet<double>.From(two);
        foreach (var (method, call) in new (string, Action)[] {
            ("Loss", () => two.Loss(x, t)), ("Gradient", () => two.Gradient(x, t)),
            ("Loss", () => layered.Loss(x, t)), ("Gradient", () => layered.Gradient(x, t)) })
        {
            var ex = Assert.Throws<ArgumentException>(call);
            Assert.Equal("t", ex.ParamName);
            Assert.StartsWith($"{method}: t must be one-hot (one 1 per row, the rest 0); t[2, 0] = 0.5.", ex.Message);
        }
    }

    [Fact]
    public void Accuracy_refuses_a_one_hot_row_with_two_ones_or_none()
    {
        var x = Matrix<double>.Build.Dense(2, 4);
        var net = new TwoLayerNet<double>(4, 3, 2, seed: 1);
        var two = Matrix<double>.Build.Dense(2, 2, 1.0);
        Assert.StartsWith("Accuracy: t must be one-hot (one 1 per row, the rest 0); row 0 has 2 ones.",
            Assert.Throws<ArgumentException>(() => net.Accuracy(x, two)).Message);
        var none = Matrix<double>.Build.Dense(2, 2);
        none[0, 1] = 1;
        Assert.StartsWith("Accuracy: t must be one-hot (one 1 per row, the rest 0); row 1 has 0 ones.",
            Assert.Throws<ArgumentException>(() => LayeredNet<double>.From(net).Accuracy(x, none)).Message);
    }

    [Theory]
    [InlineData("readable")]
    [InlineData("fast")]
    public void Both_trainers_refuse_answers_that_are_not_one_hot_with_the_same_message(string trainer)
    {
        var data = Tiny();
        data.Train.T[7, 3] = 0.25f;
        var ex = Assert.Throws<ArgumentException>(() => TrainWith(trainer, new TwoLayerNet<float>(4, 3, 10, seed: 1), data, new TrainingOptions(Iterations: 1, BatchSize: 10)));
        Assert.StartsWith("Train: t_train must be one-hot (one 1 per row, the rest 0); t_train[7, 3] = 0.25.", ex.Message);
    }

    // ── non-finite inputs ─────────────────────────────────────────────────────────────────────────────

    [Theory]
    [InlineData("readable", float.NaN)]
    [InlineData("fast", float.PositiveInfinity)]
    [InlineData("readable", float.NegativeInfinity)]
    [InlineData("fast", float.NaN)]                 // the fast path finds them while converting the data
    [InlineData("fast", float.NegativeInfinity)]
    public void Non_finite_inputs_are_named_by_row_and_column_not_blamed_on_the_learning_rate(string trainer, float value)
    {
        var data = Tiny();
        data.Train.X[5, 2] = value;
        var ex = Assert.Throws<ArgumentException>(() => TrainWith(trainer, new TwoLayerNet<float>(4, 3, 10, seed: 1), data, new TrainingOptions(Iterations: 1, BatchSize: 10)));
        Assert.StartsWith($"Train: x_train[5, 2] is {value}; the inputs must be finite numbers.", ex.Message);
        Assert.DoesNotContain("learning rate", ex.Message);

        data = Tiny();
        data.Test.X[9, 0] = value;
        ex = Assert.Throws<ArgumentException>(() => TrainWith(trainer, new TwoLayerNet<float>(4, 3, 10, seed: 1), data, new TrainingOptions(Iterations: 1, BatchSize: 10)));
        Assert.StartsWith($"Train: x_test[9, 0] is {value}; the inputs must be finite numbers.", ex.Message);
    }
}
