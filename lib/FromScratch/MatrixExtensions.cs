using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// </summary>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        int n = m.RowCount, count = indices.Count;
        for (int i = 0; i < count; i++)
        {
            int r = indices[i];
            if ((uint)r >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Row index {r} is outside a matrix of shape {m.Shape()}.");
        }
        var result = Matrix<T>.Build.Dense(count, m.ColumnCount);
        if (m.Storage is DenseColumnMajorMatrixStorage<T> dense)
        {
            // result column c ← m column c at the chosen rows
            var src = dense.Data;
            var dst = ((DenseColumnMajorMatrixStorage<T>)result.Storage).Data;
            int[] rows = indices as int[] ?? [.. indices];
            for (int c = 0; c < m.ColumnCount; c++)
            {
                var column = src.AsSpan(c * n, n);
                var into = dst.AsSpan(c * count, count);
                for (int i = 0; i < into.Length; i++) into[i] = column[rows[i]];
            }
            return result;
        }
        for (int c = 0; c < m.ColumnCount; c++)
            for (int i = 0; i < count; i++)
                result[i, c] = m[indices[i], c];
        return result;
    }

    /// <summary>
    /// The columns at <paramref name="indices"/>, in that order, as the rows of a new matrix: numpy's <c>m[:, indices].T</c>.
    /// With the images stored one per column (<c>xT = x.Transpose()</c>), <c>xT.SelectColumnsAsRows(mask)</c> equals
    /// <c>x.SelectRows(mask)</c> but reads each image as one contiguous run instead of 784 scattered numbers.
    /// </summary>
    public static Matrix<T> SelectColumnsAsRows<T>(this Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        int rows = m.RowCount, count = indices.Count;
        for (int i = 0; i < count; i++)
        {
            int c = indices[i];
            if ((uint)c >= (uint)m.ColumnCount)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Column index {c} is outside a matrix of shape {m.Shape()}.");
        }
        var result = Matrix<T>.Build.Dense(count, rows);
        if (m.Storage is DenseColumnMajorMatrixStorage<T> dense)
        {
            var dst = ((DenseColumnMajorMatrixStorage<T>)result.Storage).Data;
            // 16 images at a time: 16 contiguous reads side by side, and each write fills one cache line of the result.
            // The indices were checked above, so the copy uses unchecked element references.
            const int Group = 16;
            Span<int> start = stackalloc int[Group];
            ref T src0 = ref MemoryMarshal.GetArrayDataReference(dense.Data);
            ref T dst0 = ref MemoryMarshal.GetArrayDataReference(dst);
            for (int i0 = 0; i0 < count; i0 += Group)
            {
                int g = Math.Min(Group, count - i0);
                for (int i = 0; i < g; i++) start[i] = indices[i0 + i] * rows;
                for (int j = 0; j < rows; j++)
                {
                    ref T into = ref Unsafe.Add(ref dst0, j * count + i0);       // result (i0.., j)
                    for (int i = 0; i < g; i++) Unsafe.Add(ref into, i) = Unsafe.Add(ref src0, start[i] + j);
                }
            }
            return result;
        }
        for (int i = 0; i < count; i++)
            for (int j = 0; j < rows; j++)
                result[i, j] = m[j, indices[i]];
        return result;
    }

    /// <summary>
    /// <c>m.Transpose()</c> computed in cache-sized tiles on all cores; for a 60,000 × 784 matrix this is several times quicker
    /// than an element-by-element transpose.
    /// </summary>
    internal static Matrix<T> TransposeTiled<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable
    {
        if (m.Storage is not DenseColumnMajorMatrixStorage<T> dense) return m.Transpose();
        int n = m.RowCount, p = m.ColumnCount;
        var src = dense.Data;
        var dst = GC.AllocateUninitializedArray<T>(src.Length);
        const int Tile = 64;
        int tilesI = (n + Tile - 1) / Tile;
        Parallel.For(0, tilesI, ti =>
        {
            int i0 = ti * Tile, i1 = Math.Min(n, i0 + Tile);
            for (int j0 = 0; j0 < p; j0 += Tile)
            {
                int j1 = Math.Min(p, j0 + Tile);
                for (int j = j0; j < j1; j++)
                    for (int i = i0; i < i1; i++)
                        dst[i * p + j] = src[j * n + i];   // (i, j) of m → (j, i) of the (p, n) result
            }
        });
        return Matrix<T>.Build.Dense(p, n, dst);
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
