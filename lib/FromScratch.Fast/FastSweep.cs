using FromScratch.Data;

namespace FromScratch.Fast;

/// <summary>
/// <see cref="Sweep.Run{TValue}(Dataset{float}, TrainingOptions, string, IEnumerable{TValue}, Func{TrainingOptions, TValue, TrainingOptions}, Action{SweepRun{TValue}}?)"/>
/// on the fast engine: the same runs, seeds, batches and results, each trained by <see cref="FastTrainer"/>, which checks
/// itself against the network before each run. Each run converts the data as it is when the run starts (about 0.1 s for
/// MNIST), so a change to the data between runs (in <c>onRun</c>) is trained on, as on the readable path.
/// </summary>
public static class FastSweep
{
    /// <inheritdoc cref="Sweep.Run{TValue}(Dataset{float}, TrainingOptions, string, IEnumerable{TValue}, Func{TrainingOptions, TValue, TrainingOptions}, Action{SweepRun{TValue}}?)"/>
    public static SweepResult<TValue> Run<TValue>(Dataset<float> data, TrainingOptions baseOptions, string name, IEnumerable<TValue> values,
        Func<TrainingOptions, TValue, TrainingOptions> apply, Action<SweepRun<TValue>>? onRun = null)
        => Sweep.Run(data, baseOptions, name, values, apply, onRun, FastTrainer.TrainedBy,
            () => (net, options, onEpoch, onStep) => FastTrainer.Train(net, data, options, onEpoch, onStep));
}
