using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

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
    public static SparseSplit From(Matrix<float> x, Matrix<float> t, int classes)
    {
        if (t.RowCount != x.RowCount) throw new ArgumentException($"x has {x.RowCount} rows but t has {t.RowCount}.", nameof(t));
        var labels = new int[t.RowCount];
        float[] data = t.Storage is DenseColumnMajorMatrixStorage<float> d ? d.Data : t.ToColumnMajorArray();
        int n = t.RowCount;
        if (t.ColumnCount == 1 && classes != 1)
        {
            for (int r = 0; r < n; r++)
            {
                float v = data[r];
                if (v < 0 || v >= classes || v != MathF.Floor(v)) throw new NotSupportedException($"Label {v} in row {r} is not a class index 0..{classes - 1}.");
                labels[r] = (int)v;
            }
        }
        else if (t.ColumnCount == classes)
        {
            var ones = new int[n];
            for (int c = 0; c < classes; c++)
                for (int r = 0; r < n; r++)
                {
                    float v = data[c * n + r];
                    if (v == 1f) { labels[r] = c; ones[r]++; }
                    else if (v != 0f) throw new NotSupportedException($"The fast path needs one-hot answers; t[{r}, {c}] = {v}.");
                }
            for (int r = 0; r < n; r++)
                if (ones[r] != 1) throw new NotSupportedException($"The fast path needs one-hot answers; row {r} of t has {ones[r]} ones.");
        }
        else throw new ArgumentException($"t must be one-hot ({n}, {classes}) or labels ({n}, 1); got {t.Shape()}.", nameof(t));
        return new SparseSplit(SparseRows.FromMatrix(x), labels);
    }
}
