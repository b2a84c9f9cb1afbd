using System.Diagnostics;
using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Fast;

/// <summary>
/// <see cref="Trainer.Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/> on the fast path:
/// the very same loop and batch sampler (so the same <see cref="TrainingOptions.Seed"/> gives the same batches), the same checks and
/// the same history, with each step run on a <see cref="FastTwoLayerNet"/>.
/// </summary>
public static class FastTrainer
{
    /// <summary>What <see cref="TrainingHistory.TrainedBy"/> says of a run on this path.</summary>
    internal const string TrainedBy = "the fast engine (FastTrainer: float32, SIMD, two cores), not TwoLayerNet's own code";

    /// <summary>
    /// Trains <paramref name="net"/>: its parameters are copied into a <see cref="FastTwoLayerNet"/>, trained there, and
    /// written back into <paramref name="net"/>'s matrices in place (also when training stops with an exception).
    /// The conversion of the data to <see cref="SparseSplit"/> is part of the measured time.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite, or stayed worse than guessing.</exception>
    public static TrainingHistory Train(TwoLayerNet<float> net, Dataset<float> data, TrainingOptions options,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null)
    {
        var clock = Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate<float>(data.Train.X.RowCount);                // before the conversion, which takes a moment
        // the readable trainer's checks, except the memory one: the fast path evaluates in row blocks, never a (rows, hidden) matrix
        // (the finite check is made while the conversion counts the nonzeros: one pass over the data fewer)
        Trainer.RequireData(data, net.InputSize, net.OutputSize, parameters: new Dictionary<string, Matrix<float>>(), checkFinite: false);
        var (train, test) = Prepare(data, net.OutputSize);
        if (!train.X.AllFinite) Shapes.RequireFinite(data.Train.X, "x_train", "Train");   // throws, naming the first one
        if (!test.X.AllFinite) Shapes.RequireFinite(data.Test.X, "x_test", "Train");
        return Train(net, train, test, options, onEpoch, onStep, clock);
    }

    /// <summary>Converts both splits for the fast path (in parallel; about 0.1 s for MNIST).</summary>
    internal static (SparseSplit Train, SparseSplit Test) Prepare(Dataset<float> data, int classes)
    {
        SparseSplit? train = null, test = null;
        try
        {
            Parallel.Invoke(
                () => train = SparseSplit.From(data.Train.X, data.Train.T, classes),
                () => test = SparseSplit.From(data.Test.X, data.Test.T, classes));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {   // the training split's complaint, as a plain exception rather than wrapped once per split
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return (train!, test!);
    }

    /// <summary>Trains on already converted splits.</summary>
    internal static TrainingHistory Train(TwoLayerNet<float> net, SparseSplit train, SparseSplit test, TrainingOptions options,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null)
        => Train(net, train, test, options, onEpoch, onStep, Stopwatch.StartNew());

    private static TrainingHistory Train(TwoLayerNet<float> net, SparseSplit train, SparseSplit test, TrainingOptions options,
        Action<EpochResult>? onEpoch, Action<int, double>? onStep, Stopwatch clock)
    {
        options.Validate<float>(train.Count);
        float lr = (float)options.LearningRate;
        var fast = FastTwoLayerNet.From(net);
        try
        {
            var history = Trainer.Loop(options, train.Count, net.OutputSize, clock, onEpoch, onStep,
                step: batchMask =>
                {
                    fast.Step(train, batchMask, lr);           // gradient and SGD update in one pass
                    return fast.Loss(train, batchMask);
                },
                evaluate: () => (fast.Accuracy(train), fast.Accuracy(test)));
            history.TrainedBy = TrainedBy;
            return history;
        }
        finally
        {
            fast.CopyTo(net);
        }
    }
}
