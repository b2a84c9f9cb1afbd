using System.Globalization;
using FromScratch.Data;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>One trial of a <see cref="HyperparameterSearch.RandomSearch"/>: the values it drew and the accuracies per epoch it reached.</summary>
/// <param name="Number">1, 2, … in the order the trials ran.</param>
/// <param name="LearningRate">η, drawn as 10^U(−6, −2) by default.</param>
/// <param name="WeightDecay">λ, drawn as 10^U(−8, −4) by default.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation data (검증 데이터) after each epoch.</param>
/// <param name="TrainAccuracy">The accuracy on the training data after each epoch.</param>
public sealed record SearchTrial(int Number, double LearningRate, double WeightDecay, IReadOnlyList<double> ValidationAccuracy, IReadOnlyList<double> TrainAccuracy)
{
    /// <summary>The last validation accuracy: what the search ranks by (NaN when there is none).</summary>
    public double FinalValidationAccuracy => ValidationAccuracy.Count > 0 ? ValidationAccuracy[^1] : double.NaN;

    /// <summary>The book's line: "val acc:0.79 | lr:0.0061, weight decay:3.2e-07".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"val acc:{FinalValidationAccuracy:0.00} | lr:{LearningRate:0.####e+0}, weight decay:{WeightDecay:0.####e+0}");
}

/// <summary>What a random search found: its trials, best first.</summary>
public sealed record SearchResult(IReadOnlyList<SearchTrial> Ranked)
{
    /// <summary>The <paramref name="count"/> trials with the highest final validation accuracy.</summary>
    public IReadOnlyList<SearchTrial> Best(int count) => [.. Ranked.Take(count)];

    /// <summary>
    /// The narrowed ranges (the book's next step): the smallest and largest exponent, log₁₀, of the learning rate and of the weight
    /// decay among the best <paramref name="count"/> trials.
    /// </summary>
    public (double LearningRateFrom, double LearningRateTo, double WeightDecayFrom, double WeightDecayTo) Range(int count)
    {
        var best = Best(count);
        if (best.Count == 0) throw new InvalidOperationException("The search has no trials to narrow the ranges from.");
        return (best.Min(t => Math.Log10(t.LearningRate)), best.Max(t => Math.Log10(t.LearningRate)),
                best.Min(t => Math.Log10(t.WeightDecay)), best.Max(t => Math.Log10(t.WeightDecay)));
    }
}

/// <summary>
/// Hyperparameter search (하이퍼파라미터 최적화) as the book does it: hold out part of the training data as validation data (never the
/// test data, which would then be fitted too), draw hyperparameters at random on a log scale, train briefly with each, and keep the
/// ranges where the best trials lie.
/// </summary>
public static class HyperparameterSearch
{
    /// <summary>The first <paramref name="count"/> examples of <paramref name="split"/> (the book's <c>x_train[:500]</c>).</summary>
    public static DataSplit<T> Take<T>(DataSplit<T> split, int count) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(split);
        if (count < 1 || count > split.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be between 1 and the split's {split.Count} examples; got {count}.");
        return Rows(split, [.. Enumerable.Range(0, count)]);
    }

    /// <summary>
    /// Shuffles <paramref name="split"/> with <paramref name="seed"/> and holds out the first <paramref name="validationRate"/> of it as
    /// validation data, the rest for training: 500 images at 0.2 give 400 to train on and 100 to validate with.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not in (0, 1), or leaves one side empty.</exception>
    public static (DataSplit<T> Train, DataSplit<T> Validation) SplitValidation<T>(DataSplit<T> split, double validationRate = 0.2, int? seed = null)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(split);
        if (!double.IsFinite(validationRate) || validationRate <= 0 || validationRate >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationRate), $"validationRate must be between 0 and 1 (0.2 holds out 20 %); got {validationRate}.");
        int validation = (int)(split.Count * validationRate);
        if (validation < 1 || validation >= split.Count)
            throw new ArgumentOutOfRangeException(nameof(validationRate),
                $"validationRate {validationRate} of {split.Count} examples leaves {validation} for validation and {split.Count - validation} for training; both need at least 1.");
        var order = Enumerable.Range(0, split.Count).ToArray();
        (seed is int s ? new Random(s) : new Random()).Shuffle(order);   // the book's shuffle_dataset
        return (Rows(split, order[validation..]), Rows(split, order[..validation]));
    }

    /// <summary>
    /// <paramref name="trials"/> random trials: each draws η = 10^U(<paramref name="learningRateExponents"/>) and
    /// λ = 10^U(<paramref name="weightDecayExponents"/>), calls <paramref name="train"/>(η, λ), which trains a fresh network and returns
    /// its validation and training accuracy per epoch, and reports the trial to <paramref name="onTrial"/>. Returns the trials ranked by
    /// their final validation accuracy, best first.
    /// </summary>
    public static SearchResult RandomSearch(int trials,
        Func<double, double, (IReadOnlyList<double> Validation, IReadOnlyList<double> Train)> train, int? seed = null,
        (double From, double To)? learningRateExponents = null, (double From, double To)? weightDecayExponents = null,
        Action<SearchTrial>? onTrial = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), $"trials must be at least 1; got {trials}.");
        var lr = Exponents(learningRateExponents ?? (-6, -2), nameof(learningRateExponents));
        var wd = Exponents(weightDecayExponents ?? (-8, -4), nameof(weightDecayExponents));
        var rng = seed is int s ? new Random(s) : new Random();
        var done = new List<SearchTrial>();
        for (int i = 1; i <= trials; i++)
        {
            double weightDecay = Math.Pow(10, wd.From + (wd.To - wd.From) * rng.NextDouble());   // the book draws λ first, then η
            double learningRate = Math.Pow(10, lr.From + (lr.To - lr.From) * rng.NextDouble());
            var (validation, trainAccuracy) = train(learningRate, weightDecay);
            var trial = new SearchTrial(i, learningRate, weightDecay, validation, trainAccuracy);
            done.Add(trial);
            onTrial?.Invoke(trial);
        }
        // best first; a trial that ended in NaN ranks last
        return new SearchResult([.. done.OrderByDescending(t => double.IsNaN(t.FinalValidationAccuracy) ? double.NegativeInfinity : t.FinalValidationAccuracy)
                                        .ThenBy(t => t.Number)]);
    }

    private static (double From, double To) Exponents((double From, double To) range, string name) =>
        double.IsFinite(range.From) && double.IsFinite(range.To) && range.From < range.To ? range
        : throw new ArgumentOutOfRangeException(name, $"{name} must be two finite exponents, the first smaller; got ({range.From}, {range.To}).");

    /// <summary>The examples <paramref name="rows"/> of <paramref name="split"/>, in that order: inputs, answers, labels and raw images alike.</summary>
    private static DataSplit<T> Rows<T>(DataSplit<T> split, int[] rows) where T : struct, IEquatable<T>, IFormattable
    {
        IdxImages? raw = null;
        if (split.RawImages is { } images)
        {
            int size = images.PixelsPerImage;
            var pixels = new byte[rows.Length * size];
            for (int i = 0; i < rows.Length; i++) Array.Copy(images.Pixels, rows[i] * size, pixels, i * size, size);
            raw = new IdxImages(rows.Length, images.Rows, images.Columns, pixels);
        }
        return new DataSplit<T>(split.X.SelectRows(rows), split.T.SelectRows(rows))
        {
            Labels = [.. rows.Select(r => split.Labels[r])],
            ImageShape = split.ImageShape,
            RawImages = raw!,
        };
    }
}
