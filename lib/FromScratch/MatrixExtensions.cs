using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace FromScratch;

/// <summary>The few numpy idioms the tutorial uses that MathNet spells differently.</summary>
/// <remarks>
/// MathNet's dense matrices keep their numbers column by column in one array: element (i, j) of an (n, m) matrix is at
/// <c>j * n + i</c>. These helpers work on that array directly (one virtual call per element through <c>m[i, j]</c> would
/// cost more than the arithmetic) and fall back to the indexer for other storages.
/// </remarks>
public static class MatrixExtensions
{
    /// <summary>
    /// The rows at <paramref name="indices"/>, in that order, as a new matrix: numpy's <c>x[batch_mask]</c>.
    /// For a matrix marked with <see cref="KeepRowMajorCopy"/> (a dataset's x and t) each row is copied as one contiguous run.
    /// </summary>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        int count = indices.Count, columns = m.ColumnCount;
        for (int i = 0; i < count; i++)
            if ((uint)indices[i] >= (uint)m.RowCount)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Row index {indices[i]} is outside a matrix of shape {m.Shape()}.");
        if (!RowMajorCopies<T>.Marked.TryGetValue(m, out var copy))
            return Matrix<T>.Build.Dense(count, columns, (i, c) => m[indices[i], c]);
        var rows = copy.Value;                                         // m row by row: (r, c) at r*columns + c
        int[] start = [.. indices.Select(r => r * columns)];          // where each chosen row begins
        var batch = new T[count * columns];                            // column by column, as MathNet keeps it
        for (int c = 0; c < columns; c++)
        {
            var column = batch.AsSpan(c * count, count);               // column c of the batch: one number of each chosen row
            for (int i = 0; i < column.Length; i++) column[i] = rows[start[i] + c];
        }
        return Matrix<T>.Build.Dense(count, columns, batch);
    }

    /// <summary>
    /// Marks <paramref name="m"/> as a matrix whose rows are selected again and again (a dataset's images): the first
    /// <see cref="SelectRows"/> keeps a row-major copy of it, and every later one copies each chosen row in one piece.
    /// MathNet keeps a matrix column by column, so without it one row of a (60000, 784) matrix is 784 numbers 60,000 apart.
    /// The copy is taken once: a marked matrix must not be changed in place afterwards (change a <c>Clone()</c> instead).
    /// </summary>
    internal static void KeepRowMajorCopy<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable
        => RowMajorCopies<T>.Marked.TryAdd(m, new Lazy<T[]>(() => RowMajor(m)));

    /// <summary>
    /// <see cref="KeepRowMajorCopy{T}(Matrix{T})"/> with the copy already made: <paramref name="rowMajor"/> holds
    /// <paramref name="m"/> row by row (a loader that read the rows in that order has it for free).
    /// </summary>
    internal static void KeepRowMajorCopy<T>(this Matrix<T> m, T[] rowMajor) where T : struct, IEquatable<T>, IFormattable
    {
        if (rowMajor.Length != m.RowCount * m.ColumnCount)
            throw new ArgumentException($"A row-major copy of a {m.Shape()} matrix has {m.RowCount * m.ColumnCount} numbers; got {rowMajor.Length}.", nameof(rowMajor));
        RowMajorCopies<T>.Marked.AddOrUpdate(m, new Lazy<T[]>(rowMajor));
    }

    /// <summary><c>m.ToRowMajorArray()</c>, 64 rows at a time so that both the column reads and the row writes stay in cache.</summary>
    private static T[] RowMajor<T>(Matrix<T> m) where T : struct, IEquatable<T>, IFormattable
    {
        var columns = m.AsColumnMajorArray() ?? m.ToColumnMajorArray();   // (i, j) at j*n + i
        int n = m.RowCount, p = m.ColumnCount;
        var rows = new T[columns.Length];                                  // (i, j) at i*p + j
        const int Block = 64;
        for (int i0 = 0; i0 < n; i0 += Block)
            for (int j = 0; j < p; j++)
                for (int i = i0; i < Math.Min(n, i0 + Block); i++)
                    rows[i * p + j] = columns[j * n + i];
        return rows;
    }

    private static class RowMajorCopies<T> where T : struct, IEquatable<T>, IFormattable
    {
        /// <summary>Marked matrices and their copies; an entry lives as long as its matrix.</summary>
        public static readonly ConditionalWeakTable<Matrix<T>, Lazy<T[]>> Marked = new();
    }

    /// <summary>The index of the largest value in each row: numpy's <c>np.argmax(x, axis=1)</c>.</summary>
    public static int[] ArgMaxRows<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable, IComparable<T>
    {
        int n = m.RowCount;
        var result = new int[n];
        if (n == 0) return result;
        if (m.Storage is DenseColumnMajorMatrixStorage<T> dense)
        {
            var best = dense.Data.AsSpan(0, n).ToArray();              // column 0
            for (int c = 1; c < m.ColumnCount; c++)
            {
                var column = dense.Data.AsSpan(c * n, n);
                for (int r = 0; r < n; r++)
                    if (column[r].CompareTo(best[r]) > 0) { best[r] = column[r]; result[r] = c; }
            }
            return result;
        }
        var bestSlow = new T[n];
        for (int r = 0; r < n; r++) bestSlow[r] = m[r, 0];
        for (int c = 1; c < m.ColumnCount; c++)
            for (int r = 0; r < n; r++)
            {
                T v = m[r, c];
                if (v.CompareTo(bestSlow[r]) > 0) { bestSlow[r] = v; result[r] = c; }
            }
        return result;
    }

    /// <summary>Adds the (1, n) row <paramref name="row"/> to every row of <paramref name="m"/> in place (numpy broadcasting).</summary>
    public static void AddRowInPlace<T>(this Matrix<T> m, Matrix<T> row) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (row.RowCount != 1 || row.ColumnCount != m.ColumnCount)
            throw new ArgumentException($"Cannot broadcast a bias of shape {row.Shape()} over a matrix of shape {m.Shape()}; expected (1, {m.ColumnCount}).", nameof(row));
        int n = m.RowCount;
        if (m.Storage is DenseColumnMajorMatrixStorage<T> dense)
        {
            for (int c = 0; c < m.ColumnCount; c++)
            {
                var column = dense.Data.AsSpan(c * n, n);
                T b = row.At(0, c);
                for (int i = 0; i < column.Length; i++) column[i] += b;
            }
            return;
        }
        for (int c = 0; c < m.ColumnCount; c++)
        {
            T b = row[0, c];
            for (int r = 0; r < n; r++) m[r, c] += b;
        }
    }

    /// <summary>The sum of each column as a (1, n) row: numpy's <c>np.sum(x, axis=0)</c>.</summary>
    public static Matrix<T> SumRows<T>(this Matrix<T> m) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (m.Storage is not DenseColumnMajorMatrixStorage<T> dense)
            return Matrix<T>.Build.DenseOfRowVectors(m.ColumnSums());
        int n = m.RowCount;
        var sums = new T[m.ColumnCount];
        for (int c = 0; c < sums.Length; c++)
        {
            T s = T.Zero;
            foreach (var v in dense.Data.AsSpan(c * n, n)) s += v;
            sums[c] = s;
        }
        return Matrix<T>.Build.Dense(1, sums.Length, sums);   // a (1, n) matrix: its one row is the array itself
    }
}
