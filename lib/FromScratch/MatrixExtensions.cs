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
    /// For a matrix marked with <see cref="KeepRowMajorCopy{T}(Matrix{T})"/> (a dataset's x and t) each row is copied as one contiguous run.
    /// </summary>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(indices);
        var batch = GC.AllocateUninitializedArray<T>(indices.Count * m.ColumnCount);   // every element is written below
        return m.SelectRows(indices, Matrix<T>.Build.Dense(indices.Count, m.ColumnCount, batch));
    }

    /// <summary>
    /// <see cref="SelectRows{T}(Matrix{T}, IReadOnlyList{int})"/> into a matrix made once: the rows at <paramref name="indices"/>
    /// overwrite <paramref name="into"/>, which is returned. A training loop that draws ten thousand minibatches of the same size
    /// fills the same two matrices each step instead of allocating new ones: a (100, 784) float batch is 313 KB of fresh memory
    /// each time, and writing fresh memory costs more than the copy itself.
    /// </summary>
    /// <param name="m">The matrix to take rows from (a dataset's x or t).</param>
    /// <param name="indices">Row indices into <paramref name="m"/>, in the order wanted; repeats are allowed.</param>
    /// <param name="into">A dense matrix of shape (<c>indices.Count</c>, <c>m.ColumnCount</c>), not <paramref name="m"/> itself.</param>
    /// <exception cref="ArgumentException"><paramref name="into"/> has another shape, is not dense, or is <paramref name="m"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="m"/>.</exception>
    public static Matrix<T> SelectRows<T>(this Matrix<T> m, IReadOnlyList<int> indices, Matrix<T> into) where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(into);
        if (into.RowCount != indices.Count || into.ColumnCount != m.ColumnCount)
            throw new ArgumentException($"SelectRows of {indices.Count} rows from a matrix of shape {m.Shape()} fills a matrix of shape " +
                                        $"({indices.Count}, {m.ColumnCount}); got {into.Shape()}.", nameof(into));
        bool same = ReferenceEquals(into, m) || into.Storage is DenseColumnMajorMatrixStorage<T> target && m.Storage is DenseColumnMajorMatrixStorage<T> source
                    && ReferenceEquals(target.Data, source.Data);
        if (same || into.Storage is not DenseColumnMajorMatrixStorage<T> dense)
            throw new ArgumentException(same
                ? "SelectRows cannot fill the matrix it reads from; pass a matrix of its own (Matrix<T>.Build.Dense(rows, columns))."
                : $"SelectRows fills a dense matrix (Matrix<T>.Build.Dense); got a {into.Storage.GetType().Name}.", nameof(into));
        RequireRows(m, indices);
        if (CheckedCopy(m, indices) is { } copy)
            Gather(copy, m.ColumnCount, indices, dense.Data);
        else
            for (int c = 0; c < m.ColumnCount; c++)
                for (int i = 0; i < indices.Count; i++) dense.Data[c * indices.Count + i] = m[indices[i], c];
        return into;
    }

    private static void RequireRows<T>(Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        for (int i = 0; i < indices.Count; i++)
            if ((uint)indices[i] >= (uint)m.RowCount)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Row index {indices[i]} is outside a matrix of shape {m.Shape()}.");
    }

    /// <summary>
    /// The row-major copy of a marked matrix, or null: first checked against the matrix itself on up to eight numbers of the
    /// chosen rows (other columns on every call). A matrix changed in place after it was marked (<c>MapInplace</c>, a
    /// <c>result:</c> argument) fails the check on the next call, and its copy is taken again from the numbers it holds now,
    /// so a minibatch never mixes old and new numbers of a whole-matrix change. A change to a few numbers can go unnoticed
    /// for a while: change a <c>Clone()</c> of a dataset's matrix instead.
    /// </summary>
    private static RowMajorCopy<T>? CheckedCopy<T>(Matrix<T> m, IReadOnlyList<int> indices) where T : struct, IEquatable<T>, IFormattable
    {
        if (!RowMajorCopies<T>.Marked.TryGetValue(m, out var copy)) return null;
        if (m.Storage is not DenseColumnMajorMatrixStorage<T> dense || m.ColumnCount == 0) return copy;
        int n = m.RowCount, p = m.ColumnCount, turn = unchecked(RowMajorCopies<T>.Turn++);
        for (int k = 0; k < Math.Min(8, indices.Count); k++)
        {
            int r = indices[k], c = (int)((uint)(turn * 8 + k) % (uint)p);
            T kept = copy.Codes is { } codes ? copy.Values[codes[r * p + c]] : copy.Numbers!.Value[r * p + c];
            if (kept.Equals(dense.Data[c * n + r])) continue;
            var fresh = new RowMajorCopy<T>(new Lazy<T[]>(() => RowMajor(m)), null, []);
            RowMajorCopies<T>.Marked.AddOrUpdate(m, fresh);
            return fresh;
        }
        return copy;
    }

    /// <summary>The rows at <paramref name="indices"/> from a marked matrix's row-major <paramref name="copy"/> into <paramref name="batch"/>.</summary>
    private static void Gather<T>(RowMajorCopy<T> copy, int columns, IReadOnlyList<int> indices, T[] batch)
    {
        if (batch.Length == 0) return;
        // A training batch on two cores, each writing the batch's columns on its side of the middle one: the batch is then read
        // by products that run in two halves, so its cache lines sit in both cores' caches, and one core rewriting all of
        // them waits for the other's copies to be dropped. Column by column, the two sides share one cache line at most.
        var numbers = copy.Codes is null ? copy.Numbers!.Value : null;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Columns(int c0, int c1)
        {
            if (copy.Codes is { } codes)
            {   // a float table that is code / d exactly: computed eight by eight with SIMD, the same bits (Fast.ByteRows)
                if (copy.Divisor is float d && batch is float[] floats && Fast.ByteRows.Supported) Fast.ByteRows.Gather(codes, d, columns, indices, floats, c0, c1);
                else Gather(codes, copy.Values, columns, indices, batch, c0, c1);
            }
            else Gather(numbers!, copy.Values, columns, indices, batch, c0, c1);
        }
        int half = columns / 2;
        if (Fast.Pair.Available && half > 0 && (long)indices.Count * columns >= GatherPairThreshold)
            Fast.Pair.Run([MethodImpl(MethodImplOptions.AggressiveOptimization)] (int part) => Columns(part == 0 ? 0 : half, part == 0 ? half : columns));
        else
            Columns(0, columns);
    }

    /// <summary>Batches of at least this many numbers are gathered on two cores (a (100, 784) MNIST batch is 78,400).</summary>
    internal const long GatherPairThreshold = 16_384;

    /// <summary>
    /// The copy of <see cref="SelectRows{T}(Matrix{T}, IReadOnlyList{int})"/>: row <c>indices[i]</c> of <paramref name="rows"/> (row by row, <paramref name="columns"/>
    /// wide) becomes row i of <paramref name="batch"/> (column by column, as MathNet keeps it). Eight rows at a time: each pass
    /// reads eight rows front to back and writes eight neighbouring numbers into every column of the batch, so both the reads
    /// and the writes stay in cache lines already fetched. <typeparamref name="TCode"/> is <typeparamref name="T"/> itself (the
    /// rows hold the numbers) or <c>byte</c> (the rows hold codes, and <paramref name="values"/> the number of each code). Only the
    /// columns <paramref name="c0"/>..<paramref name="c1"/> − 1 are written. The indices have been checked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void Gather<T, TCode>(TCode[] rows, T[] values, int columns, IReadOnlyList<int> indices, T[] batch, int c0, int c1)
    {
        int count = indices.Count, i = 0;
        for (; i + 8 <= count; i += 8)
        {
            ref TCode r0 = ref rows[indices[i] * columns], r1 = ref rows[indices[i + 1] * columns];
            ref TCode r2 = ref rows[indices[i + 2] * columns], r3 = ref rows[indices[i + 3] * columns];
            ref TCode r4 = ref rows[indices[i + 4] * columns], r5 = ref rows[indices[i + 5] * columns];
            ref TCode r6 = ref rows[indices[i + 6] * columns], r7 = ref rows[indices[i + 7] * columns];
            ref T to = ref batch[i];                                    // (i, c) of the batch at c*count + i
            for (int c = c0; c < c1; c++)
            {
                ref T column = ref Unsafe.Add(ref to, c * count);
                column = Value(Unsafe.Add(ref r0, c), values);
                Unsafe.Add(ref column, 1) = Value(Unsafe.Add(ref r1, c), values);
                Unsafe.Add(ref column, 2) = Value(Unsafe.Add(ref r2, c), values);
                Unsafe.Add(ref column, 3) = Value(Unsafe.Add(ref r3, c), values);
                Unsafe.Add(ref column, 4) = Value(Unsafe.Add(ref r4, c), values);
                Unsafe.Add(ref column, 5) = Value(Unsafe.Add(ref r5, c), values);
                Unsafe.Add(ref column, 6) = Value(Unsafe.Add(ref r6, c), values);
                Unsafe.Add(ref column, 7) = Value(Unsafe.Add(ref r7, c), values);
            }
        }
        for (; i < count; i++)                                          // the last count % 8 rows, one at a time
        {
            var row = rows.AsSpan(indices[i] * columns, columns);
            for (int c = c0; c < c1; c++) batch[c * count + i] = Value(row[c], values);
        }
    }

    /// <summary>The number a row holds: the code itself, or the value of a byte code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Value<T, TCode>(TCode code, T[] values)
        => typeof(TCode) == typeof(byte) ? values[Unsafe.As<TCode, byte>(ref code)] : Unsafe.As<TCode, T>(ref code);

    /// <summary>
    /// Marks <paramref name="m"/> as a matrix whose rows are selected again and again (a dataset's images): the first
    /// <see cref="SelectRows{T}(Matrix{T}, IReadOnlyList{int})"/> keeps a row-major copy of it, and every later one copies each chosen row in one piece.
    /// MathNet keeps a matrix column by column, so without it one row of a (60000, 784) matrix is 784 numbers 60,000 apart.
    /// The copy is taken once and checked on a few numbers at every use (see <see cref="CheckedCopy"/>): change a <c>Clone()</c>
    /// of a marked matrix rather than the matrix itself.
    /// </summary>
    internal static void KeepRowMajorCopy<T>(this Matrix<T> m) where T : struct, IEquatable<T>, IFormattable
        => RowMajorCopies<T>.Marked.TryAdd(m, new RowMajorCopy<T>(new Lazy<T[]>(() => RowMajor(m)), null, []));

    /// <summary>
    /// <see cref="KeepRowMajorCopy{T}(Matrix{T})"/> with the copy already there, as one byte per number: element (r, c) of
    /// <paramref name="m"/> is <c>values[codes[r * columns + c]]</c>. A loader whose file holds the images row by row as bytes
    /// (MNIST's pixels) has it for free, and a minibatch then reads a quarter of the memory a float copy would need.
    /// </summary>
    internal static void KeepRowMajorCopy<T>(this Matrix<T> m, byte[] codes, T[] values) where T : struct, IEquatable<T>, IFormattable
    {
        if (codes.Length != m.RowCount * m.ColumnCount)
            throw new ArgumentException($"A row-major copy of a {m.Shape()} matrix has {m.RowCount * m.ColumnCount} numbers; got {codes.Length}.", nameof(codes));
        if (values.Length != 256) throw new ArgumentException($"Byte codes need a value for each of 256 codes; got {values.Length}.", nameof(values));
        RowMajorCopies<T>.Marked.AddOrUpdate(m, new RowMajorCopy<T>(null, codes, values) { Divisor = values is float[] f ? Fast.ByteRows.ExactDivisor(f) : null });
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

    /// <summary>
    /// A marked matrix's rows: its <see cref="Numbers"/> (made on first use), or its <see cref="Codes"/> and their <see cref="Values"/>
    /// (with the <see cref="Divisor"/> d when every value is exactly <c>(float)code / d</c>).
    /// </summary>
    private sealed record RowMajorCopy<T>(Lazy<T[]>? Numbers, byte[]? Codes, T[] Values)
    {
        public float? Divisor { get; init; }
    }

    private static class RowMajorCopies<T> where T : struct, IEquatable<T>, IFormattable
    {
        /// <summary>Marked matrices and their copies; an entry lives as long as its matrix.</summary>
        public static readonly ConditionalWeakTable<Matrix<T>, RowMajorCopy<T>> Marked = new();

        /// <summary>Counts the checks of <see cref="CheckedCopy"/>, so that each looks at other columns (races only change which).</summary>
        public static int Turn;
    }

    /// <summary>The index of the largest value in each row: numpy's <c>np.argmax(x, axis=1)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
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

    /// <summary>
    /// The largest value of each row: numpy's <c>np.max(x, axis=1)</c>. Folds each row from −∞ with <c>m &lt; v ? v : m</c>,
    /// as <see cref="Vector{T}"/>'s softmax does, so a NaN is skipped the same way in both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    internal static Vector<T> RowMaxima<T>(this Matrix<T> m) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        int n = m.RowCount;
        var max = new T[n];
        Array.Fill(max, T.NegativeInfinity);
        for (int c = 0; c < m.ColumnCount; c++)
        {
            var column = Column(m, c);
            for (int r = 0; r < n; r++) max[r] = max[r] < column[r] ? column[r] : max[r];
        }
        return Vector<T>.Build.Dense(max);
    }

    /// <summary>Subtracts <c>perRow[r]</c> from every element of row r, in place: numpy's <c>x -= v[:, None]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    internal static void SubtractColumnInPlace<T>(this Matrix<T> m, Vector<T> perRow) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var v = PerRow(m, perRow);
        for (int c = 0; c < m.ColumnCount; c++)
        {
            var column = Column(m, c);
            for (int r = 0; r < column.Length; r++) column[r] -= v[r];
        }
    }

    /// <summary>Divides every element of row r by <c>perRow[r]</c>, in place: numpy's <c>x /= v[:, None]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    internal static void DivideColumnInPlace<T>(this Matrix<T> m, Vector<T> perRow) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var v = PerRow(m, perRow);
        for (int c = 0; c < m.ColumnCount; c++)
        {
            var column = Column(m, c);
            for (int r = 0; r < column.Length; r++) column[r] /= v[r];
        }
    }

    /// <summary>Column c of a dense matrix, as its run of the storage array (the helpers above take only dense matrices).</summary>
    private static Span<T> Column<T>(Matrix<T> m, int c) where T : struct, IEquatable<T>, IFormattable
        => m.Storage is DenseColumnMajorMatrixStorage<T> dense
            ? dense.Data.AsSpan(c * m.RowCount, m.RowCount)
            : throw new ArgumentException($"Expected a dense matrix; got {m.Storage.GetType().Name} of shape {m.Shape()}.", nameof(m));

    private static T[] PerRow<T>(Matrix<T> m, Vector<T> perRow) where T : struct, IEquatable<T>, IFormattable
        => perRow.Count == m.RowCount && perRow.Storage is DenseVectorStorage<T> dense
            ? dense.Data
            : throw new ArgumentException($"Expected a dense vector of one value per row ({m.RowCount}); got {perRow.Count} values.", nameof(perRow));

    /// <summary>The sum of each column as a (1, n) row: numpy's <c>np.sum(x, axis=0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
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
