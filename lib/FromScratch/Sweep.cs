using System.Diagnostics;
using System.Globalization;
using System.Text;
using FromScratch.Data;

namespace FromScratch;

/// <summary>
/// One training run of a <see cref="Sweep"/>: the hyperparameter value it tried, the options it trained with, its evaluations
/// (also those before it diverged) and, if it stopped early, why.
/// </summary>
public sealed record SweepRun<TValue>(TValue Value, TrainingOptions Options, IReadOnlyList<EpochResult> Epochs, IReadOnlyList<double> TrainLoss,
    string? Failure, TimeSpan Elapsed)
{
    /// <summary>Training stopped early (<see cref="TrainingDivergedException"/>).</summary>
    public bool Diverged => Failure is not null;

    /// <summary>The last evaluation's test accuracy (정확도), or NaN when there was none.</summary>
    public double FinalTestAccuracy => Epochs.Count > 0 ? Epochs[^1].TestAccuracy : double.NaN;

    /// <summary>The iteration of each evaluation: the x values for an accuracy curve.</summary>
    public IEnumerable<int> EpochIterations => Epochs.Select(e => e.Iteration);

    /// <summary>The test accuracy of each evaluation: the y values for an accuracy curve.</summary>
    public IEnumerable<double> TestAccuracy => Epochs.Select(e => e.TestAccuracy);

    /// <summary>"value: final test accuracy", or "value: diverged (why)".</summary>
    public override string ToString() => Diverged
        ? string.Create(CultureInfo.InvariantCulture, $"{Value}: diverged ({Failure})")
        : string.Create(CultureInfo.InvariantCulture,
            $"{Value}: test accuracy {FinalTestAccuracy:0.0000} at iteration {(Epochs.Count > 0 ? Epochs[^1].Iteration : 0)}, {Elapsed.TotalSeconds:0.0} s");
}

/// <summary>All the runs of a <see cref="Sweep"/> and the time they took together.</summary>
public sealed record SweepResult<TValue>(string Name, IReadOnlyList<SweepRun<TValue>> Runs, TimeSpan Elapsed)
{
    /// <summary>Which code trained the runs (see <see cref="TrainingHistory.TrainedBy"/>).</summary>
    public string TrainedBy { get; init; } = "";

    /// <summary>One line: how many runs of how many iterations, how long they took together, and which code trained them.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Name} sweep: {Runs.Count} runs × {Runs[0].Options.Iterations} iterations in {Elapsed.TotalSeconds:0.0} s, trained by {TrainedBy}");

    /// <summary>A small table: one line per value with its final test accuracy, then <see cref="Summary"/>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var run in Runs) sb.Append(Name).Append(' ').AppendLine(run.ToString());
        return sb.Append(Summary).ToString();
    }
}

/// <summary>
/// Trains one fresh network per value of a hyperparameter (하이퍼파라미터) and keeps each run's accuracy curve: e.g. the learning rates 0.01, 0.1, 0.5, 1, 5 or the hidden sizes 10, 20, 50, 100.
/// Every run uses the same seed (the base options' <see cref="TrainingOptions.Seed"/>, or 0), so its initial weights (where the
/// shapes agree) and its minibatches are the same: the only difference between two runs is the value swept.
/// Each run is <see cref="Trainer.Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/>
/// on a <see cref="TwoLayerNet{T}"/>: the readable code you can read and change. <c>FastSweep.Run</c> (in <c>FromScratch.Fast</c>)
/// runs the same sweep on the fast engine, with the same arguments.
/// </summary>
public static class Sweep
{
    /// <summary>Runs the sweep. A run that diverges is kept (with its <see cref="SweepRun{TValue}.Failure"/>) and the sweep goes on.</summary>
    /// <param name="data">The dataset (e.g. MNIST, normalized, flattened, one-hot).</param>
    /// <param name="baseOptions">The options every run starts from.</param>
    /// <param name="name">The hyperparameter's name, for the text output (e.g. "learning rate").</param>
    /// <param name="values">The values to try.</param>
    /// <param name="apply">Sets the value in the options, e.g. <c>(o, lr) =&gt; o with { LearningRate = lr }</c>.</param>
    /// <param name="onRun">Called after each run (e.g. to print it).</param>
    /// <example><code>
    /// var lrs = Sweep.Run(data, options, "learning rate", [0.01, 0.1, 0.5, 1, 5], (o, lr) =&gt; o with { LearningRate = lr });
    /// </code></example>
    public static SweepResult<TValue> Run<TValue>(Dataset<float> data, TrainingOptions baseOptions, string name, IEnumerable<TValue> values,
        Func<TrainingOptions, TValue, TrainingOptions> apply, Action<SweepRun<TValue>>? onRun = null)
        => Run(data, baseOptions, name, values, apply, onRun, "the readable Trainer.Train on TwoLayerNet<float>",
            () => (net, options, onEpoch, onStep) => Trainer.Train(net, data, options, onEpoch, onStep));

    /// <summary>The sweep with another trainer: <paramref name="trainer"/> is called once, after the checks, and returns the training of one run.</summary>
    internal static SweepResult<TValue> Run<TValue>(Dataset<float> data, TrainingOptions baseOptions, string name, IEnumerable<TValue> values,
        Func<TrainingOptions, TValue, TrainingOptions> apply, Action<SweepRun<TValue>>? onRun, string trainedBy,
        Func<Func<TwoLayerNet<float>, TrainingOptions, Action<EpochResult>, Action<int, double>, TrainingHistory>> trainer)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(baseOptions);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(apply);
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException("Sweep: no values to try.", nameof(values));
        var clock = Stopwatch.StartNew();
        int classes = data.ClassNames.Count, inputs = data.Train.X.ColumnCount;
        var train = trainer();
        var runs = new List<SweepRun<TValue>>();
        foreach (var value in list)
        {
            var options = apply(baseOptions, value) with { Seed = baseOptions.Seed ?? 0 };
            options.Validate<float>(data.Train.X.RowCount);
            var net = new TwoLayerNet<float>(inputs, options.HiddenSize, classes, options.WeightInitStd, options.Seed);
            var epochs = new List<EpochResult>();
            var losses = new List<double>();
            var runClock = Stopwatch.StartNew();
            string? failure = null;
            try
            {
                train(net, options, epochs.Add, (_, loss) => losses.Add(loss));
            }
            catch (TrainingDivergedException e)
            {
                failure = e.Message;
            }
            var run = new SweepRun<TValue>(value, options, epochs, losses, failure, runClock.Elapsed);
            runs.Add(run);
            onRun?.Invoke(run);
        }
        return new SweepResult<TValue>(name, runs, clock.Elapsed) { TrainedBy = trainedBy };
    }
}
