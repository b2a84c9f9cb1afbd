using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Fast;

/// <summary>
/// The engine refused to train because it does not compute what the network computes: on one batch its loss or its gradient
/// differs from the network's own <see cref="TwoLayerNet{T}.Loss"/> or <see cref="TwoLayerNet{T}.Gradient"/> by more than
/// float32 rounding explains. The engine runs the tutorial's network (affine → sigmoid → affine → softmax, cross-entropy);
/// a changed <see cref="TwoLayerNet{T}"/> (another activation, another loss) trains on the readable path, <see cref="Trainer.Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/>.
/// </summary>
public sealed class EngineMismatchException : Exception
{
    internal EngineMismatchException(string quantity, double difference, double tolerance, string message) : base(message)
        => (Quantity, Difference, Tolerance) = (quantity, difference, tolerance);

    /// <summary>What disagreed most: <c>"loss"</c> or the parameter whose gradient did (<c>"W1"</c>, <c>"b1"</c>, <c>"W2"</c>, <c>"b2"</c>).</summary>
    public string Quantity { get; }
    /// <summary>The largest difference, relative to the network's own value (the loss, or the largest |gradient| of that parameter).</summary>
    public double Difference { get; }
    /// <summary>The tolerance it exceeded.</summary>
    public double Tolerance { get; }
}

/// <summary>
/// Before the engine trains, it checks itself against the network on one batch: the engine's loss against
/// <c>net.Loss(x, t)</c> and the engine's gradient (from one SGD step on a copy) against <c>net.Gradient(x, t)</c>.
/// </summary>
/// <remarks>
/// Tolerances, from measurement (float32 on both sides, different summation orders; FastSelfCheckTests print them): on
/// MNIST batches of 100 rows the loss agrees to 2.5e-7 relative at most and each gradient to 6e-7 of that parameter's
/// largest |gradient| (the tutorial's network untrained and trained, hidden 7 to 100, weights of std 0.01 to 1, at 128, 256
/// and 512 bits). The tolerances are 80× and 160× above that. Another activation moves them far more: ReLU instead of the
/// sigmoid in the tutorial's untrained network changes the loss by only 1.7e-4 relative (the weights are small), but the
/// gradient of W1 by far more than its own size.
/// </remarks>
internal static class SelfCheck
{
    /// <summary>The largest relative difference of the losses accepted.</summary>
    public const double LossTolerance = 2e-5;
    /// <summary>The largest difference of a gradient accepted, relative to that parameter's largest |gradient| (from net.Gradient).</summary>
    public const double GradientTolerance = 1e-4;
    /// <summary>The rows the check uses at most.</summary>
    public const int MaxRows = 100;

    /// <summary>
    /// The learning rate of the probe step the engine's gradient is read back from: a power of two, so η·g is exact and
    /// (W − (W − η·g)) / η loses only the last rounding of W − η·g, about 2⁻²⁴·|W| / η.
    /// </summary>
    private const float ProbeRate = 1024f;

    private static string I(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>
    /// The check's batch: up to <see cref="MaxRows"/> (and at most the batch size) training rows spread evenly over the set.
    /// Deterministic and independent of the batch sampler, so training draws the same batches as without the check.
    /// </summary>
    public static int[] Rows(int trainCount, int batchSize)
    {
        int k = Math.Max(1, Math.Min(Math.Min(MaxRows, batchSize), trainCount));
        return [.. Enumerable.Range(0, k).Select(i => (int)((long)i * trainCount / k))];
    }

    /// <summary>Throws <see cref="EngineMismatchException"/> when the engine and <paramref name="net"/> disagree on one batch.</summary>
    public static void Run(TwoLayerNet<float> net, Dataset<float> data, SparseSplit train)
    {
        var m = Measure(net, data, train);
        if (m is null) return;                                 // a non-finite loss: the loop's divergence check names it, on either path
        Require(m.ReadableLoss, m.EngineLoss, m.Readable, m.Engine, m.Rows);
    }

    /// <summary>Both sides of the check: the network's loss and gradient and the engine's, on the same batch.</summary>
    public sealed record Measured(double ReadableLoss, double EngineLoss, IReadOnlyDictionary<string, Matrix<double>> Readable,
        IReadOnlyDictionary<string, Matrix<double>> Engine, int Rows);

    /// <summary>
    /// Computes both sides on the check's batch: the engine holding <paramref name="net"/>'s parameters, against
    /// <paramref name="readable"/>'s <c>Loss</c> and <c>Gradient</c> (<paramref name="net"/> itself unless a test passes a variant
    /// with the same parameters). Null when the network's own loss is not finite.
    /// </summary>
    public static Measured? Measure(TwoLayerNet<float> net, Dataset<float> data, SparseSplit train, INetwork<float>? readable = null)
    {
        INetwork<float> own = readable ?? net;
        var rows = Rows(train.Count, int.MaxValue);
        var x = data.Train.X.SelectRows(rows);                 // x_train[batch_mask]
        var t = Matrix<float>.Build.Dense(rows.Length, net.OutputSize);
        for (int i = 0; i < rows.Length; i++) t[i, train.Labels[rows[i]]] = 1;   // one-hot, also when t_train holds labels
        double readableLoss = own.Loss(x, t);
        if (!double.IsFinite(readableLoss)) return null;
        var readableGrads = own.Gradient(x, t).ToDictionary(p => p.Key, p => p.Value.Map(v => (double)v));

        var probe = FastTwoLayerNet.From(net);
        probe.ForceOneCore = true;
        double engineLoss = probe.Loss(train, rows);
        probe.Step(train, rows, ProbeRate);                    // W − η·g, from which g is read back
        var after = probe.ToMatrices();
        var engine = new Dictionary<string, Matrix<double>>();
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            var before = net.Params[key]; var a = after[key];
            engine[key] = Matrix<double>.Build.Dense(before.RowCount, before.ColumnCount, (r, c) => ((double)before[r, c] - a[r, c]) / ProbeRate);
        }
        return new Measured(readableLoss, engineLoss, readableGrads, engine, rows.Length);
    }

    /// <summary>The relative difference of the losses, as the check measures it.</summary>
    public static double LossDifference(double readableLoss, double engineLoss)
        => Math.Abs(engineLoss - readableLoss) / Math.Max(Math.Abs(readableLoss), 1e-3);

    /// <summary>
    /// The largest |readable − engine| of one parameter's gradient relative to its largest |readable| (NaN when either has a
    /// NaN), and where.
    /// </summary>
    public static (double Relative, int Row, int Column, double Scale) GradientDifference(Matrix<double> readable, Matrix<double> engine)
    {
        double scale = 0, worst = 0; int wr = 0, wc = 0;
        for (int c = 0; c < readable.ColumnCount; c++)
            for (int i = 0; i < readable.RowCount; i++)
            {
                scale = Math.Max(scale, Math.Abs(readable[i, c]));
                double d = Math.Abs(readable[i, c] - engine[i, c]);
                if (!(d <= worst)) { worst = d; wr = i; wc = c; }
            }
        return (worst / Math.Max(scale, 1e-12), wr, wc, scale);
    }

    /// <summary>
    /// Compares the network's loss and gradients with the engine's; throws naming the quantity (the loss, or W1, b1, W2, b2)
    /// furthest outside its tolerance, with its difference and the tolerance, and the others that are outside too.
    /// </summary>
    public static void Require(double readableLoss, double engineLoss, IReadOnlyDictionary<string, Matrix<double>> readable,
        IReadOnlyDictionary<string, Matrix<double>> engine, int rows)
    {
        const string Advice = "The fast engine computes the tutorial's network (affine → sigmoid → affine → softmax, cross-entropy); " +
            "if you changed TwoLayerNet, train it with Trainer.Train (the readable path), which runs your code.";
        var problems = new List<(string Quantity, double Difference, double Tolerance, string Text)>();
        double lossDifference = LossDifference(readableLoss, engineLoss);
        if (!(lossDifference <= LossTolerance))
            problems.Add(("loss", lossDifference, LossTolerance,
                I($"the engine's loss is {engineLoss:G6} and net.Loss(x, t) is {readableLoss:G6}, a relative difference of {lossDifference:E1}, ") +
                I($"above the tolerance {LossTolerance:E0}")));
        foreach (var key in TwoLayerNet<float>.ParamNames)
        {
            var e = engine[key];
            if (!readable.TryGetValue(key, out var r))
                problems.Add((key, double.PositiveInfinity, GradientTolerance, I($"net.Gradient(x, t) has no \"{key}\"")));
            else if (r.RowCount != e.RowCount || r.ColumnCount != e.ColumnCount)
                problems.Add((key, double.PositiveInfinity, GradientTolerance, I($"net.Gradient(x, t)[\"{key}\"] is {r.Shape()}, the engine's {e.Shape()}")));
            else
            {
                var (relative, wr, wc, scale) = GradientDifference(r, e);
                if (!(relative <= GradientTolerance))
                    problems.Add((key, relative, GradientTolerance,
                        I($"the gradient of {key} differs from net.Gradient(x, t): at [{wr}, {wc}] the engine has {e[wr, wc]:G4} and the network ") +
                        I($"{r[wr, wc]:G4}, a difference of {relative:E1} of the largest |d{key}| ({scale:G3}), above the tolerance {GradientTolerance:E0}")));
            }
        }
        if (problems.Count == 0) return;
        // the worst first: furthest outside its tolerance (NaN counts as the furthest)
        var worst = problems.OrderByDescending(p => double.IsNaN(p.Difference) ? double.PositiveInfinity : p.Difference / p.Tolerance).First();
        var others = problems.Where(p => p != worst).Select(p => I($"{p.Quantity} {p.Difference:E1} (tolerance {p.Tolerance:E0})")).ToList();
        throw new EngineMismatchException(worst.Quantity, worst.Difference, worst.Tolerance,
            I($"FastTrainer refused to train: on a batch of {rows} training rows {worst.Text}.") +
            (others.Count > 0 ? " Also outside: " + string.Join(", ", others) + "." : "") + " " + Advice);
    }
}
