using System.Diagnostics;
using FromScratch.Data;

namespace FromScratch.Fast;

/// <summary>
/// <see cref="Trainer.Train{T}(TwoLayerNet{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/> on the fast path: the same loop, the same batches (same <see cref="TrainingOptions.Seed"/>
/// gives the same sequence of <see cref="Random.Next(int)"/> calls), the same history, run on a <see cref="FastTwoLayerNet"/>.
/// </summary>
public static class FastTrainer
{
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
        options.Validate(data.Train.X.RowCount);                       // before the conversion, which takes a moment
        Shapes.RequireColumns(data.Train.X, net.InputSize, "x", "FastTrainer.Train", "the training images, inputSize columns");
        Shapes.RequireColumns(data.Test.X, net.InputSize, "x", "FastTrainer.Train", "the test images, inputSize columns");
        var (train, test) = Prepare(data, net.OutputSize);
        return Train(net, train, test, options, onEpoch, onStep, clock);
    }

    /// <summary>Converts both splits for the fast path (in parallel; about 0.1 s for MNIST).</summary>
    public static (SparseSplit Train, SparseSplit Test) Prepare(Dataset<float> data, int classes)
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
    public static TrainingHistory Train(TwoLayerNet<float> net, SparseSplit train, SparseSplit test, TrainingOptions options,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null)
        => Train(net, train, test, options, onEpoch, onStep, Stopwatch.StartNew());

    private static TrainingHistory Train(TwoLayerNet<float> net, SparseSplit train, SparseSplit test, TrainingOptions options,
        Action<EpochResult>? onEpoch, Action<int, double>? onStep, Stopwatch clock)
    {
        int trainSize = train.Count;
        options.Validate(trainSize);
        int perEpoch = options.IterationsPerEpoch(trainSize);
        var rng = options.Seed is int s ? new Random(s) : new Random();   // the same draws as Trainer.Train
        var history = new TrainingHistory();
        float lr = (float)options.LearningRate;
        var batchMask = new int[options.BatchSize];
        var fast = FastTwoLayerNet.From(net);
        try
        {
            for (int i = 0; i < options.Iterations; i++)
            {
                for (int k = 0; k < batchMask.Length; k++) batchMask[k] = rng.Next(trainSize);
                fast.Step(train, batchMask, lr);

                double loss = fast.Loss(train, batchMask);
                history.TrainLoss.Add(loss);
                Trainer.CheckDivergence(history.TrainLoss, net.OutputSize, options.LearningRate);
                onStep?.Invoke(i, loss);

                if (i % perEpoch == 0)
                {
                    var result = new EpochResult(history.Epochs.Count, i, fast.Accuracy(train), fast.Accuracy(test), clock.Elapsed);
                    history.Epochs.Add(result);
                    onEpoch?.Invoke(result);
                }
            }
        }
        finally
        {
            fast.CopyTo(net);
        }
        history.Elapsed = clock.Elapsed;
        return history;
    }
}
