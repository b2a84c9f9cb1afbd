using FromScratch.Layers;
using FromScratch.Optimizers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>The optimizers of notebook 09: the book's update rules, their state, their defaults and their bad-input messages.</summary>
public class OptimizerTests
{
    private static Dictionary<string, Matrix<double>> Start() => new()
    {
        ["x"] = Matrix<double>.Build.Dense(1, 1, -7.0),
        ["y"] = Matrix<double>.Build.Dense(1, 1, 2.0),
    };

    /// <summary>∂f/∂x = x/10, ∂f/∂y = 2y for f(x, y) = x²/20 + y².</summary>
    private static Dictionary<string, Matrix<double>> Gradient(Dictionary<string, Matrix<double>> p) => new()
    {
        ["x"] = p["x"] / 10.0,
        ["y"] = p["y"] * 2.0,
    };

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adagrad")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void Thirty_steps_on_x2_over_20_plus_y2_follow_the_numpy_reference(string name)
    {
        var run = Golden.Chapter6["optimizers"]!["runs"]!.AsArray().Single(r => (string)r!["name"]! == name)!;
        var optimizer = Optimizer.Create<double>(name, (double)run["lr"]!);
        var p = Start();
        var x = p["x"];
        var path = run["path"]!.AsArray();
        Assert.Equal(30, path.Count);
        for (int i = 0; i < path.Count; i++)
        {
            optimizer.Update(p, Gradient(p));
            Assert.Same(x, p["x"]);                                   // in place: the matrix is never replaced
            double ex = (double)path[i]![0]!, ey = (double)path[i]![1]!;
            Assert.True(Math.Abs(p["x"][0, 0] - ex) <= 1e-12 * Math.Max(1, Math.Abs(ex)) && Math.Abs(p["y"][0, 0] - ey) <= 1e-12 * Math.Max(1, Math.Abs(ey)),
                $"{name} step {i + 1}: ({p["x"][0, 0]:R}, {p["y"][0, 0]:R}), numpy ({ex:R}, {ey:R})");
        }
    }

    [Fact]
    public void The_defaults_are_the_books()
    {
        Assert.Equal(0.01, new Sgd<double>().LearningRate);
        Assert.Equal((0.01, 0.9), (new Momentum<double>().LearningRate, new Momentum<double>().MomentumRate));
        Assert.Equal((0.01, 0.9), (new Nesterov<double>().LearningRate, new Nesterov<double>().MomentumRate));
        Assert.Equal(0.01, new AdaGrad<double>().LearningRate);
        Assert.Equal((0.01, 0.99), (new RMSprop<double>().LearningRate, new RMSprop<double>().DecayRate));
        var adam = new Adam<double>();
        Assert.Equal((0.001, 0.9, 0.999), (adam.LearningRate, adam.Beta1, adam.Beta2));
    }

    [Fact]
    public void Each_optimizer_keeps_its_own_state_so_two_objects_do_not_share_a_velocity()
    {
        var a = new Momentum<double>(0.1);
        var b = new Momentum<double>(0.1);
        var pa = Start();
        var pb = Start();
        a.Update(pa, Gradient(pa));
        a.Update(pa, Gradient(pa));   // the second step of a has a velocity
        b.Update(pb, Gradient(pb));   // the first step of b has none
        var fresh = Start();
        new Sgd<double>(0.1).Update(fresh, Gradient(fresh));
        Assert.Equal(fresh["x"][0, 0], pb["x"][0, 0]);     // Momentum's first step from v = 0 is an SGD step
        Assert.NotEqual(pa["x"][0, 0], pb["x"][0, 0]);
    }

    [Fact]
    public void The_static_Sgd_Update_is_the_Sgd_optimizer_bit_for_bit_in_float()
    {
        var one = new LayeredNet<float>(6, [5], 3, seed: 2);
        var two = new LayeredNet<float>(6, [5], 3, seed: 2);
        var x = Matrix<float>.Build.Dense(4, 6, (r, c) => MathF.Sin(r * 6 + c));
        var t = Matrix<float>.Build.Dense(4, 3, (r, c) => c == r % 3 ? 1 : 0);
        var sgd = new Sgd<float>(0.1f);
        for (int i = 0; i < 5; i++)
        {
            Sgd.Update(one.Params, one.Gradient(x, t), 0.1f);
            sgd.Update(two.Params, two.Gradient(x, t));
        }
        foreach (var key in one.Params.Keys)
            Assert.Equal(one.Params[key].ToColumnMajorArray(), two.Params[key].ToColumnMajorArray());
    }

    [Fact]
    public void Unknown_names_and_bad_rates_are_refused_with_the_allowed_values()
    {
        Assert.Equal("Unknown optimizer \"adamw\"; the known ones are sgd, momentum, nesterov, adagrad, rmsprop, adam. (Parameter 'name')",
            Assert.Throws<ArgumentException>(() => Optimizer.Create<float>("adamw")).Message);
        Assert.IsType<Adam<float>>(Optimizer.Create<float>("Adam"));
        foreach (var lr in new[] { -0.1, double.NaN, double.PositiveInfinity })
            Assert.StartsWith($"The learning rate must be a finite number ≥ 0; got {lr}.",
                Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(lr)).Message);
        Assert.StartsWith("Momentum: momentum must be a number in [0, 1); got 1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum<float>(0.1, momentum: 1)).Message);
        Assert.StartsWith("RMSprop: decayRate must be a number in [0, 1); got -0.5.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop<float>(decayRate: -0.5)).Message);
        Assert.StartsWith("Adam: beta2 must be a number in [0, 1); got NaN.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(beta2: double.NaN)).Message);
    }

    [Fact]
    public void A_missing_or_misshapen_gradient_and_a_parameter_that_changed_shape_are_named()
    {
        var adam = new Adam<double>();
        var p = Start();
        Assert.StartsWith("No gradient for parameter \"y\"; grads has [x].",
            Assert.Throws<ArgumentException>(() => adam.Update(p, new Dictionary<string, Matrix<double>> { ["x"] = p["x"] })).Message);
        var g = Gradient(p);
        g["x"] = Matrix<double>.Build.Dense(2, 1);
        Assert.StartsWith("Adam.Update: x and grads[\"x\"] must have the same shape; got x (1, 1) and grads[\"x\"] (2, 1).",
            Assert.Throws<ArgumentException>(() => adam.Update(p, g)).Message);
        var momentum = new Momentum<double>();
        momentum.Update(p, Gradient(p));
        var bigger = new Dictionary<string, Matrix<double>> { ["x"] = Matrix<double>.Build.Dense(2, 2), ["y"] = p["y"] };
        Assert.StartsWith("Momentum.Update: parameter \"x\" is (2, 2) but was (1, 1) in earlier steps; use a new optimizer for a new network.",
            Assert.Throws<ArgumentException>(() => momentum.Update(bigger, Gradient(bigger))).Message);
    }

    [Fact]
    public void Trainer_with_the_default_is_Trainer_with_an_explicit_Sgd_bit_for_bit_and_takes_any_optimizer()
    {
        var data = ValidationTests.Tiny();
        var options = new TrainingOptions(Iterations: 30, BatchSize: 20, LearningRate: 0.5, Seed: 3);
        var byDefault = new TwoLayerNet<float>(4, 5, 10, seed: 1);
        var explicitSgd = new TwoLayerNet<float>(4, 5, 10, seed: 1);
        var h1 = Trainer.Train(byDefault, data, options);
        var h2 = Trainer.Train(explicitSgd, data, options, new Sgd<float>(0.5));
        Assert.Equal(h1.TrainLoss, h2.TrainLoss);
        foreach (var key in byDefault.Params.Keys)
            Assert.Equal(byDefault.Params[key].ToColumnMajorArray(), explicitSgd.Params[key].ToColumnMajorArray());

        // the loop of notebook 04 written out: the default Trainer gives exactly its losses
        var byHand = new TwoLayerNet<float>(4, 5, 10, seed: 1);
        var rng = new Random(3);
        var xb = Matrix<float>.Build.Dense(20, 4);
        var tb = Matrix<float>.Build.Dense(20, 10);
        for (int i = 0; i < 30; i++)
        {
            var mask = Enumerable.Range(0, 20).Select(_ => rng.Next(data.Train.X.RowCount)).ToArray();
            data.Train.X.SelectRows(mask, into: xb);
            data.Train.T.SelectRows(mask, into: tb);
            Sgd.Update(byHand.Params, byHand.Gradient(xb, tb), 0.5f);
            Assert.Equal(h1.TrainLoss[i], (double)byHand.Loss(xb, tb));
        }

        var adam = new TwoLayerNet<float>(4, 5, 10, seed: 1);
        var h3 = Trainer.Train(adam, data, options, new Adam<float>(0.01));
        Assert.NotEqual(h1.TrainLoss[^1], h3.TrainLoss[^1]);
        Assert.Equal(30, h3.TrainLoss.Count);
    }
}
