using System.Diagnostics;
using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>
/// The tutorial's hyperparameters (하이퍼파라미터). The defaults are its values: 10000 iterations, batch 100, learning rate 0.1, hidden 20.
/// </summary>
public sealed record TrainingOptions(
    int Iterations = 10_000,
    int BatchSize = 100,
    double LearningRate = 0.1,
    int HiddenSize = 20,
    double WeightInitStd = 0.01,
    int? Seed = null)
{
    /// <summary>Throws with the allowed range when a value is out of it.</summary>
    public void Validate(int trainSize)
    {
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), $"Iterations must be at least 1; got {Iterations}.");
        if (BatchSize < 1 || BatchSize > trainSize)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be between 1 and the training set size {trainSize}; got {BatchSize}.");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"LearningRate must be a finite number greater than 0; got {LearningRate}.");
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), $"HiddenSize must be at least 1; got {HiddenSize}.");
        if (!double.IsFinite(WeightInitStd) || WeightInitStd <= 0)
            throw new ArgumentOutOfRangeException(nameof(WeightInitStd), $"WeightInitStd must be a finite number greater than 0; got {WeightInitStd}.");
    }

    /// <summary>Iterations per epoch (에폭): the training set size over the batch size, 600 for MNIST with batch 100.</summary>
    public int IterationsPerEpoch(int trainSize) => Math.Max(1, trainSize / BatchSize);
}

/// <summary>One evaluation, made every epoch (and at iteration 0, as the tutorial does).</summary>
public sealed record EpochResult(int Epoch, int Iteration, double TrainAccuracy, double TestAccuracy, TimeSpan Elapsed)
{
    /// <summary>The line the tutorial prints.</summary>
    public override string ToString() => $"Train Accuracy : {TrainAccuracy:0.0000}  Test Accuracy : {TestAccuracy:0.0000}";
}

/// <summary>What a training run recorded: the loss after every step and the accuracies after every epoch.</summary>
public sealed class TrainingHistory
{
    public List<double> TrainLoss { get; } = [];
    public List<EpochResult> Epochs { get; } = [];
    public IEnumerable<double> TrainAccuracy => Epochs.Select(e => e.TrainAccuracy);
    public IEnumerable<double> TestAccuracy => Epochs.Select(e => e.TestAccuracy);
    public TimeSpan Elapsed { get; internal set; }
}

/// <summary>
/// Training diverged: the loss became NaN or infinite, or over the last steps it averaged worse than a uniform guess
/// (twice ln(classes)). Usually the learning rate is too large.
/// </summary>
public sealed class TrainingDivergedException(int iteration, double loss, double learningRate, string what)
    : Exception($"Training diverged at iteration {iteration}: {what}. The learning rate {learningRate} is probably too large; try a smaller one (the tutorial uses 0.1).")
{
    public int Iteration { get; } = iteration;
    public double Loss { get; } = loss;
}

/// <summary>The tutorial's training loop: minibatch (미니배치) → gradient → SGD update → loss, and accuracies every epoch.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="net"/> in place and returns what happened. Batches are drawn with replacement,
    /// like <c>np.random.choice(train_size, batch_size)</c>.
    /// </summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="data">Training and test splits, labels one-hot.</param>
    /// <param name="options">Iterations, batch size, learning rate and seed.</param>
    /// <param name="onEpoch">Called after each evaluation (iteration 0, 600, 1200, … for MNIST).</param>
    /// <param name="onStep">Called after each step with the iteration and the batch loss.</param>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static TrainingHistory Train<T>(TwoLayerNet<T> net, Dataset<T> data, TrainingOptions options,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        return Run(net.Params, net.Gradient, net.Loss, net.Accuracy, net.OutputSize, data, options, onEpoch, onStep);
    }

    /// <summary>
    /// The same loop for a network built from layers (<see cref="Layers.LayeredNet{T}"/>): the same batches for the same
    /// <see cref="TrainingOptions.Seed"/>, the gradient by the layers' backward passes, the update in place through
    /// <see cref="Layers.LayeredNet{T}.Params"/>. <see cref="TrainingOptions.HiddenSize"/> and <see cref="TrainingOptions.WeightInitStd"/>
    /// are not used: the network is already built.
    /// </summary>
    /// <inheritdoc cref="Train{T}(TwoLayerNet{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/>
    public static TrainingHistory Train<T>(Layers.LayeredNet<T> net, Dataset<T> data, TrainingOptions options,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        return Run(net.Params, net.Gradient, net.Loss, net.Accuracy, net.OutputSize, data, options, onEpoch, onStep);
    }

    private static TrainingHistory Run<T>(
        Dictionary<string, Matrix<T>> parameters,
        Func<Matrix<T>, Matrix<T>, Dictionary<string, Matrix<T>>> gradient,
        Func<Matrix<T>, Matrix<T>, T> lossOf,
        Func<Matrix<T>, Matrix<T>, double> accuracy,
        int classes, Dataset<T> data, TrainingOptions options,
        Action<EpochResult>? onEpoch, Action<int, double>? onStep)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var ((xTrain, tTrain), (xTest, tTest)) = data;
        int trainSize = xTrain.RowCount;
        options.Validate(trainSize);
        int perEpoch = options.IterationsPerEpoch(trainSize);
        var rng = options.Seed is int s ? new Random(s) : new Random();
        var history = new TrainingHistory();
        var clock = Stopwatch.StartNew();
        T lr = T.CreateChecked(options.LearningRate);
        var batchMask = new int[options.BatchSize];
        // MathNet stores a matrix column by column, so one image's 784 pixels lie train_size numbers apart and
        // xTrain.SelectRows(batchMask) would gather 78,400 scattered numbers per batch. Stored transposed, one image per
        // column, each image of the batch is one contiguous read (same numbers, same batch).
        var imagesByColumn = xTrain.TransposeTiled();          // (784, train_size)

        for (int i = 0; i < options.Iterations; i++)
        {
            for (int k = 0; k < batchMask.Length; k++) batchMask[k] = rng.Next(trainSize);
            var xBatch = imagesByColumn.SelectColumnsAsRows(batchMask);   // x_train[batch_mask], (batch, 784)
            var tBatch = tTrain.SelectRows(batchMask);                     // t_train[batch_mask], (batch, 10)

            var grads = gradient(xBatch, tBatch);
            Sgd.Update(parameters, grads, lr);

            double loss = double.CreateChecked(lossOf(xBatch, tBatch));
            history.TrainLoss.Add(loss);
            CheckDivergence(history.TrainLoss, classes, options.LearningRate);
            onStep?.Invoke(i, loss);

            if (i % perEpoch == 0)
            {
                var result = new EpochResult(history.Epochs.Count, i, accuracy(xTrain, tTrain), accuracy(xTest, tTest), clock.Elapsed);
                history.Epochs.Add(result);
                onEpoch?.Invoke(result);
            }
        }
        history.Elapsed = clock.Elapsed;
        return history;
    }

    /// <summary>How many recent steps the divergence check averages.</summary>
    public const int DivergenceWindow = 20;

    /// <summary>
    /// Throws when the latest loss is NaN or infinite, or when the last <see cref="DivergenceWindow"/> losses average more than
    /// 2·ln(classes): a network that guessed uniformly would score ln(classes), so this one is confidently wrong.
    /// (The cross-entropy's δ caps each loss at −ln δ ≈ 16, so a diverging float network rarely reaches NaN by itself.)
    /// </summary>
    public static void CheckDivergence(IReadOnlyList<double> losses, int classes, double learningRate)
    {
        int i = losses.Count - 1;
        double loss = losses[i];
        if (!double.IsFinite(loss)) throw new TrainingDivergedException(i, loss, learningRate, $"the loss is {loss}");
        if (losses.Count < DivergenceWindow) return;
        double mean = 0;
        for (int k = losses.Count - DivergenceWindow; k < losses.Count; k++) mean += losses[k];
        mean /= DivergenceWindow;
        double limit = 2 * Math.Log(classes);
        if (mean > limit)
            throw new TrainingDivergedException(i, loss, learningRate,
                $"the loss averaged {mean:0.00} over the last {DivergenceWindow} steps, worse than guessing (ln {classes} = {Math.Log(classes):0.00})");
    }
}
