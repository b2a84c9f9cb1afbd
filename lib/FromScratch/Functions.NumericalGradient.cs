using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

public static partial class Functions
{
    /// <summary>The step h of the central difference.</summary>
    public const double NumericalGradientH = 1e-4;

    /// <summary>
    /// Numerical gradient (수치 미분) of <paramref name="f"/> at <paramref name="x"/>:
    /// for every element, (f(x + h) − f(x − h)) / 2h with h = 1e-4.
    /// Each element of <paramref name="x"/> is changed in place while f is evaluated and then restored,
    /// so f may read <paramref name="x"/> (or ignore its argument and read state that aliases it).
    /// Use double: float central differences at h = 1e-4 lose most of their digits.
    /// </summary>
    /// <returns>A matrix of the same shape as <paramref name="x"/>.</returns>
    public static Matrix<T> NumericalGradient<T>(Func<Matrix<T>, T> f, Matrix<T> x) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        T h = T.CreateChecked(NumericalGradientH);
        var grad = Matrix<T>.Build.Dense(x.RowCount, x.ColumnCount);
        for (int c = 0; c < x.ColumnCount; c++)
        {
            for (int r = 0; r < x.RowCount; r++)
            {
                T saved = x[r, c];
                x[r, c] = saved + h;
                T fxh1 = f(x);          // f(x + h)
                x[r, c] = saved - h;
                T fxh2 = f(x);          // f(x − h)
                x[r, c] = saved;        // restore
                grad[r, c] = (fxh1 - fxh2) / (h + h);
            }
        }
        return grad;
    }

    /// <summary>Numerical gradient of a function of a vector, e.g. f(x0, x1) = x0² + x1².</summary>
    public static Vector<T> NumericalGradient<T>(Func<Vector<T>, T> f, Vector<T> x) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        T h = T.CreateChecked(NumericalGradientH);
        var grad = Vector<T>.Build.Dense(x.Count);
        for (int i = 0; i < x.Count; i++)
        {
            T saved = x[i];
            x[i] = saved + h;
            T fxh1 = f(x);
            x[i] = saved - h;
            T fxh2 = f(x);
            x[i] = saved;
            grad[i] = (fxh1 - fxh2) / (h + h);
        }
        return grad;
    }
}
