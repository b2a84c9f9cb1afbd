using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Evaluation;

/// <summary>
/// The confusion matrix (혼동 행렬) of a classifier: entry [actual, predicted] counts the examples of class <c>actual</c>
/// that were predicted as <c>predicted</c>. The diagonal holds the correct answers.
/// </summary>
/// <example><code>
/// var cm = ConfusionMatrix.FromPredictions(net.Predict(xTest), data.Test.Labels, data.ClassNames);
/// cm.PerClass;          // accuracy of each class
/// cm.MostConfused(5);   // e.g. 4 → 9: 31 (3.2% of 4)
/// </code></example>
public sealed class ConfusionMatrix
{
    private readonly int[,] counts;

    /// <param name="actual">The answer of each example, 0..classCount−1.</param>
    /// <param name="predicted">The network's answer of each example, 0..classCount−1, in the same order.</param>
    /// <param name="classCount">How many classes; 10 for MNIST.</param>
    /// <param name="classNames">A name for each class; "0", "1", … when omitted.</param>
    public ConfusionMatrix(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (classCount < 1) throw new ArgumentOutOfRangeException(nameof(classCount), $"classCount must be at least 1; got {classCount}.");
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"ConfusionMatrix: {actual.Count} actual labels but {predicted.Count} predicted ones; they must pair up.", nameof(predicted));
        ClassNames = Names(classNames, classCount);
        counts = new int[classCount, classCount];
        for (int i = 0; i < actual.Count; i++)
        {
            int a = actual[i], p = predicted[i];
            if ((uint)a >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(actual), $"ConfusionMatrix: actual label {a} at index {i} is outside 0..{classCount - 1}.");
            if ((uint)p >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(predicted), $"ConfusionMatrix: predicted label {p} at index {i} is outside 0..{classCount - 1}.");
            counts[a, p]++;
        }
        Total = actual.Count;
        for (int c = 0; c < classCount; c++) Correct += counts[c, c];
    }

    /// <summary>
    /// The confusion matrix of a network's output rows <paramref name="y"/> (batch, classes) — probabilities or scores; the
    /// prediction is the largest of each row — against the answers <paramref name="labels"/> (e.g. <c>data.Test.Labels</c>).
    /// </summary>
    public static ConfusionMatrix FromPredictions<T>(Matrix<T> y, IReadOnlyList<byte> labels, IReadOnlyList<string>? classNames = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != y.RowCount)
            throw new ArgumentException($"ConfusionMatrix: {labels.Count} labels for {y.RowCount} output rows {y.Shape()}; they must pair up.", nameof(labels));
        return new ConfusionMatrix(labels.Select(l => (int)l).ToArray(), y.ArgMaxRows(), y.ColumnCount, classNames);
    }

    /// <summary>How many classes.</summary>
    public int ClassCount => counts.GetLength(0);

    /// <summary>The name of each class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>How many examples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => counts[actual, predicted];

    /// <summary>How many examples in all.</summary>
    public int Total { get; }

    /// <summary>How many were predicted right (the diagonal).</summary>
    public int Correct { get; }

    /// <summary>Correct / Total: the same number as the network's accuracy on these examples.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>A copy of the counts, [actual, predicted].</summary>
    public int[,] ToArray() => (int[,])counts.Clone();

    /// <summary>Each row divided by its sum: [actual, predicted] is the fraction of class <c>actual</c> predicted as <c>predicted</c> (0 for an empty row). Good for a heatmap.</summary>
    public double[,] RowFractions()
    {
        int n = ClassCount;
        var result = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            int rowTotal = 0;
            for (int p = 0; p < n; p++) rowTotal += counts[a, p];
            if (rowTotal > 0)
                for (int p = 0; p < n; p++) result[a, p] = (double)counts[a, p] / rowTotal;
        }
        return result;
    }

    /// <summary>The accuracy of each class (its diagonal entry over its row), in class order.</summary>
    public IReadOnlyList<ClassAccuracy> PerClass =>
        Enumerable.Range(0, ClassCount)
            .Select(a => new ClassAccuracy(a, ClassNames[a], counts[a, a], Enumerable.Range(0, ClassCount).Sum(p => counts[a, p])))
            .ToArray();

    /// <summary>
    /// The off-diagonal entries with the largest counts — the mistakes the network makes most — largest first
    /// (ties by actual, then predicted class). Pairs that never happened are left out.
    /// </summary>
    public IReadOnlyList<ConfusedPair> MostConfused(int count = 5)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be ≥ 0; got {count}.");
        var perClass = PerClass;
        var pairs = new List<ConfusedPair>();
        for (int a = 0; a < ClassCount; a++)
            for (int p = 0; p < ClassCount; p++)
                if (a != p && counts[a, p] > 0)
                    pairs.Add(new ConfusedPair(a, p, ClassNames[a], ClassNames[p], counts[a, p], (double)counts[a, p] / perClass[a].Total));
        return pairs.OrderByDescending(x => x.Count).ThenBy(x => x.Actual).ThenBy(x => x.Predicted).Take(count).ToArray();
    }

    /// <summary>The matrix as a text table: a row per actual class, a column per predicted class, and each class's accuracy.</summary>
    public override string ToString()
    {
        int n = ClassCount;
        int width = Math.Max(ClassNames.Max(s => s.Length), Total.ToString().Length) + 1;
        int labelWidth = Math.Max(ClassNames.Max(s => s.Length), "actual".Length);
        var sb = new StringBuilder();
        sb.Append("actual".PadRight(labelWidth)).Append(" \\ predicted").AppendLine();
        sb.Append(new string(' ', labelWidth));
        for (int p = 0; p < n; p++) sb.Append(ClassNames[p].PadLeft(width));
        sb.AppendLine("  accuracy");
        var perClass = PerClass;
        for (int a = 0; a < n; a++)
        {
            sb.Append(ClassNames[a].PadRight(labelWidth));
            for (int p = 0; p < n; p++) sb.Append(counts[a, p].ToString().PadLeft(width));
            sb.Append("  ").AppendLine(double.IsNaN(perClass[a].Accuracy) ? "-" : perClass[a].Accuracy.ToString("0.0000"));
        }
        sb.Append($"accuracy {Accuracy:0.0000} ({Correct}/{Total})");
        return sb.ToString();
    }

    internal static IReadOnlyList<string> Names(IReadOnlyList<string>? classNames, int classCount)
    {
        if (classNames is null) return Enumerable.Range(0, classCount).Select(i => i.ToString()).ToArray();
        if (classNames.Count != classCount)
            throw new ArgumentException($"{classNames.Count} class names for {classCount} classes; give one name per class.", nameof(classNames));
        return classNames.ToArray();
    }
}
