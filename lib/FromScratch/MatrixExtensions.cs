using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>The few numpy idioms the tutorial uses that MathNet spells differently.</summary>
public static class MatrixExtensions
{
    /// <summary>
    /// The rows at <paramref name="indices"/>, in that order, as a new matrix: numpy's <c>x[batch_mask]</c>.
    /// </summary>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        var result = Matrix<T>.Build.Dense(indices.Count, m.ColumnCount);
        for (int i = 0; i < indices.Count; i++)
        {
            int r = indices[i];
            if ((uint)r >= (uint)m.RowCount)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Row index {r} is outside a matrix of shape {m.Shape()}.");
        }
        for (int c = 0; c < m.ColumnCount; c++)
            for (int i = 0; i < indices.Count; i++)
                result[i, c] = m[indices[i], c];
        return result;
    }

    /// <summary>The index of the largest value in each row: numpy's <c>np.argmax(x, axis=1)</c>.</summary>
    public static int[] ArgMaxRows<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable, IComparable<T>
    {
        var result = new int[m.RowCount];
        var best = new T[m.RowCount];
        for (int r = 0; r < m.RowCount; r++) best[r] = m[r, 0];
        for (int c = 1; c < m.ColumnCount; c++)
            for (int r = 0; r < m.RowCount; r++)
            {
                T v = m[r, c];
                if (v.CompareTo(best[r]) > 0) { best[r] = v; result[r] = c; }
            }
        return result;
    }

    /// <summary>Adds the (1, n) row <paramref name="row"/> to every row of <paramref name="m"/> in place (numpy broadcasting).</summary>
    public static void AddRowInPlace<T>(this Matrix<T> m, Matrix<T> row) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (row.RowCount != 1 || row.ColumnCount != m.ColumnCount)
            throw new ArgumentException($"Cannot broadcast a bias of shape {row.Shape()} over a matrix of shape {m.Shape()}; expected (1, {m.ColumnCount}).", nameof(row));
        for (int c = 0; c < m.ColumnCount; c++)
        {
            T b = row[0, c];
            for (int r = 0; r < m.RowCount; r++) m[r, c] += b;
        }
    }

    /// <summary>The sum of each column as a (1, n) row: numpy's <c>np.sum(x, axis=0)</c>.</summary>
    public static Matrix<T> SumRows<T>(this Matrix<T> m) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => Matrix<T>.Build.DenseOfRowVectors(m.ColumnSums());
}
