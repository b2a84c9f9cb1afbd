using FromScratch.Data;
using FromScratch.Fast;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>Bad input is refused before any work, with a message that names the value and states what is allowed.</summary>
public class ValidationTests
{
    /// <summary><paramref name="train"/> training and 10 test images of 2×2 pixels, ten classes.</summary>
    internal static Dataset<float> Tiny(int train = 200)
    {
        var rng = new Random(1);
        DataSplit<float> Split(int n)
        {
            var pixels = new byte[n * 4];
            rng.NextBytes(pixels);
            var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
            return Mnist.Split<float>(new IdxImages(n, 2, 2, pixels), labels, normalize: true, flatten: true, oneHotLabel: true);
        }
        return new Dataset<float>(Split(train), Split(10)) { ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"{i}")] };
    }

    public static TheoryData<string, TrainingOptions, string> BadOptions => new()
    {
        { "fast", new TrainingOptions(Iterations: 0), "Iterations must be at least 1; got 0." },
        { "readable", new TrainingOptions(Iterations: -5), "Iterations must be at least 1; got -5." },
        { "fast", new TrainingOptions(BatchSize: 0), "BatchSize must be between 1 and the training set size 200; got 0." },
        { "readable", new TrainingOptions(BatchSize: 201), "BatchSize must be between 1 and the training set size 200; got 201." },
        { "fast", new TrainingOptions(BatchSize: 100_000), "BatchSize must be between 1 and the training set size 200; got 100000." },
        { "readable", new TrainingOptions(LearningRate: -0.1), "LearningRate must be a finite number greater than 0; got -0.1." },
        { "fast", new TrainingOptions(LearningRate: 0), "LearningRate must be a finite number greater than 0; got 0." },
        { "readable", new TrainingOptions(LearningRate: double.NaN), "LearningRate must be a finite number greater than 0; got NaN." },
        { "fast", new TrainingOptions(LearningRate: double.PositiveInfinity), $"LearningRate must be a finite number greater than 0; got {double.PositiveInfinity}." },
        { "readable", new TrainingOptions(HiddenSize: 0), "HiddenSize must be at least 1; got 0." },
        { "fast", new TrainingOptions(WeightInitStd: -1), "WeightInitStd must be a finite number greater than 0; got -1." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Both_trainers_refuse_out_of_range_options_before_touching_the_network(string trainer, TrainingOptions options, string message)
    {
        var data = Tiny();
        var net = new TwoLayerNet<float>(4, 3, 10, seed: 1);
        var before = net.Params.ToDictionary(p => p.Key, p => p.Value.Clone());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            if (trainer == "fast") FastTrainer.Train(net, data, options);
            else Trainer.Train(net, data, options);
        });
        Assert.StartsWith(message, ex.Message);
        foreach (var (key, value) in before) Assert.Equal(value, net.Params[key]);
    }

    [Theory]
    [InlineData(0, 20, 10, "inputSize must be at least 1; got 0.")]
    [InlineData(784, 0, 10, "hiddenSize must be at least 1; got 0.")]
    [InlineData(784, -3, 10, "hiddenSize must be at least 1; got -3.")]
    [InlineData(784, 20, 0, "outputSize must be at least 1; got 0.")]
    public void Network_sizes_below_one_are_refused_with_the_allowed_range(int input, int hidden, int output, string message)
    {
        Assert.StartsWith(message, Assert.Throws<ArgumentOutOfRangeException>(() => new TwoLayerNet<float>(input, hidden, output)).Message);
        var layered = Assert.Throws<ArgumentOutOfRangeException>(() => new LayeredNet<float>(input, hidden, output));
        Assert.Contains(hidden < 1 ? $"hiddenSizes[0] must be at least 1; got {hidden}." : message, layered.Message);
        Assert.Contains("must be a finite number greater than 0; got 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new TwoLayerNet<float>(784, 20, 10, weightInitStd: 0)).Message);
    }

    /// <summary>Each public method that takes user matrices, on both networks (784 → 20 → 10), called with (x, t).</summary>
    public static TheoryData<string, string> Methods()
    {
        var data = new TheoryData<string, string>();
        foreach (var net in new[] { "TwoLayerNet", "LayeredNet" })
            foreach (var method in new[] { "Predict", "Loss", "Gradient", "NumericalGradient", "Accuracy" })
                data.Add(net, method);
        return data;
    }

    private static object Call(string net, string method, Matrix<double> x, Matrix<double> t)
    {
        if (net == "TwoLayerNet")
        {
            var n = new TwoLayerNet<double>(784, 20, 10, seed: 1);
            return method switch
            {
                "Predict" => n.Predict(x), "Loss" => n.Loss(x, t), "Gradient" => n.Gradient(x, t),
                "NumericalGradient" => n.NumericalGradient(x, t), _ => n.Accuracy(x, t),
            };
        }
        var l = new LayeredNet<double>(784, 20, 10, seed: 1);
        return method switch
        {
            "Predict" => l.Predict(x), "Loss" => l.Loss(x, t), "Gradient" => l.Gradient(x, t),
            "NumericalGradient" => l.NumericalGradient(x, t), _ => l.Accuracy(x, t),
        };
    }

    private static Matrix<double> M(int rows, int cols) => Matrix<double>.Build.Dense(rows, cols);

    [Theory]
    [MemberData(nameof(Methods))]
    public void Inputs_of_the_wrong_shape_name_the_method_the_expected_and_the_actual_shape(string net, string method)
    {
        var ex = Assert.Throws<ArgumentException>(() => Call(net, method, M(3, 783), M(3, 10)));
        Assert.Equal("x", ex.ParamName);
        Assert.StartsWith($"{method}: x must have 784 columns (one row per example, inputSize columns); got shape (3, 783).", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Call(net, method, M(3, 784).Transpose(), M(784, 10)));  // a transposed batch
        Assert.Contains("got shape (784, 3)", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Call(net, method, M(0, 784), M(0, 10)));
        Assert.StartsWith($"{method}: x must have at least one row; got shape (0, 784).", ex.Message);

        if (method == "Predict") return;
        foreach (var t in new[] { M(3, 9), M(2, 10), M(10, 3) })
        {
            ex = Assert.Throws<ArgumentException>(() => Call(net, method, M(3, 784), t));
            Assert.Equal("t", ex.ParamName);
            Assert.StartsWith(method == "Accuracy"
                ? $"Accuracy: t must be one-hot (3, 10) or labels (3, 1) for x (3, 784); got {t.Shape()}."
                : $"{method}: t must be one-hot of shape (3, 10) to match x (3, 784); got {t.Shape()}.", ex.Message);
        }
    }

    [Theory]
    [InlineData("TwoLayerNet", 10.0)]
    [InlineData("TwoLayerNet", -1.0)]
    [InlineData("LayeredNet", 2.5)]
    [InlineData("LayeredNet", double.NaN)]
    public void Accuracy_refuses_a_label_column_with_a_value_that_is_not_a_class(string net, double label)
    {
        var t = M(3, 1);
        t[1, 0] = label;
        var ex = Assert.Throws<ArgumentException>(() => Call(net, "Accuracy", M(3, 784), t));
        Assert.StartsWith($"Accuracy: t[1, 0] = {label} is not a label; labels are whole numbers 0..9.", ex.Message);
    }

    [Fact]
    public void Sgd_refuses_a_negative_or_non_finite_learning_rate_and_mismatched_gradients()
    {
        var net = new TwoLayerNet<double>(4, 3, 2, seed: 1);
        var grads = net.Params.ToDictionary(p => p.Key, p => p.Value.Clone());
        foreach (var lr in new[] { -0.1, double.NaN, double.NegativeInfinity })
            Assert.StartsWith($"The learning rate must be a finite number ≥ 0; got {lr}.",
                Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Update(net.Params, grads, lr)).Message);
        grads["W2"] = M(2, 3);
        Assert.StartsWith("Sgd.Update: W2 and grads[\"W2\"] must have the same shape; got W2 (3, 2) and grads[\"W2\"] (2, 3).",
            Assert.Throws<ArgumentException>(() => Sgd.Update(net.Params, grads, 0.1)).Message);
    }

    [Fact]
    public void Training_data_that_does_not_fit_the_network_is_refused_by_both_trainers()
    {
        var data = Tiny();
        var wrongInput = new TwoLayerNet<float>(5, 3, 10, seed: 1);       // the images have 4 pixels
        const string wrongX = "Train: x_train must have 5 columns (one row per example, inputSize columns); got shape (200, 4).";
        Assert.StartsWith(wrongX, Assert.Throws<ArgumentException>(() => Trainer.Train(wrongInput, data, new(Iterations: 1, BatchSize: 10))).Message);
        Assert.StartsWith(wrongX, Assert.Throws<ArgumentException>(() => FastTrainer.Train(wrongInput, data, new(Iterations: 1, BatchSize: 10))).Message);
        var wrongOutput = new TwoLayerNet<float>(4, 3, 9, seed: 1);       // the answers have 10 classes
        const string wrongT = "Train: t_train must be one-hot (200, 9) or labels (200, 1) for x_train (200, 4); got (200, 10).";
        Assert.StartsWith(wrongT, Assert.Throws<ArgumentException>(() => Trainer.Train(wrongOutput, data, new(Iterations: 1, BatchSize: 10))).Message);
        Assert.StartsWith(wrongT, Assert.Throws<ArgumentException>(() => FastTrainer.Train(wrongOutput, data, new(Iterations: 1, BatchSize: 10))).Message);
    }
}
