using FromScratch.Data;

namespace FromScratch.Fast;

/// <summary>
/// <see cref="Sweep.Run{TValue}(Dataset{float}, TrainingOptions, string, IEnumerable{TValue}, Func{TrainingOptions, TValue, TrainingOptions}, Action{SweepRun{TValue}}?)"/>
/// on the fast engine: the same runs, seeds, batches and results, each trained by <see cref="FastTrainer"/>. The data is
/// converted for the engine once, for all runs.
/// </summary>
public static class FastSweep
{
    /// <inheritdoc cref="Sweep.Run{TValue}(Dataset{float}, TrainingOptions, string, IEnumerable{TValue}, Func{TrainingOptions, TValue, TrainingOptions}, Action{SweepRun{TValue}}?)"/>
    public static SweepResult<TValue> Run<TValue>(Dataset<float> data, TrainingOptions baseOptions, string name, IEnumerable<TValue> values,
        Func<TrainingOptions, TValue, TrainingOptions> apply, Action<SweepRun<TValue>>? onRun = null)
        => Sweep.Run(data, baseOptions, name, values, apply, onRun, FastTrainer.TrainedBy, () =>
        {
            var prepared = FastTrainer.Prepare(data, data.ClassNames.Count);   // converted once for all runs
            return (net, options, onEpoch, onStep) => FastTrainer.Train(net, prepared.Train, prepared.Test, options, onEpoch, onStep);
        });
}
