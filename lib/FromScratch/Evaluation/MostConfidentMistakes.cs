using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Evaluation;

/// <summary>
/// The examples a network got wrong while being most sure of itself: the wrong answers with the highest predicted probability.
/// Often they are badly written digits or wrong labels, sometimes a real weakness of the network.
/// </summary>
public static class MostConfidentMistakes
{
    /// <summary>
    /// The <paramref name="count"/> wrong predictions with the highest probability, most confident first (ties by index).
    /// </summary>
    /// <param name="probabilities">The network's output <c>net.Predict(x)</c>, shape (examples, classes), rows summing to 1.</param>
    /// <param name="labels">The answer of each example (e.g. <c>data.Test.Labels</c>).</param>
    /// <param name="count">How many to return at most.</param>
    /// <param name="classNames">A name for each class; "0", "1", … when omitted.</param>
    /// <example><code>foreach (var m in MostConfidentMistakes.Find(net.Predict(xTest), data.Test.Labels, 12)) show(data.Test.Image(m.Index), m.ToString());</code></example>
    public static IReadOnlyList<Mistake> Find<T>(Matrix<T> probabilities, IReadOnlyList<byte> labels, int count = 10, IReadOnlyList<string>? classNames = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Find(probabilities, labels.Select(l => (int)l).ToArray(), count, classNames);
    }

    /// <inheritdoc cref="Find{T}(Matrix{T}, IReadOnlyList{byte}, int, IReadOnlyList{string}?)"/>
    public static IReadOnlyList<Mistake> Find<T>(Matrix<T> probabilities, IReadOnlyList<int> labels, int count = 10, IReadOnlyList<string>? classNames = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be ≥ 0; got {count}.");
        if (labels.Count != probabilities.RowCount)
            throw new ArgumentException($"MostConfidentMistakes: {labels.Count} labels for {probabilities.RowCount} output rows {probabilities.Shape()}; they must pair up.", nameof(labels));
        int classes = probabilities.ColumnCount;
        var names = ConfusionMatrix.Names(classNames, classes);
        var predicted = probabilities.ArgMaxRows();

        var wrong = new List<(int Index, double Confidence)>();
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"MostConfidentMistakes: label {labels[i]} at index {i} is outside 0..{classes - 1}.");
            if (predicted[i] != labels[i]) wrong.Add((i, double.CreateChecked(probabilities[i, predicted[i]])));
        }
        return wrong
            .OrderByDescending(w => w.Confidence).ThenBy(w => w.Index)
            .Take(count)
            .Select(w =>
            {
                var row = new double[classes];
                for (int c = 0; c < classes; c++) row[c] = double.CreateChecked(probabilities[w.Index, c]);
                int a = labels[w.Index], p = predicted[w.Index];
                return new Mistake(w.Index, a, p, names[a], names[p], w.Confidence, row);
            })
            .ToArray();
    }
}
