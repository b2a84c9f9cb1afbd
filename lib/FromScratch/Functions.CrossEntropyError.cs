using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

public static partial class Functions
{
    /// <summary>The δ added inside the log so that log(0) never happens.</summary>
    public const double CrossEntropyDelta = 1e-7;

    /// <summary>
    /// Cross-entropy error (교차 엔트로피 오차) of a batch: −Σ t·log(y + δ) / batch.
    /// </summary>
    /// <param name="y">Predicted probabilities, shape (batch, classes).</param>
    /// <param name="t">One-hot answers, same shape as <paramref name="y"/>.</param>
    /// <param name="delta">The δ inside the log; 1e-7 as in the tutorial.</param>
    public static T CrossEntropyError<T>(Matrix<T> y, Matrix<T> t, double delta = CrossEntropyDelta) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        Shapes.RequireSame(y, t, nameof(y), nameof(t), "CrossEntropyError");
        if (y.RowCount == 0) throw new ArgumentException("CrossEntropyError needs a batch of at least one row; got 0 rows.", nameof(y));
        T d = T.CreateChecked(delta);
        T sum = T.Zero;
        for (int c = 0; c < y.ColumnCount; c++)
            for (int r = 0; r < y.RowCount; r++)
                sum += t[r, c] * T.Log(y[r, c] + d);
        return -sum / T.CreateChecked(y.RowCount);
    }

    /// <summary>Cross-entropy error of one example: the vector is treated as a batch of one.</summary>
    public static T CrossEntropyError<T>(Vector<T> y, Vector<T> t, double delta = CrossEntropyDelta) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => CrossEntropyError(y.ToRowMatrix(), t.ToRowMatrix(), delta);
}
