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
        var y = a.Clone();
        SoftmaxRowsInPlace(y);
        return y;
    }

    /// <summary>Row-wise softmax that overwrites <paramref name="a"/>.</summary>
    internal static void SoftmaxRowsInPlace<T>(Matrix<T> a) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        int n = a.RowCount, classes = a.ColumnCount;
        if (a.Storage is MathNet.Numerics.LinearAlgebra.Storage.DenseColumnMajorMatrixStorage<T> dense)
        {
            // the same steps on MathNet's column-major array, column by column so that memory is read in order:
            // element (r, c) is data[c * n + r]
            var data = dense.Data;
            var max = data.AsSpan(0, n).ToArray();
            for (int c = 1; c < classes; c++)
            {
                var column = data.AsSpan(c * n, n);
                for (int r = 0; r < n; r++) max[r] = T.Max(max[r], column[r]);
            }
            var sum = new T[n];
            for (int c = 0; c < classes; c++)
            {
                var column = data.AsSpan(c * n, n);
                for (int r = 0; r < n; r++) { var e = T.Exp(column[r] - max[r]); column[r] = e; sum[r] += e; }
            }
            for (int c = 0; c < classes; c++)
            {
                var column = data.AsSpan(c * n, n);
                for (int r = 0; r < n; r++) column[r] /= sum[r];
            }
            return;
        }
        for (int r = 0; r < n; r++)
        {
            T max = a[r, 0];
            for (int c = 1; c < classes; c++) max = T.Max(max, a[r, c]);
            T sum = T.Zero;
            for (int c = 0; c < classes; c++) { var e = T.Exp(a[r, c] - max); a[r, c] = e; sum += e; }
            for (int c = 0; c < classes; c++) a[r, c] /= sum;
        }
    }
}
