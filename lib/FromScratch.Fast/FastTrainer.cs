using System.Diagnostics;
using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Fast;

/// <summary>
/// <see cref="Trainer.Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/> on the fast path:
/// the very same loop and batch sampler (so the same <see cref="TrainingOptions.Seed"/> gives the same batches), the same checks and
/// the same history, with each step run on a <see cref="FastTwoLayerNet"/>. Before the first step it checks itself against the
/// network's own <see cref="TwoLayerNet{T}.Loss"/> and <see cref="TwoLayerNet{T}.Gradient"/> on one batch and refuses to train
/// (<see cref="EngineMismatchException"/>) when they disagree.
/// </summary>
public static class FastTrainer
{
    /// <summary>What <see cref="TrainingHistory.TrainedBy"/> says of a run on this path.</summary>
    internal const string TrainedBy = "the fast engine (FastTrainer: float32, SIMD, two cores), not TwoLayerNet's own code";

    /// <summary>
    /// Trains <paramref name="net"/>: its parameters are copied into a <see cref="FastTwoLayerNet"/>, trained there, and
    /// written back into <paramref name="net"/>'s matrices in place (also when training stops with an exception).
    /// The conversion of the data to <see cref="SparseSplit"/> is part of the measured time. It is made at every call, from
    /// what the matrices hold then (into the arrays of the call before on the same matrices, which are kept while those
    /// live, when the number of nonzeros is the same), and kept only for this call: a change to the data made during the call (in
    /// <paramref name="onStep"/> or <paramref name="onEpoch"/>) is not seen by this run, while the readable
    /// <see cref="Trainer.Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/> would see it; the next call sees it.
    /// </summary>
    /// <exception cref="EngineMismatchException">
    /// Before the first step, on one batch, the engine's loss or gradient differed from <c>net.Loss(x, t)</c> or <c>net.Gradient(x, t)</c>
    /// (for example after a change to <see cref="TwoLayerNet{T}"/>): nothing was trained; use <see cref="Trainer.Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/>.
    /// </exception>
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
        try
        {
            if (!train.X.AllFinite) Shapes.RequireFinite(data.Train.X, "x_train", "Train");   // throws, naming the first one
            if (!test.X.AllFinite) Shapes.RequireFinite(data.Test.X, "x_test", "Train");
            return Train(net, data, train, test, options, onEpoch, onStep, clock);
        }
        finally
        {   // nothing outside this call ever sees the two conversions: the next call on the same data may write its own into their arrays
            SparseRows.Recycle(data.Train.X, train.X);
            SparseRows.Recycle(data.Test.X, test.X);
        }
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

    private static TrainingHistory Train(TwoLayerNet<float> net, Dataset<float> data, SparseSplit train, SparseSplit test, TrainingOptions options,
        Action<EpochResult>? onEpoch, Action<int, double>? onStep, Stopwatch clock)
    {
        options.Validate<float>(train.Count);
        try
        {
            SelfCheck.Run(net, data, train);              // the engine against net.Loss and net.Gradient on one batch, before any step
        }
        catch (EngineMismatchException) when (data.Train.T.ColumnCount == net.OutputSize
                                              && InitialLoss(net, data, options.BatchSize) is var before && !(before <= 2 * Math.Log(net.OutputSize)))
        {   // weights so large (std 1e30) that every unit saturates: the two disagree in rounding, and the weights are what is wrong
            throw Trainer.HopelessStart(0, before, before, net.OutputSize, Trainer.DrawnWith(options));
        }
        float lr = (float)options.LearningRate;
        var fast = FastTwoLayerNet.From(net);
        try
        {
            var history = Trainer.Loop(options, train.Count, net.OutputSize, clock, onEpoch, onStep,
                step: batchMask => fast.StepThenLoss(train, batchMask, lr),   // gradient, SGD update, then the loss of the same batch
                evaluate: () => (fast.Accuracy(train), fast.Accuracy(test)),
                lossBeforeTraining: data.Train.T.ColumnCount == net.OutputSize ? () => InitialLoss(net, data, options.BatchSize) : null,
                initialWeights: Trainer.DrawnWith(options));
            history.TrainedBy = TrainedBy;
            return history;
        }
        finally
        {
            fast.CopyTo(net);
        }
    }

    /// <summary>The network's own loss on the first rows of the training set, before any step (see <c>Trainer.Loop</c>).</summary>
    private static double InitialLoss(TwoLayerNet<float> net, Dataset<float> data, int rows)
        => net.Loss(data.Train.X.SubMatrix(0, rows, 0, data.Train.X.ColumnCount), data.Train.T.SubMatrix(0, rows, 0, data.Train.T.ColumnCount));
}
