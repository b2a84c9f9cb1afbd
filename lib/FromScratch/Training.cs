using System.Globalization;
using System.Diagnostics;
using FromScratch.Data;
using FromScratch.Optimizers;
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
    /// <summary>
    /// Throws with the allowed range when a value is out of it, also for the network's number type <typeparamref name="T"/>:
    /// in float a learning rate of 1e39 would be ∞ and one of 1e-50 would be 0.
    /// </summary>
    internal void Validate<T>(int trainSize) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        Validate(trainSize);
        Shapes.PositiveIn<T>(LearningRate, nameof(LearningRate));
        Shapes.PositiveIn<T>(WeightInitStd, nameof(WeightInitStd));
    }

    /// <summary>Throws with the allowed range when a value is out of it.</summary>
    internal void Validate(int trainSize)
    {
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), $"Iterations must be at least 1; got {Iterations}.");
        if (BatchSize < 1 || BatchSize > trainSize)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be between 1 and the training set size {trainSize}; got {BatchSize}.");
        Shapes.PositiveIn<double>(LearningRate, nameof(LearningRate));
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), $"HiddenSize must be at least 1; got {HiddenSize}.");
        Shapes.PositiveIn<double>(WeightInitStd, nameof(WeightInitStd));
    }

    /// <summary>Iterations per epoch (에폭): the training set size over the batch size, 600 for MNIST with batch 100.</summary>
    internal int IterationsPerEpoch(int trainSize) => Math.Max(1, trainSize / BatchSize);
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
    /// <summary>The minibatch loss after every step (the tutorial's <c>train_loss_list</c>).</summary>
    public List<double> TrainLoss { get; } = [];
    /// <summary>The evaluations: one at iteration 0, then one at the start of every further epoch.</summary>
    public List<EpochResult> Epochs { get; } = [];
    /// <summary>The training accuracy of each evaluation (the tutorial's <c>train_acc_list</c>).</summary>
    public IEnumerable<double> TrainAccuracy => Epochs.Select(e => e.TrainAccuracy);
    /// <summary>The test accuracy of each evaluation (the tutorial's <c>test_acc_list</c>).</summary>
    public IEnumerable<double> TestAccuracy => Epochs.Select(e => e.TestAccuracy);
    /// <summary>The wall-clock time of the whole run.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>
    /// Which code trained: <c>"the readable Trainer.Train on TwoLayerNet&lt;float&gt;"</c> (the network's own Gradient and Loss,
    /// the code you can read and change), or the fast engine's own description.
    /// </summary>
    public string TrainedBy { get; internal set; } = "";
}

/// <summary>
/// Training diverged: the loss became NaN or infinite, or over the last steps it averaged worse than a uniform guess
/// (twice ln(classes)). Usually the learning rate is too large; when the loss was that bad before the first update, the
/// initial weights are.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Divergence blamed on the learning rate, the usual cause.</summary>
    public TrainingDivergedException(int iteration, double loss, double learningRate, string what)
        : this(iteration, loss, $"Training diverged at iteration {iteration}: {what}. The learning rate {learningRate} is probably too large; try a smaller one (the tutorial uses 0.1).") { }

    internal TrainingDivergedException(int iteration, double loss, string message) : base(message) => (Iteration, Loss) = (iteration, loss);

    /// <summary>The iteration (0-based step) at which divergence was detected.</summary>
    public int Iteration { get; }
    /// <summary>The loss at that step: NaN or infinite, or the latest of a window whose average was too high.</summary>
    public double Loss { get; }
}

/// <summary>The tutorial's training loop: minibatch (미니배치) → gradient → SGD update → loss, and accuracies every epoch.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="net"/> in place and returns what happened. Batches are drawn with replacement,
    /// like <c>np.random.choice(train_size, batch_size)</c>. Works for a <see cref="TwoLayerNet{T}"/> and for a
    /// <see cref="Layers.LayeredNet{T}"/> (for which <see cref="TrainingOptions.HiddenSize"/> and
    /// <see cref="TrainingOptions.WeightInitStd"/> are not used: the network is already built).
    /// </summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="data">Training and test splits, labels one-hot.</param>
    /// <param name="options">Iterations, batch size, learning rate and seed.</param>
    /// <param name="onEpoch">Called after each evaluation (iteration 0, 600, 1200, … for MNIST).</param>
    /// <param name="onStep">Called after each step with the iteration and the batch loss.</param>
    /// <exception cref="ArgumentException">The data does not fit the network, or has non-finite inputs or answers that are not one-hot.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite, or stayed worse than guessing.</exception>
    public static TrainingHistory Train<T>(INetwork<T> net, Dataset<T> data, TrainingOptions options,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate<T>(data.Train.X.RowCount);   // the learning rate's own message before the optimizer's
        return Train(net, data, options, new Sgd<T>(options.LearningRate), onEpoch, onStep);
    }

    /// <summary>
    /// <see cref="Train{T}(INetwork{T}, Dataset{T}, TrainingOptions, Action{EpochResult}?, Action{int, double}?)"/> with another
    /// optimizer than SGD (<see cref="Momentum{T}"/>, <see cref="AdaGrad{T}"/>, <see cref="Adam{T}"/>, …): each step is
    /// <c>optimizer.Update(net.Params, grads)</c>, and the optimizer's own learning rate is used instead of
    /// <see cref="TrainingOptions.LearningRate"/>. The optimizer keeps its state, so give each network its own. The fast path
    /// (<see cref="Fast.FastTrainer"/>) is SGD only; this readable loop is the one that takes an optimizer.
    /// </summary>
    /// <param name="net">The network; its parameters are updated in place.</param>
    /// <param name="data">Training and test splits, labels one-hot.</param>
    /// <param name="options">Iterations, batch size and seed.</param>
    /// <param name="optimizer">The update rule and its state.</param>
    /// <param name="onEpoch">Called after each evaluation.</param>
    /// <param name="onStep">Called after each step with the iteration and the batch loss.</param>
    /// <param name="evaluationSamples">
    /// The per-epoch accuracies on only the first this many rows of the training and the test set (the book's
    /// <c>evaluate_sample_num_per_epoch</c>), to save time in long comparisons; every row when null.
    /// </param>
    public static TrainingHistory Train<T>(INetwork<T> net, Dataset<T> data, TrainingOptions options, IOptimizer<T> optimizer,
        Action<EpochResult>? onEpoch = null, Action<int, double>? onStep = null, int? evaluationSamples = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(optimizer);
        var clock = Stopwatch.StartNew();
        var ((xTrain, tTrain), (xTest, tTest)) = data;
        options.Validate<T>(xTrain.RowCount);
        RequireData(data, net.InputSize, net.OutputSize, net.Params);
        if (evaluationSamples is < 1)
            throw new ArgumentOutOfRangeException(nameof(evaluationSamples), $"evaluationSamples must be at least 1 (or null for every row); got {evaluationSamples}.");
        Matrix<T> First(Matrix<T> m) => evaluationSamples is int n && n < m.RowCount ? m.SubMatrix(0, n, 0, m.ColumnCount) : m;
        var (xTrainEval, tTrainEval, xTestEval, tTestEval) = (First(xTrain), First(tTrain), First(xTest), First(tTest));

        var xBatch = xTrain.SubMatrix(0, options.BatchSize, 0, xTrain.ColumnCount);   // (batch, 784), refilled in place every step
        var tBatch = tTrain.SubMatrix(0, options.BatchSize, 0, tTrain.ColumnCount);   // (batch, 10); first the first rows
        var history = Loop(options with { LearningRate = optimizer.LearningRate }, xTrain.RowCount, net.OutputSize, clock, onEpoch, onStep,
            step: batchMask =>
            {
                xTrain.SelectRows(batchMask, into: xBatch);   // x_train[batch_mask]
                tTrain.SelectRows(batchMask, into: tBatch);   // t_train[batch_mask]
                var grads = net.Gradient(xBatch, tBatch);
                optimizer.Update(net.Params, grads);
                return double.CreateChecked(net.Loss(xBatch, tBatch));
            },
            evaluate: () => (net.Accuracy(xTrainEval, tTrainEval), net.Accuracy(xTestEval, tTestEval)),
            // weight decay's ½λΣW² is in the loss but says nothing about guessing: the divergence check leaves it out
            penalty: net is Layers.MultiLayerNet<T> { WeightDecayLambda: > 0 } multi ? () => double.CreateChecked(multi.WeightDecayLoss()) : null,
            lossBeforeTraining: () => double.CreateChecked(net.Loss(xBatch, tBatch)),   // the first rows of the training set
            initialWeights: net is TwoLayerNet<T> ? DrawnWith(options) : null);
        history.TrainedBy = $"the readable Trainer.Train on {Describe(net)}";
        return history;
    }

    /// <summary>
    /// The divergence of a training whose loss <paramref name="before"/> the first update was already worse than guessing: the
    /// initial weights are to blame, not the learning rate. <paramref name="initialWeights"/> says how they were drawn.
    /// </summary>
    internal static TrainingDivergedException HopelessStart(int iteration, double loss, double before, int classes, string? initialWeights)
    {
        string fix = initialWeights ?? "build the network with a smaller init std";
        return new TrainingDivergedException(iteration, loss, string.Create(CultureInfo.InvariantCulture,
            $"Training diverged at iteration {iteration}: the loss was already {before:0.00} before the first update, worse than guessing " +
            $"(ln {classes} = {Math.Log(classes):0.00}), so the initial weights are out of range, not the learning rate: {fix}."));
    }

    /// <summary>How a <see cref="TwoLayerNet{T}"/>'s initial weights were drawn, for the divergence message.</summary>
    internal static string DrawnWith(TrainingOptions options)
        => string.Create(CultureInfo.InvariantCulture, $"they were drawn with std {options.WeightInitStd:R} (the tutorial uses 0.01)");

    /// <summary>A network's type as C# spells it: <c>TwoLayerNet&lt;float&gt;</c>.</summary>
    internal static string Describe<T>(INetwork<T> net) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => $"{net.GetType().Name.Split('`')[0]}<{Sizes.TypeName<T>()}>";

    /// <summary>
    /// The loop both trainers share (this one and the fast engine's <c>FastTrainer</c>): one batch sampler, so the same seed gives the
    /// same batches on either path; the loss of every step into the history with the divergence check; an evaluation at
    /// iteration 0 and after every epoch. <paramref name="step"/> trains on one batch (row indices into the training set) and returns
    /// the batch loss after the update; <paramref name="evaluate"/> returns the training and test accuracy.
    /// </summary>
    /// <remarks>
    /// <paramref name="penalty"/>, when given, is the part of each step's loss that is not the data's (weight decay): the divergence
    /// check compares the loss without it with guessing, while the history records the whole loss.
    /// </remarks>
    internal static TrainingHistory Loop(TrainingOptions options, int trainSize, int classes, Stopwatch clock,
        Action<EpochResult>? onEpoch, Action<int, double>? onStep, Func<int[], double> step, Func<(double Train, double Test)> evaluate,
        Func<double>? penalty = null, Func<double>? lossBeforeTraining = null, string? initialWeights = null)
    {
        var dataLoss = penalty is null ? null : new List<double>();
        int perEpoch = options.IterationsPerEpoch(trainSize);
        var batches = new BatchSampler(trainSize, options.BatchSize, options.Seed);
        var history = new TrainingHistory();
        double before = (lossBeforeTraining?.Invoke() ?? 0) - (penalty?.Invoke() ?? 0);   // the initial weights' loss, before any update
        for (int i = 0; i < options.Iterations; i++)
        {
            double loss = step(batches.Next());
            history.TrainLoss.Add(loss);
            try
            {
                if (dataLoss is null) CheckDivergence(history.TrainLoss, classes, options.LearningRate);
                else
                {
                    dataLoss.Add(loss - penalty!());
                    CheckDivergence(dataLoss, classes, options.LearningRate);
                }
            }
            catch (TrainingDivergedException e) when (!(before <= 2 * Math.Log(classes)))
            {   // hopeless before the first step: no learning rate is to blame
                throw HopelessStart(i, e.Loss, before, classes, initialWeights);
            }
            onStep?.Invoke(i, loss);

            if (i % perEpoch == 0)
            {
                var (train, test) = evaluate();
                var result = new EpochResult(history.Epochs.Count, i, train, test, clock.Elapsed);
                history.Epochs.Add(result);
                onEpoch?.Invoke(result);
            }
        }
        history.Elapsed = clock.Elapsed;
        return history;
    }

    /// <summary>
    /// The checks both trainers make before the first step: x has the network's input columns and only finite numbers, t is
    /// one-hot or labels for the network's classes, and evaluating the whole training set fits in memory. With
    /// <paramref name="checkFinite"/> false the caller checks the numbers itself (the fast path does, while converting them).
    /// </summary>
    internal static void RequireData<T>(Dataset<T> data, int inputSize, int classes, IReadOnlyDictionary<string, Matrix<T>> parameters,
        bool checkFinite = true)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        const string Where = "Train";
        foreach (var (split, x, t) in new[] { ("train", data.Train.X, data.Train.T), ("test", data.Test.X, data.Test.T) })
        {
            Network.RequireInput(x, inputSize, parameters, Where, $"x_{split}");
            Shapes.AnswerIndices(t, x, classes, Where, $"t_{split}", $"x_{split}");
            if (checkFinite) Shapes.RequireFinite(x, $"x_{split}", Where);
        }
    }

    /// <summary>How many recent steps the divergence check averages.</summary>
    internal const int DivergenceWindow = 20;

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

/// <summary>
/// The minibatch draw (미니배치), numpy's <c>np.random.choice(train_size, batch_size)</c>: <c>batch_size</c> row indices drawn with
/// replacement from one seeded <see cref="Random"/>. The same seed gives the same batches.
/// </summary>
internal sealed class BatchSampler(int trainSize, int batchSize, int? seed)
{
    private readonly Random rng = seed is int s ? new Random(s) : new Random();
    private readonly int[] batchMask = new int[batchSize];

    /// <summary>The next batch. The array is reused: it is overwritten by the next call.</summary>
    public int[] Next()
    {
        for (int k = 0; k < batchMask.Length; k++) batchMask[k] = rng.Next(trainSize);
        return batchMask;
    }
}
