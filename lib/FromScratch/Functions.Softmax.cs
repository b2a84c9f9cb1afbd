using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

public static partial class Functions
{
    /// <summary>
    /// Softmax of a score vector: exp(aᵢ − max a) / Σ exp(aⱼ − max a).
    /// Subtracting the maximum does not change the result but keeps exp from overflowing (오버플로 대책).
    /// </summary>
    public static Vector<T> Softmax<T>(Vector<T> a) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (a.Count == 0) throw new ArgumentException("Softmax needs at least one element; got an empty vector.", nameof(a));
        T max = a.Maximum();
        var exp = a.Map(v => T.Exp(v - max));
        return exp / exp.Sum();
    }

    /// <summary>
    /// Softmax of every row of a (batch, classes) matrix; each row of the result sums to 1.
    /// </summary>
    public static Matrix<T> Softmax<T>(Matrix<T> a) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (a.ColumnCount == 0) throw new ArgumentException($"Softmax needs at least one column; got shape ({a.RowCount}, 0).", nameof(a));
        if (a.RowCount == 0) return Matrix<T>.Build.Dense(0, a.ColumnCount);
        return Matrix<T>.Build.DenseOfRowVectors(a.EnumerateRows().Select(Softmax));   // each row on its own, as above
    }
}
