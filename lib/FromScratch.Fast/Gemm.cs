using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FromScratch.Fast;

/// <summary>
/// A managed SIMD matrix product for column-major storage (MathNet's dense layout):
/// C ← α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ. With β = 0, C is only written (BLAS semantics).
/// </summary>
/// <remarks>
/// Tuned for the tutorial's shapes: (batch, 784)·(784, 20), (784, batch)ᵀ… and the 60,000-row evaluations.
/// A·B runs a register-blocked kernel (2 vectors of rows × 4 columns, 8 accumulators); Aᵀ·B with a narrow B (up to 3 vectors
/// of columns) packs Bᵀ and runs broadcast × vector products, any other Aᵀ·B runs blocked dot products over the contiguous
/// columns of A. Large products are split over row blocks with <see cref="Parallel.For(int, int, Action{int})"/>.
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>Products with at least this many multiply-adds run on several threads.</summary>
    public const long ParallelThreshold = 1L << 21;

    /// <summary>
    /// C (m×n) ← α·op(A)·op(B) + β·C, all column-major. A is stored with <paramref name="lda"/> rows
    /// (m×k, or k×m when <paramref name="transposeA"/>), B with <paramref name="ldb"/> rows (k×n, or n×k when transposed).
    /// </summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c)
        where T : unmanaged, INumberBase<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) throw new NotSupportedException("Gemm supports float and double.");
        if (m == 0 || n == 0) return;
        long needA = k == 0 ? 0 : transposeA ? (long)lda * (m - 1) + k : (long)lda * (k - 1) + m;
        long needB = k == 0 ? 0 : transposeB ? (long)ldb * (k - 1) + n : (long)ldb * (n - 1) + k;
        if ((transposeA ? lda < k : lda < m) || a.Length < needA) throw new ArgumentException($"A is too small for op(A) of shape ({m}, {k}).", nameof(a));
        if ((transposeB ? ldb < n : ldb < k) || b.Length < needB) throw new ArgumentException($"B is too small for op(B) of shape ({k}, {n}).", nameof(b));
        if (c.Length < (long)m * n) throw new ArgumentException($"C is too small for shape ({m}, {n}).", nameof(c));

        fixed (T* pa = a, pb = b, pc = c)
        {
            if (k == 0) { Scale(pc, (long)m * n, beta); return; }
            T[]? bufA = null, bufB = null;
            try
            {
                T* A = pa, B = pb;
                if (transposeA && transposeB)
                {   // (Bᵀ·... ) rare: materialise Aᵀ and fall through to the other cases
                    bufA = ArrayPool<T>.Shared.Rent(m * k);
                    fixed (T* t = bufA) { Transpose(pa, lda, k, m, t); Dispatch(false, true, m, n, k, alpha, t, m, B, ldb, beta, pc, ref bufB); }
                    return;
                }
                Dispatch(transposeA, transposeB, m, n, k, alpha, A, lda, B, ldb, beta, pc, ref bufB);
            }
            finally
            {
                if (bufA != null) ArrayPool<T>.Shared.Return(bufA);
                if (bufB != null) ArrayPool<T>.Shared.Return(bufB);
            }
        }
    }

    private static void Dispatch<T>(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, ref T[]? bufB)
        where T : unmanaged, INumberBase<T>
    {
        if (transB)
        {   // materialise Bᵀ (small in practice: a weight matrix) as k×n column-major
            bufB = ArrayPool<T>.Shared.Rent(k * n);
            fixed (T* t = bufB)
            {
                Transpose(b, ldb, n, k, t);
                Dispatch(transA, false, m, n, k, alpha, a, lda, t, k, beta, c, ref bufB);
            }
            return;
        }
        switch (Simd.Bits)
        {
            case 512: Run<T, Vector512<T>, Lanes512<T>>(transA, m, n, k, alpha, a, lda, b, ldb, beta, c); break;
            case 256: Run<T, Vector256<T>, Lanes256<T>>(transA, m, n, k, alpha, a, lda, b, ldb, beta, c); break;
            default: Run<T, Vector128<T>, Lanes128<T>>(transA, m, n, k, alpha, a, lda, b, ldb, beta, c); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void Run<T, TV, L>(bool transA, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        long work = (long)m * n * k;
        int block = 2 * L.Count;
        if (work >= ParallelThreshold && m >= 4 * block && Environment.ProcessorCount > 1)
        {
            // row blocks of ~64K multiply-adds each, a multiple of the kernel height
            int rows = Math.Max(block, (int)Math.Min(m, (1L << 16) / Math.Max(1L, (long)n * k) / block * block));
            rows = Math.Max(rows, Simd.RoundUp((m + 4 * Environment.ProcessorCount - 1) / (4 * Environment.ProcessorCount), block));
            int chunks = (m + rows - 1) / rows;
            nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
            Parallel.For(0, chunks, i =>
            {
                int i0 = i * rows, i1 = Math.Min(m, i0 + rows);
                if (transA) TN<T, TV, L>(i0, i1, n, k, alpha, (T*)pa, lda, (T*)pb, ldb, beta, (T*)pc, m);
                else NN<T, TV, L>(i0, i1, n, k, alpha, (T*)pa, lda, (T*)pb, ldb, beta, (T*)pc, m);
            });
        }
        else if (work >= PairThreshold && m >= 2 * block && Pair.Available)
        {
            // a product of one training step (e.g. (100, 784)·(784, 20)): too short for the thread pool; two halves of
            // the rows of C on two cores when that measures faster for this shape (split where every element of C is
            // computed exactly as on one core: see PairSplit)
            var chooser = Choosers.GetOrAdd((transA, m, n, k, typeof(T) == typeof(double)), _ => new PairChooser());
            bool two = chooser.UseTwo;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (two)
            {
                int half = PairSplit(transA, m, L.Count);
                nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
                Pair.Run([MethodImpl(MethodImplOptions.AggressiveOptimization)] (int part) =>
                {
                    int i0 = part == 0 ? 0 : half, i1 = part == 0 ? half : m;
                    if (i0 >= i1) return;
                    if (transA) TN<T, TV, L>(i0, i1, n, k, alpha, (T*)pa, lda, (T*)pb, ldb, beta, (T*)pc, m);
                    else NN<T, TV, L>(i0, i1, n, k, alpha, (T*)pa, lda, (T*)pb, ldb, beta, (T*)pc, m);
                });
            }
            else if (transA) TN<T, TV, L>(0, m, n, k, alpha, a, lda, b, ldb, beta, c, m);
            else NN<T, TV, L>(0, m, n, k, alpha, a, lda, b, ldb, beta, c, m);
            chooser.Record(two, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
        else if (transA) TN<T, TV, L>(0, m, n, k, alpha, a, lda, b, ldb, beta, c, m);
        else NN<T, TV, L>(0, m, n, k, alpha, a, lda, b, ldb, beta, c, m);
    }

    /// <summary>
    /// Where two cores split the m rows of C: as near the middle as the kernels allow while computing every element exactly as
    /// on one core. A·B's kernels take blocks of whole vectors of rows (<paramref name="lanes"/>), each element a chain of
    /// multiply-adds in the order of k whichever block holds it; Aᵀ·B's take rows four or two at a time, so a multiple of 4.
    /// (100 rows with 16 lanes: 48 + 52, where whole two-vector blocks gave 64 + 36; 784 rows: 392 + 392, not 416 + 368.)
    /// </summary>
    internal static int PairSplit(bool transA, int m, int lanes)
    {
        int unit = transA ? 4 : lanes;
        int half = (m / 2 + unit / 2) / unit * unit;   // the multiple of unit nearest m / 2
        return Math.Clamp(half, Math.Min(unit, m), m);
    }

    /// <summary>Products with at least this many multiply-adds (and below <see cref="ParallelThreshold"/>) may run in two halves on two cores.</summary>
    public const long PairThreshold = 1L << 17;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(bool, int, int, int, bool), PairChooser> Choosers = new();

    /// <summary>
    /// Rows i0..i1 of C = α·A·B + β·C, blocked so that a panel of A (512 KB: up to 512 rows × 256 of the k columns, or
    /// 2,048 rows × 64 when A streams from memory) stays in the L2 cache while every column block of C is computed from
    /// it: A is read from memory once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void NN<T, TV, L>(int i0, int i1, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        // A with more rows than one panel streams from memory (an evaluation's 60,000 rows): narrower panels read each of
        // its columns in longer runs (up to 8 KB), and the next panel is prefetched while the first column block reads this one.
        // Chosen by the whole of C (ldc = its rows), not by this part: the column blocks decide the order of the sums, so a
        // product split over two cores must use the same ones to give the same bits.
        bool streaming = ldc > 512;
        int KC = streaming ? 64 : 256;
        int block = 2 * L.Count;
        int kc = k <= KC + KC / 2 ? k : KC;
        int panel = Math.Max(block, (int)Math.Min(4096, (512L * 1024 / sizeof(T)) / kc) / block * block);
        for (int p0 = i0; p0 < i1; p0 += panel)
        {
            int p1 = Math.Min(i1, p0 + panel);
            for (int k0 = 0; k0 < k; k0 += kc)
            {
                int kk = Math.Min(kc, k - k0);
                // the next panel: the same rows of A's next kc columns, or after the last of them the next rows' first columns
                nint ahead = !streaming || !Sse.IsSupported ? 0 : k0 + kc < k ? (nint)kc * lda : p1 < i1 ? (p1 - p0) - (nint)k0 * lda : 0;
                NNPanel<T, TV, L>(p0, p1, n, kk, alpha, a + (long)k0 * lda, lda, b + k0, ldb, k0 == 0 ? beta : T.One, c, ldc, ahead);
            }
        }
    }

    /// <summary>
    /// Rows i0..i1 of C = α·A·B + β·C: 2 vectors of rows × 4 columns per block, then narrower tails. A nonzero
    /// <paramref name="ahead"/> prefetches A that many elements further on, for every line the first column block reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void NNPanel<T, TV, L>(int i0, int i1, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, nint ahead = 0)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        int W = L.Count;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            T* b0 = b + (long)j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            T* c0 = c + (long)j * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int i = i0;
            for (; i + 2 * W <= i1; i += 2 * W)
            {
                TV s00 = L.Zero, s01 = L.Zero, s10 = L.Zero, s11 = L.Zero, s20 = L.Zero, s21 = L.Zero, s30 = L.Zero, s31 = L.Zero;
                T* ap = a + i;
                bool prefetch = j == 0 && ahead != 0;
                for (int p = 0; p < k; p++, ap += lda)
                {
                    if (prefetch) { Sse.Prefetch0(ap + ahead); Sse.Prefetch0(ap + ahead + W); }
                    TV x0 = L.Load(ap), x1 = L.Load(ap + W);
                    TV y = L.Broadcast(b0[p]); s00 = L.MultiplyAdd(x0, y, s00); s01 = L.MultiplyAdd(x1, y, s01);
                    y = L.Broadcast(b1[p]); s10 = L.MultiplyAdd(x0, y, s10); s11 = L.MultiplyAdd(x1, y, s11);
                    y = L.Broadcast(b2[p]); s20 = L.MultiplyAdd(x0, y, s20); s21 = L.MultiplyAdd(x1, y, s21);
                    y = L.Broadcast(b3[p]); s30 = L.MultiplyAdd(x0, y, s30); s31 = L.MultiplyAdd(x1, y, s31);
                }
                StoreV<T, TV, L>(c0 + i, s00, alpha, beta); StoreV<T, TV, L>(c0 + i + W, s01, alpha, beta);
                StoreV<T, TV, L>(c1 + i, s10, alpha, beta); StoreV<T, TV, L>(c1 + i + W, s11, alpha, beta);
                StoreV<T, TV, L>(c2 + i, s20, alpha, beta); StoreV<T, TV, L>(c2 + i + W, s21, alpha, beta);
                StoreV<T, TV, L>(c3 + i, s30, alpha, beta); StoreV<T, TV, L>(c3 + i + W, s31, alpha, beta);
            }
            for (; i + W <= i1; i += W)
            {
                TV s0 = L.Zero, s1 = L.Zero, s2 = L.Zero, s3 = L.Zero;
                T* ap = a + i;
                for (int p = 0; p < k; p++, ap += lda)
                {
                    TV x0 = L.Load(ap);
                    s0 = L.MultiplyAdd(x0, L.Broadcast(b0[p]), s0);
                    s1 = L.MultiplyAdd(x0, L.Broadcast(b1[p]), s1);
                    s2 = L.MultiplyAdd(x0, L.Broadcast(b2[p]), s2);
                    s3 = L.MultiplyAdd(x0, L.Broadcast(b3[p]), s3);
                }
                StoreV<T, TV, L>(c0 + i, s0, alpha, beta); StoreV<T, TV, L>(c1 + i, s1, alpha, beta);
                StoreV<T, TV, L>(c2 + i, s2, alpha, beta); StoreV<T, TV, L>(c3 + i, s3, alpha, beta);
            }
            if (typeof(TV) != typeof(Vector128<T>))
            {   // a short tail (batch 100 = 3·32 + 4 with 512-bit vectors) in 128-bit lanes
                int v = Vector128<T>.Count, r = (i1 - i) / v * v;
                if (r > 0) { NNPanel<T, Vector128<T>, Lanes128<T>>(i, i + r, 4, k, alpha, a, lda, b + (long)j * ldb, ldb, beta, c + (long)j * ldc, ldc); i += r; }
            }
            for (; i < i1; i++)
                for (int jj = 0; jj < 4; jj++)
                    StoreS(c + (long)(j + jj) * ldc + i, DotStrided(a + i, lda, b + (long)(j + jj) * ldb, k), alpha, beta);
        }
        for (; j < n; j++)
        {   // leftover columns: one column of C is a combination of the columns of A
            T* bj = b + (long)j * ldb, cj = c + (long)j * ldc;
            int i = i0;
            for (; i + W <= i1; i += W)
            {
                TV s0 = L.Zero;
                T* ap = a + i;
                for (int p = 0; p < k; p++, ap += lda) s0 = L.MultiplyAdd(L.Load(ap), L.Broadcast(bj[p]), s0);
                StoreV<T, TV, L>(cj + i, s0, alpha, beta);
            }
            for (; i < i1; i++) StoreS(cj + i, DotStrided(a + i, lda, bj, k), alpha, beta);
        }
    }

    /// <summary>
    /// Aᵀ·B runs <see cref="TNNarrow"/> when B has at most 3 vectors of columns, C at least this many rows (so that packing Bᵀ
    /// is a small part of the work) and packed Bᵀ at most <see cref="NarrowMaxPacked"/> elements (so that it stays in L1).
    /// </summary>
    internal const int NarrowMinRows = 64;
    internal const int NarrowMaxPacked = 6144;
    /// <summary>For A/B measurements in the bench: false sends every Aᵀ·B to the dot-product kernel.</summary>
    internal static bool UseNarrowTN = true;

    /// <summary>Rows i0..i1 of C = α·Aᵀ·B + β·C, choosing the kernel for the shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TN<T, TV, L>(int i0, int i1, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        // chosen by the whole of C (ldc = its rows), not by this part, so that a product split over two cores uses one kernel
        if (UseNarrowTN && ldc >= NarrowMinRows && n <= 3 * L.Count && (long)k * Simd.RoundUp(n, L.Count) <= NarrowMaxPacked)
        {
            // 512-bit lanes waste more of a narrow row than 256-bit ones when n is just above a multiple of 16 (20 → 32 vs 24)
            if (typeof(TV) == typeof(Vector512<T>) && Simd.RoundUp(n, Vector256<T>.Count) < Simd.RoundUp(n, L.Count))
                TNNarrow<T, Vector256<T>, Lanes256<T>>(i0, i1, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            else TNNarrow<T, TV, L>(i0, i1, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else if (UsePackedTN && ldc >= NarrowMinRows && (n >= 64 || (n >= PackedMinColumns && k <= 256)) && (long)ldc * k <= PackedMaxElements) TNPacked<T, TV, L>(i0, i1, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else TNDot<T, TV, L>(i0, i1, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// A wider B (from this many columns with k ≤ 256, or from 64 columns for any k) makes packing Aᵀ worth it: Aᵀ·B then runs as
    /// A·B on the packed copy (<see cref="TNPacked"/>). With a long k and a narrow B the dot products' horizontal sums are cheap.
    /// </summary>
    internal const int PackedMinColumns = 8;
    /// <summary>The largest packed copy of Aᵀ (elements) <see cref="TNPacked"/> makes; longer products keep the dot-product kernel.</summary>
    internal const long PackedMaxElements = 1L << 20;
    /// <summary>For A/B measurements: false sends wide Aᵀ·B to the dot-product kernel.</summary>
    internal static bool UsePackedTN = true;

    /// <summary>
    /// Rows i0..i1 of C = α·Aᵀ·B + β·C for a wide B (the gradient xᵀ·δ₁ with 100 or 500 hidden units): columns i0..i1 of A are
    /// copied once as the rows of a column-major panel, then <see cref="NN"/> computes the product with no horizontal sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void TNPacked<T, TV, L>(int i0, int i1, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        int rows = i1 - i0;
        T[] rented = ArrayPool<T>.Shared.Rent(rows * k);
        try
        {
            fixed (T* panel = rented)
            {
                const int Block = 64;                                   // 64 columns of A at a time: reads and writes stay in cache
                for (int r0 = 0; r0 < rows; r0 += Block)
                    for (int p = 0; p < k; p++)
                        for (int r = r0, r1 = Math.Min(rows, r0 + Block); r < r1; r++)
                            panel[r + (long)p * rows] = a[(long)(i0 + r) * lda + p];   // panel (rows, k) = A[:, i0..i1]ᵀ
                NN<T, TV, L>(0, rows, n, k, alpha, panel, rows, b, ldb, beta, c + i0, ldc);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Rows i0..i1 of C = α·Aᵀ·B + β·C for a narrow B (the gradient xᵀ·δ₁: (784, batch)·(batch, 20)): B is packed once as
    /// Bᵀ rows padded to whole vectors, so row i of C is Σₚ A[p, i]·Bᵀ[p, :], a broadcast times whole vectors with no
    /// horizontal sums; 4 columns of A at a time share every load of Bᵀ (up to 3 vectors of it, 12 accumulators).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void TNNarrow<T, TV, L>(int i0, int i1, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        int W = L.Count, V = (n + W - 1) / W, np = V * W;
        T[] rented = ArrayPool<T>.Shared.Rent(k * np + W);
        try
        {
            fixed (T* bt = rented)
            {
                for (int p = 0; p < k; p++)
                {   // Bᵀ[p, :] = B[p, :], zero-padded to np
                    T* row = bt + (long)p * np;
                    for (int j = 0; j < n; j++) row[j] = b[p + (long)j * ldb];
                    for (int j = n; j < np; j++) row[j] = T.Zero;
                }
                T* row4 = bt + (long)k * np;                  // W scratch elements for storing one vector
                int i = i0;
                for (; i + 4 <= i1; i += 4)
                {
                    T* a0 = a + (long)i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
                    int v = 0;
                    for (; v + 3 <= V; v += 3)
                    {
                        TV s00 = L.Zero, s01 = L.Zero, s02 = L.Zero, s10 = L.Zero, s11 = L.Zero, s12 = L.Zero;
                        TV s20 = L.Zero, s21 = L.Zero, s22 = L.Zero, s30 = L.Zero, s31 = L.Zero, s32 = L.Zero;
                        T* bp = bt + v * W;
                        for (int p = 0; p < k; p++, bp += np)
                        {
                            TV y0 = L.Load(bp), y1 = L.Load(bp + W), y2 = L.Load(bp + 2 * W);
                            TV x = L.Broadcast(a0[p]); s00 = L.MultiplyAdd(x, y0, s00); s01 = L.MultiplyAdd(x, y1, s01); s02 = L.MultiplyAdd(x, y2, s02);
                            x = L.Broadcast(a1[p]); s10 = L.MultiplyAdd(x, y0, s10); s11 = L.MultiplyAdd(x, y1, s11); s12 = L.MultiplyAdd(x, y2, s12);
                            x = L.Broadcast(a2[p]); s20 = L.MultiplyAdd(x, y0, s20); s21 = L.MultiplyAdd(x, y1, s21); s22 = L.MultiplyAdd(x, y2, s22);
                            x = L.Broadcast(a3[p]); s30 = L.MultiplyAdd(x, y0, s30); s31 = L.MultiplyAdd(x, y1, s31); s32 = L.MultiplyAdd(x, y2, s32);
                        }
                        int j0 = v * W;
                        StoreRow<T, TV, L>(c + i, ldc, j0, n, s00, alpha, beta, row4); StoreRow<T, TV, L>(c + i, ldc, j0 + W, n, s01, alpha, beta, row4); StoreRow<T, TV, L>(c + i, ldc, j0 + 2 * W, n, s02, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 1, ldc, j0, n, s10, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 1, ldc, j0 + W, n, s11, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 1, ldc, j0 + 2 * W, n, s12, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 2, ldc, j0, n, s20, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 2, ldc, j0 + W, n, s21, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 2, ldc, j0 + 2 * W, n, s22, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 3, ldc, j0, n, s30, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 3, ldc, j0 + W, n, s31, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 3, ldc, j0 + 2 * W, n, s32, alpha, beta, row4);
                    }
                    for (; v + 2 <= V; v += 2)
                    {
                        TV s00 = L.Zero, s01 = L.Zero, s10 = L.Zero, s11 = L.Zero, s20 = L.Zero, s21 = L.Zero, s30 = L.Zero, s31 = L.Zero;
                        T* bp = bt + v * W;
                        for (int p = 0; p < k; p++, bp += np)
                        {
                            TV y0 = L.Load(bp), y1 = L.Load(bp + W);
                            TV x = L.Broadcast(a0[p]); s00 = L.MultiplyAdd(x, y0, s00); s01 = L.MultiplyAdd(x, y1, s01);
                            x = L.Broadcast(a1[p]); s10 = L.MultiplyAdd(x, y0, s10); s11 = L.MultiplyAdd(x, y1, s11);
                            x = L.Broadcast(a2[p]); s20 = L.MultiplyAdd(x, y0, s20); s21 = L.MultiplyAdd(x, y1, s21);
                            x = L.Broadcast(a3[p]); s30 = L.MultiplyAdd(x, y0, s30); s31 = L.MultiplyAdd(x, y1, s31);
                        }
                        int j0 = v * W;
                        StoreRow<T, TV, L>(c + i, ldc, j0, n, s00, alpha, beta, row4); StoreRow<T, TV, L>(c + i, ldc, j0 + W, n, s01, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 1, ldc, j0, n, s10, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 1, ldc, j0 + W, n, s11, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 2, ldc, j0, n, s20, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 2, ldc, j0 + W, n, s21, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 3, ldc, j0, n, s30, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 3, ldc, j0 + W, n, s31, alpha, beta, row4);
                    }
                    if (v < V)
                    {
                        TV s0 = L.Zero, s1 = L.Zero, s2 = L.Zero, s3 = L.Zero;
                        T* bp = bt + v * W;
                        for (int p = 0; p < k; p++, bp += np)
                        {
                            TV y = L.Load(bp);
                            s0 = L.MultiplyAdd(L.Broadcast(a0[p]), y, s0);
                            s1 = L.MultiplyAdd(L.Broadcast(a1[p]), y, s1);
                            s2 = L.MultiplyAdd(L.Broadcast(a2[p]), y, s2);
                            s3 = L.MultiplyAdd(L.Broadcast(a3[p]), y, s3);
                        }
                        int j0 = v * W;
                        StoreRow<T, TV, L>(c + i, ldc, j0, n, s0, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 1, ldc, j0, n, s1, alpha, beta, row4);
                        StoreRow<T, TV, L>(c + i + 2, ldc, j0, n, s2, alpha, beta, row4); StoreRow<T, TV, L>(c + i + 3, ldc, j0, n, s3, alpha, beta, row4);
                    }
                }
                for (; i < i1; i++)
                {
                    T* a0 = a + (long)i * lda;
                    for (int v = 0; v < V; v++)
                    {
                        TV s0 = L.Zero;
                        T* bp = bt + v * W;
                        for (int p = 0; p < k; p++, bp += np) s0 = L.MultiplyAdd(L.Broadcast(a0[p]), L.Load(bp), s0);
                        StoreRow<T, TV, L>(c + i, ldc, v * W, n, s0, alpha, beta, row4);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>C[i, j0 + l] for the lanes l of <paramref name="s"/> that are real columns (j0 + l &lt; n); <paramref name="ci"/> points at C[i, 0].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TV, L>(T* ci, int ldc, int j0, int n, TV s, T alpha, T beta, T* scratch)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        L.Store(s, scratch);
        int count = Math.Min(L.Count, n - j0);
        for (int l = 0; l < count; l++) StoreS(ci + (long)(j0 + l) * ldc, scratch[l], alpha, beta);
    }

    /// <summary>Rows i0..i1 of C = α·Aᵀ·B + β·C: C[i, j] is the dot product of the contiguous columns A[:, i] and B[:, j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void TNDot<T, TV, L>(int i0, int i1, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        int W = L.Count;
        int kv = k / W * W;
        bool tailMasked = kv != k && k >= W;
        TV mask = tailMasked ? L.Load(TailMask<T>.Pointer - W + (k - kv)) : L.Zero;   // lanes ≥ W − (k − kv) all ones
        int i = i0;
        for (; i + 2 <= i1; i += 2)
        {
            T* a0 = a + (long)i * lda, a1 = a0 + lda;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T* b0 = b + (long)j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                TV s00 = L.Zero, s01 = L.Zero, s02 = L.Zero, s03 = L.Zero, s10 = L.Zero, s11 = L.Zero, s12 = L.Zero, s13 = L.Zero;
                for (int p = 0; p < kv; p += W)
                {
                    TV x0 = L.Load(a0 + p), x1 = L.Load(a1 + p);
                    TV y = L.Load(b0 + p); s00 = L.MultiplyAdd(x0, y, s00); s10 = L.MultiplyAdd(x1, y, s10);
                    y = L.Load(b1 + p); s01 = L.MultiplyAdd(x0, y, s01); s11 = L.MultiplyAdd(x1, y, s11);
                    y = L.Load(b2 + p); s02 = L.MultiplyAdd(x0, y, s02); s12 = L.MultiplyAdd(x1, y, s12);
                    y = L.Load(b3 + p); s03 = L.MultiplyAdd(x0, y, s03); s13 = L.MultiplyAdd(x1, y, s13);
                }
                T* cc = c + (long)j * ldc + i;
                if (tailMasked)
                {   // the last k − kv elements: one more vector ending at k, its already-counted lanes masked to 0
                    int p = k - W;
                    TV x0 = L.And(L.Load(a0 + p), mask), x1 = L.And(L.Load(a1 + p), mask);
                    TV y = L.And(L.Load(b0 + p), mask); s00 = L.MultiplyAdd(x0, y, s00); s10 = L.MultiplyAdd(x1, y, s10);
                    y = L.And(L.Load(b1 + p), mask); s01 = L.MultiplyAdd(x0, y, s01); s11 = L.MultiplyAdd(x1, y, s11);
                    y = L.And(L.Load(b2 + p), mask); s02 = L.MultiplyAdd(x0, y, s02); s12 = L.MultiplyAdd(x1, y, s12);
                    y = L.And(L.Load(b3 + p), mask); s03 = L.MultiplyAdd(x0, y, s03); s13 = L.MultiplyAdd(x1, y, s13);
                    StoreS(cc, L.Sum(s00), alpha, beta);
                    StoreS(cc + 1, L.Sum(s10), alpha, beta);
                    StoreS(cc + ldc, L.Sum(s01), alpha, beta);
                    StoreS(cc + ldc + 1, L.Sum(s11), alpha, beta);
                    StoreS(cc + 2 * ldc, L.Sum(s02), alpha, beta);
                    StoreS(cc + 2 * ldc + 1, L.Sum(s12), alpha, beta);
                    StoreS(cc + 3 * ldc, L.Sum(s03), alpha, beta);
                    StoreS(cc + 3 * ldc + 1, L.Sum(s13), alpha, beta);
                    continue;
                }
                StoreS(cc, L.Sum(s00) + Dot(a0 + kv, b0 + kv, k - kv), alpha, beta);
                StoreS(cc + 1, L.Sum(s10) + Dot(a1 + kv, b0 + kv, k - kv), alpha, beta);
                StoreS(cc + ldc, L.Sum(s01) + Dot(a0 + kv, b1 + kv, k - kv), alpha, beta);
                StoreS(cc + ldc + 1, L.Sum(s11) + Dot(a1 + kv, b1 + kv, k - kv), alpha, beta);
                StoreS(cc + 2 * ldc, L.Sum(s02) + Dot(a0 + kv, b2 + kv, k - kv), alpha, beta);
                StoreS(cc + 2 * ldc + 1, L.Sum(s12) + Dot(a1 + kv, b2 + kv, k - kv), alpha, beta);
                StoreS(cc + 3 * ldc, L.Sum(s03) + Dot(a0 + kv, b3 + kv, k - kv), alpha, beta);
                StoreS(cc + 3 * ldc + 1, L.Sum(s13) + Dot(a1 + kv, b3 + kv, k - kv), alpha, beta);
            }
            for (; j < n; j++)
            {
                T* bj = b + (long)j * ldb;
                StoreS(c + (long)j * ldc + i, DotV<T, TV, L>(a0, bj, k), alpha, beta);
                StoreS(c + (long)j * ldc + i + 1, DotV<T, TV, L>(a1, bj, k), alpha, beta);
            }
        }
        for (; i < i1; i++)
            for (int j = 0; j < n; j++)
                StoreS(c + (long)j * ldc + i, DotV<T, TV, L>(a + (long)i * lda, b + (long)j * ldb, k), alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreV<T, TV, L>(T* c, TV s, T alpha, T beta)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        if (alpha != T.One) s = L.Multiply(s, L.Broadcast(alpha));
        if (beta != T.Zero) s = L.MultiplyAdd(L.Load(c), L.Broadcast(beta), s);
        L.Store(s, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreS<T>(T* c, T s, T alpha, T beta) where T : unmanaged, INumberBase<T>
        => *c = beta == T.Zero ? alpha * s : alpha * s + beta * *c;

    /// <summary>Σ x[p]·y[p] over contiguous memory, vectorised, with a 128-bit and a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static T DotV<T, TV, L>(T* x, T* y, int k)
        where T : unmanaged, INumberBase<T> where TV : unmanaged where L : struct, ILanes<T, TV>
    {
        int W = L.Count, p = 0;
        TV s = L.Zero;
        for (; p + W <= k; p += W) s = L.MultiplyAdd(L.Load(x + p), L.Load(y + p), s);
        return L.Sum(s) + Dot(x + p, y + p, k - p);
    }

    private static T Dot<T>(T* x, T* y, int k) where T : unmanaged, INumberBase<T>
    {
        int p = 0;
        T s = T.Zero;
        if (k >= 4 && Vector128.IsHardwareAccelerated && Vector128<T>.Count == 4)
        {
            var v = Vector128<T>.Zero;
            for (; p + 4 <= k; p += 4) v = Lanes128<T>.MultiplyAdd(Vector128.Load(x + p), Vector128.Load(y + p), v);
            s = Vector128.Sum(v);
        }
        for (; p < k; p++) s += x[p] * y[p];
        return s;
    }

    private static T DotStrided<T>(T* x, int stride, T* y, int k) where T : unmanaged, INumberBase<T>
    {
        T s = T.Zero;
        for (int p = 0; p < k; p++, x += stride) s += *x * y[p];
        return s;
    }

    private static void Scale<T>(T* c, long count, T beta) where T : unmanaged, INumberBase<T>
    {
        for (long i = 0; i < count; i++) c[i] = beta == T.Zero ? T.Zero : beta * c[i];
    }

    /// <summary>dst (cols×rows, column-major) ← srcᵀ, where src is rows×cols column-major with leading dimension ld.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static void Transpose<T>(T* src, int ld, int rows, int cols, T* dst) where T : unmanaged
    {
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                dst[j + (long)i * cols] = src[i + (long)j * ld];
    }

    /// <summary>64 zero elements then 64 all-ones elements: a vector loaded at Pointer − W + t has its last t lanes all ones.</summary>
    private static class TailMask<T> where T : unmanaged
    {
        private static readonly T[] Data = Create();
        public static readonly T* Pointer = (T*)Unsafe.AsPointer(ref Data[64]);   // the first all-ones element

        private static T[] Create()
        {
            var data = GC.AllocateArray<T>(128, pinned: true);
            var bytes = MemoryMarshal.AsBytes(data.AsSpan(64));
            bytes.Fill(0xFF);
            return data;
        }
    }
}
