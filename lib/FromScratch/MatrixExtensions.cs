using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>The few numpy idioms the tutorial uses that MathNet spells differently.</summary>
/// <remarks>
/// Each is a plain loop over MathNet's own operations, and each reads the matrix as it is now: change a matrix in place
/// (an element, a row, <c>MapInplace</c>, a <c>result:</c> argument) and the next call sees the change.
/// </remarks>
public static class MatrixExtensions
{
    /// <summary>The rows at <paramref name="indices"/>, in that order, as a new matrix: numpy's <c>x[batch_mask]</c>.</summary>
    /// <param name="m">The matrix to take rows from (a dataset's x or t).</param>
    /// <param name="indices">Row indices into <paramref name="m"/>, in the order wanted; repeats are allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="m"/>.</exception>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(indices);
        return m.SelectRows(indices, Matrix<T>.Build.Dense(indices.Count, m.ColumnCount));
    }

    /// <summary>
    /// <see cref="SelectRows{T}(Matrix{T}, IReadOnlyList{int})"/> into a matrix made once: the rows at <paramref name="indices"/>
    /// overwrite <paramref name="into"/>, which is returned. A training loop that draws ten thousand minibatches of the same size
    /// fills the same two matrices every step instead of making new ones.
    /// </summary>
    /// <param name="m">The matrix to take rows from (a dataset's x or t).</param>
    /// <param name="indices">Row indices into <paramref name="m"/>, in the order wanted; repeats are allowed.</param>
    /// <param name="into">A matrix of shape (<c>indices.Count</c>, <c>m.ColumnCount</c>), not <paramref name="m"/> itself.</param>
    /// <exception cref="ArgumentException"><paramref name="into"/> has another shape, or is <paramref name="m"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="m"/>.</exception>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices, Matrix<T> into) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(into);
        if (into.RowCount != indices.Count || into.ColumnCount != m.ColumnCount)
            throw new ArgumentException($"SelectRows of {indices.Count} rows from a matrix of shape {m.Shape()} fills a matrix of shape " +
                                        $"({indices.Count}, {m.ColumnCount}); got {into.Shape()}.", nameof(into));
        if (ReferenceEquals(into, m))
            throw new ArgumentException("SelectRows cannot fill the matrix it reads from; pass a matrix of its own (Matrix<T>.Build.Dense(rows, columns)).", nameof(into));
        for (int i = 0; i < indices.Count; i++)
            if ((uint)indices[i] >= (uint)m.RowCount)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Row index {indices[i]} is outside a matrix of shape {m.Shape()}.");

        var row = Vector<T>.Build.Dense(m.ColumnCount);
        for (int i = 0; i < indices.Count; i++)
        {
            m.Row(indices[i], row);   // row indices[i] of m …
            into.SetRow(i, row);      // … becomes row i of the batch
        }
        return into;
    }

    /// <summary>The index of the largest value in each row (the first one on a tie): numpy's <c>np.argmax(x, axis=1)</c>.</summary>
    public static int[] ArgMaxRows<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable, IComparable<T>
    {
        if (m.ColumnCount == 0) throw new ArgumentException($"ArgMaxRows needs at least one column; got shape {m.Shape()}.", nameof(m));
        var result = new int[m.RowCount];
        for (int r = 0; r < m.RowCount; r++)
        {
            T best = m[r, 0];
            for (int c = 1; c < m.ColumnCount; c++)
                if (m[r, c].CompareTo(best) > 0) { best = m[r, c]; result[r] = c; }
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

    /// <summary>
    /// numpy's <c>np.sum(x, axis=…)</c>, keeping two dimensions: <c>axis: 0</c> adds the rows up into one (1, columns) row
    /// (the bias gradient <c>db = np.sum(dy, axis=0)</c>); <c>axis: 1</c> adds each row up into a (rows, 1) column.
    /// Not MathNet's <c>RowSums()</c>, which is a vector of one sum per row.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not 0 or 1.</exception>
    public static Matrix<T> Sum<T>(this Matrix<T> m, int axis) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => axis switch
        {
            0 => Matrix<T>.Build.DenseOfRowVectors(m.ColumnSums()),     // (1, columns)
            1 => Matrix<T>.Build.DenseOfColumnVectors(m.RowSums()),     // (rows, 1)
            _ => throw new ArgumentOutOfRangeException(nameof(axis), $"axis must be 0 (down the rows) or 1 (along each row); got {axis}."),
        };
}
