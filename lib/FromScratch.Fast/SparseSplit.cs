using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Fast;

/// <summary>One split for the fast path: the images as <see cref="SparseRows"/> and the answers as class indices.</summary>
internal sealed class SparseSplit
{
    /// <summary>The inputs, one row per example.</summary>
    public SparseRows X { get; }
    /// <summary>The class of each example, 0..classes−1.</summary>
    public int[] Labels { get; }
    /// <summary>How many examples.</summary>
    public int Count => X.RowCount;

    /// <summary>Pairs inputs and labels.</summary>
    public SparseSplit(SparseRows x, int[] labels)
    {
        if (labels.Length != x.RowCount) throw new ArgumentException($"{x.RowCount} rows but {labels.Length} labels.", nameof(labels));
        (X, Labels) = (x, labels);
    }

    /// <summary>
    /// Converts a (x, t) split. <paramref name="t"/> must be exactly one-hot (batch, classes), or one column of labels:
    /// the fast path computes y − t from the label alone.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="t"/> is neither (the readable path's rule, <c>Shapes.AnswerIndices</c>).</exception>
    public static SparseSplit From(Matrix<float> x, Matrix<float> t, int classes)
        => new(SparseRows.FromMatrix(x), Shapes.AnswerIndices(t, x, classes, "SparseSplit.From"));
}
