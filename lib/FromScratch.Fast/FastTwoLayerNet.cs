using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace FromScratch.Fast;

/// <summary>
/// The tutorial's two-layer network in float32 for speed: the same math as <see cref="TwoLayerNet{T}"/>
/// (affine → sigmoid → affine → softmax, cross-entropy, backprop, SGD), laid out for the machine.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Weights are row-major with the hidden layer padded to the SIMD width (<see cref="PaddedHidden"/>): a row of W1 is
/// 2 vectors of 16 floats with AVX-512, so a1 = b1 + Σ xⱼ·W1[j, :] is a few fused multiply-adds per nonzero pixel.</item>
/// <item>Inputs are <see cref="SparseRows"/>: only the ~19% nonzero pixels are touched, forward and backward.</item>
/// <item>W1 is updated directly by the backward pass (W1[j, :] −= η·xⱼ·δ₁ for each nonzero xⱼ), so dW1 is never stored.</item>
/// <item>On two cores a step runs in three phases with a barrier between them, in one handoff (<see cref="Pair.Run(Action{int}[])"/>):
/// each row's first layer is summed in two sides of <see cref="SparseRows.MiddleColumn"/>, each core summing its side for
/// every row; then each core finishes half the rows (z1, dy, −η·δ₁, its part of the gradients of W2, b1, b2); then each
/// core updates only its side's rows of W1 (no cache line of W1 moves between the cores). One core runs the same phases
/// in the same order, so both give the same bits.</item>
/// <item>No allocation per step; evaluations take the argmax of the scores (softmax keeps the order, so it is skipped).</item>
/// </list>
/// Padding lanes hold zeros in W1, b1, W2 and b2 and stay zero. An instance keeps per-batch buffers: use it from one
/// thread at a time (<see cref="Accuracy"/> itself runs on several).
/// </remarks>
internal sealed unsafe class FastTwoLayerNet
{
    /// <summary>Input size (784 for MNIST).</summary>
    public int InputSize { get; }
    /// <summary>Hidden size (20 in the tutorial).</summary>
    public int HiddenSize { get; }
    /// <summary>Output size (10 classes).</summary>
    public int OutputSize { get; }
    /// <summary>
    /// Whether the last hidden vector (of an even number) holds at most 4 real units with 8- or 16-float vectors (20 = 16 + 4 with AVX-512): the
    /// first layer and its update then use a 128-bit vector for them, a quarter of the work of a full one. The padding
    /// lanes beyond stay 0 either way.
    /// </summary>
    private bool NarrowTail { get; }
    /// <summary>The hidden size rounded up to a whole number of SIMD vectors.</summary>
    public int PaddedHidden { get; }
    /// <summary>The output size rounded up to a whole number of SIMD vectors.</summary>
    public int PaddedOutput { get; }
    /// <summary>The δ inside the loss's log, as <see cref="TwoLayerNet{T}.LossDelta"/>.</summary>
    public double LossDelta { get; set; } = Functions.CrossEntropyDelta;

    private readonly Aligned<float> _w1;   // (input, Hp) row-major
    private readonly Aligned<float> _b1;   // (Hp)
    private readonly Aligned<float> _w2;   // (hidden, Op) row-major
    private readonly Aligned<float> _w2t;  // (output, Hp): W2ᵀ, for δ₁ = dy·W2ᵀ
    private readonly Aligned<float> _b2;   // (Op)
    // per batch: the two sides of the first layer (batch, Hp) ×2, z1 (batch, Hp), y or dy (batch, Op) and −η·δ₁ (batch, Hp);
    // the gradients of W2, b1 and b2 in two parts, one per half of the batch (summed in that order on one core or two)
    private Aligned<float> _a1 = new(0), _part = new(0);
    private Aligned<float> _z = new(0), _y = new(0), _sd1 = new(0);
    private readonly Aligned<float>[] _dW2Part, _db1Part, _db2Part;
    private readonly float[] _logSums = new float[2];

    /// <summary>A network of the given sizes with all parameters zero (copy real ones in with <see cref="CopyFrom"/>).</summary>
    public FastTwoLayerNet(int inputSize, int hiddenSize, int outputSize)
    {
        if (inputSize < 1 || hiddenSize < 1 || outputSize < 1)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"Sizes must be at least 1; got ({inputSize}, {hiddenSize}, {outputSize}).");
        (InputSize, HiddenSize, OutputSize) = (inputSize, hiddenSize, outputSize);
        int w = Simd.FloatLanes;
        PaddedHidden = Simd.RoundUp(hiddenSize, w);
        PaddedOutput = Simd.RoundUp(outputSize, w);
        NarrowTail = w > 4 && PaddedHidden / w % 2 == 0 && hiddenSize - (PaddedHidden - w) <= 4;
        _w1 = new(inputSize * PaddedHidden);
        _b1 = new(PaddedHidden);
        _w2 = new(hiddenSize * PaddedOutput);
        _w2t = new(outputSize * PaddedHidden);
        _b2 = new(PaddedOutput);
        _dW2Part = [new(hiddenSize * PaddedOutput), new(hiddenSize * PaddedOutput)];
        _db1Part = [new(PaddedHidden), new(PaddedHidden)];
        _db2Part = [new(PaddedOutput), new(PaddedOutput)];
    }

    /// <summary>A fast copy of <paramref name="net"/>'s parameters (and its <see cref="TwoLayerNet{T}.LossDelta"/>).</summary>
    public static FastTwoLayerNet From(TwoLayerNet<float> net)
    {
        var fast = new FastTwoLayerNet(net.InputSize, net.HiddenSize, net.OutputSize);
        fast.CopyFrom(net);
        return fast;
    }

    /// <summary>Loads the parameters of <paramref name="net"/> (same sizes).</summary>
    public void CopyFrom(TwoLayerNet<float> net)
    {
        RequireSameShape(net);
        LossDelta = net.LossDelta;
        int I = InputSize, H = HiddenSize, O = OutputSize, Hp = PaddedHidden, Op = PaddedOutput;
        var W1 = Data(net.Params["W1"]); var b1 = Data(net.Params["b1"]); var W2 = Data(net.Params["W2"]); var b2 = Data(net.Params["b2"]);
        _w1.Clear(); _b1.Clear(); _w2.Clear(); _b2.Clear();
        for (int h = 0; h < H; h++)                       // column-major (I, H) → row-major (I, Hp)
            for (int i = 0; i < I; i++) _w1.P[i * Hp + h] = W1[h * I + i];
        for (int h = 0; h < H; h++) _b1.P[h] = b1[h];
        for (int o = 0; o < O; o++)
            for (int h = 0; h < H; h++) _w2.P[h * Op + o] = W2[o * H + h];
        for (int o = 0; o < O; o++) _b2.P[o] = b2[o];
        RefreshW2T();
    }

    /// <summary>Writes the parameters into <paramref name="net"/>'s existing matrices, in place.</summary>
    public void CopyTo(TwoLayerNet<float> net)
    {
        RequireSameShape(net);
        int I = InputSize, H = HiddenSize, O = OutputSize, Hp = PaddedHidden, Op = PaddedOutput;
        var W1 = net.Params["W1"]; var b1 = net.Params["b1"]; var W2 = net.Params["W2"]; var b2 = net.Params["b2"];
        if (W1.Storage is DenseColumnMajorMatrixStorage<float> d1)
        {
            for (int h = 0; h < H; h++)
                for (int i = 0; i < I; i++) d1.Data[h * I + i] = _w1.P[i * Hp + h];
        }
        else for (int h = 0; h < H; h++) for (int i = 0; i < I; i++) W1[i, h] = _w1.P[i * Hp + h];
        for (int h = 0; h < H; h++) b1[0, h] = _b1.P[h];
        for (int o = 0; o < O; o++)
            for (int h = 0; h < H; h++) W2[h, o] = _w2.P[h * Op + o];
        for (int o = 0; o < O; o++) b2[0, o] = _b2.P[o];
    }

    /// <summary>The parameters as new (column-major) matrices of the readable network's shapes: W1, b1, W2, b2.</summary>
    public Dictionary<string, Matrix<float>> ToMatrices()
    {
        int I = InputSize, H = HiddenSize, O = OutputSize, Hp = PaddedHidden, Op = PaddedOutput;
        var build = Matrix<float>.Build;
        return new Dictionary<string, Matrix<float>>
        {
            ["W1"] = build.Dense(I, H, (i, h) => _w1.P[i * Hp + h]),
            ["b1"] = build.Dense(1, H, (_, h) => _b1.P[h]),
            ["W2"] = build.Dense(H, O, (h, o) => _w2.P[h * Op + o]),
            ["b2"] = build.Dense(1, O, (_, o) => _b2.P[o]),
        };
    }

    /// <summary>
    /// One training step on the rows <paramref name="batch"/> of <paramref name="data"/>: forward, backprop, and the SGD update
    /// W ← W − η·∂L/∂W of every parameter (what <see cref="TwoLayerNet{T}.Gradient"/> then <see cref="Sgd.Update{T}(IDictionary{string, Matrix{T}}, IReadOnlyDictionary{string, Matrix{T}}, T)"/> do).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    public void Step(SparseSplit data, ReadOnlySpan<int> batch, float learningRate)
    {
        Require(data, batch);
        bool two = UsePair(batch.Length);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (int* rows = batch)
        {
            switch (Simd.Bits)
            {
                case 512: StepCore<Vector512<float>, Lanes512<float>>(data, rows, batch.Length, learningRate); break;
                case 256: StepCore<Vector256<float>, Lanes256<float>>(data, rows, batch.Length, learningRate); break;
                default: StepCore<Vector128<float>, Lanes128<float>>(data, rows, batch.Length, learningRate); break;
            }
        }
        if (batch.Length >= PairMinimumBatch) _chooser.Record(two, System.Diagnostics.Stopwatch.GetTimestamp() - started);
    }

    /// <summary>The cross-entropy loss of the rows <paramref name="batch"/>, as <see cref="TwoLayerNet{T}.Loss"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    public double Loss(SparseSplit data, ReadOnlySpan<int> batch)
    {
        Require(data, batch);
        fixed (int* rows = batch)
        {
            switch (Simd.Bits)
            {
                case 512: LossCore<Vector512<float>, Lanes512<float>>(data, rows, batch.Length); break;
                case 256: LossCore<Vector256<float>, Lanes256<float>>(data, rows, batch.Length); break;
                default: LossCore<Vector128<float>, Lanes128<float>>(data, rows, batch.Length); break;
            }
            return -(_logSums[0] + _logSums[1]) / batch.Length;
        }
    }

    /// <summary>
    /// <see cref="Step"/> then <see cref="Loss"/> of the same rows (what each training iteration does), in one handoff to the
    /// second core instead of two: the same numbers as the two calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    public double StepThenLoss(SparseSplit data, ReadOnlySpan<int> batch, float learningRate)
    {
        Require(data, batch);
        bool two = UsePair(batch.Length);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (int* rows = batch)
        {
            switch (Simd.Bits)
            {
                case 512: StepThenLossCore<Vector512<float>, Lanes512<float>>(data, rows, batch.Length, learningRate); break;
                case 256: StepThenLossCore<Vector256<float>, Lanes256<float>>(data, rows, batch.Length, learningRate); break;
                default: StepThenLossCore<Vector128<float>, Lanes128<float>>(data, rows, batch.Length, learningRate); break;
            }
        }
        if (batch.Length >= PairMinimumBatch) _chooser.Record(two, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        return -(_logSums[0] + _logSums[1]) / batch.Length;
    }

    /// <summary>The class probabilities of the rows <paramref name="batch"/>, row-major (batch, output).</summary>
    public float[] Predict(SparseRows x, ReadOnlySpan<int> batch)
    {
        if (x.ColumnCount != InputSize) throw new ArgumentException($"x must have {InputSize} columns; got {x.ColumnCount}.", nameof(x));
        foreach (int r in batch) if ((uint)r >= (uint)x.RowCount) throw new ArgumentOutOfRangeException(nameof(batch), $"Row {r} is outside 0..{x.RowCount - 1}.");
        fixed (int* rows = batch)
        {
            switch (Simd.Bits)
            {
                case 512: FirstLayerBatch<Vector512<float>, Lanes512<float>>(x, rows, batch.Length); FinishRows<Vector512<float>, Lanes512<float>>(rows, 0, batch.Length, batch.Length, null); break;
                case 256: FirstLayerBatch<Vector256<float>, Lanes256<float>>(x, rows, batch.Length); FinishRows<Vector256<float>, Lanes256<float>>(rows, 0, batch.Length, batch.Length, null); break;
                default: FirstLayerBatch<Vector128<float>, Lanes128<float>>(x, rows, batch.Length); FinishRows<Vector128<float>, Lanes128<float>>(rows, 0, batch.Length, batch.Length, null); break;
            }
        }
        var result = new float[batch.Length * OutputSize];
        for (int i = 0; i < batch.Length; i++)
            new ReadOnlySpan<float>(_y.P + i * PaddedOutput, OutputSize).CopyTo(result.AsSpan(i * OutputSize));
        return result;
    }

    /// <summary>
    /// The fraction of all rows of <paramref name="data"/> whose highest score is the label (a row with a NaN score is never
    /// correct, as on the readable path); row blocks run in parallel.
    /// </summary>
    public double Accuracy(SparseSplit data)
    {
        if (data.X.ColumnCount != InputSize) throw new ArgumentException($"x must have {InputSize} columns; got {data.X.ColumnCount}.", nameof(data));
        if (data.Count == 0) return 0;
        return Simd.Bits switch
        {
            512 => AccuracyCore<Vector512<float>, Lanes512<float>>(data),
            256 => AccuracyCore<Vector256<float>, Lanes256<float>>(data),
            _ => AccuracyCore<Vector128<float>, Lanes128<float>>(data),
        };
    }

    // ---------------------------------------------------------------- kernels

    /// <summary>Whether the last three hidden vectors are summed in one pass over a row's pixels (else two: the same bits; for tests and timing).</summary>
    internal static bool UseThreeVectorPass = true;

    /// <summary>
    /// Part of the first layer for one row: <paramref name="a1"/> = <paramref name="start"/> + Σ xⱼ·W1[j, :] over the row's
    /// entries <paramref name="q0"/>..<paramref name="q1"/> (two vectors at a time, two chains of accumulators); a null
    /// <paramref name="start"/> starts from 0. Every forward pass sums a row in the same two parts, the pixels left of
    /// <see cref="SparseRows.MiddleColumn"/> from b1 and the rest from 0, then adds them (<see cref="Activate"/>): on one core
    /// or two, and in training as in evaluation, a row gets the same numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FirstLayerPart<TV, L>(ushort* cols, float* vals, nint q0, nint q1, float* start, float* a1)
        where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count, vectors = PaddedHidden / W;
        nint n = PaddedHidden;
        int k = 0;
        for (; vectors > 2 && k + 8 <= vectors; k += 8)
        {   // a wide layer: eight vectors of hidden units per pass over the row's pixels, one chain each
            int c0 = k * W;
            float* w = _w1.P + c0;
            TV s0 = L.Zero, s1 = L.Zero, s2 = L.Zero, s3 = L.Zero, s4 = L.Zero, s5 = L.Zero, s6 = L.Zero, s7 = L.Zero;
            if (start is not null)
            {
                float* b = start + c0;
                (s0, s1, s2, s3) = (L.Load(b), L.Load(b + W), L.Load(b + 2 * W), L.Load(b + 3 * W));
                (s4, s5, s6, s7) = (L.Load(b + 4 * W), L.Load(b + 5 * W), L.Load(b + 6 * W), L.Load(b + 7 * W));
            }
            for (nint q = q0; q < q1; q++)
            {
                float* r = w + cols[q] * n;
                TV v = L.Broadcast(vals[q]);
                s0 = L.MultiplyAdd(L.Load(r), v, s0); s1 = L.MultiplyAdd(L.Load(r + W), v, s1);
                s2 = L.MultiplyAdd(L.Load(r + 2 * W), v, s2); s3 = L.MultiplyAdd(L.Load(r + 3 * W), v, s3);
                s4 = L.MultiplyAdd(L.Load(r + 4 * W), v, s4); s5 = L.MultiplyAdd(L.Load(r + 5 * W), v, s5);
                s6 = L.MultiplyAdd(L.Load(r + 6 * W), v, s6); s7 = L.MultiplyAdd(L.Load(r + 7 * W), v, s7);
            }
            float* o = a1 + c0;
            L.Store(s0, o); L.Store(s1, o + W); L.Store(s2, o + 2 * W); L.Store(s3, o + 3 * W);
            L.Store(s4, o + 4 * W); L.Store(s5, o + 5 * W); L.Store(s6, o + 6 * W); L.Store(s7, o + 7 * W);
        }
        for (; k < vectors; k += 2)
        {
            int c0 = k * W;
            float* w0 = _w1.P + c0;
            if (vectors - k == 3 && UseThreeVectorPass)
            {   // the last three vectors (hidden 20 with 8 floats: 24 = 3 × 8): one pass over the row's pixels for all three, as
                // 2 + 1 passes would give bit for bit (each vector's even and odd pixels in two chains, then added), but each
                // pixel's column and value read once and six chains of multiply-adds in flight instead of four, then two
                float* w1 = w0 + W, w2 = w0 + 2 * W;
                TV s0 = start is null ? L.Zero : L.Load(start + c0), s1 = start is null ? L.Zero : L.Load(start + c0 + W);
                TV s2 = start is null ? L.Zero : L.Load(start + c0 + 2 * W), t0 = L.Zero, t1 = L.Zero, t2 = L.Zero;
                nint q = q0;
                for (; q + 2 <= q1; q += 2)
                {
                    ColumnPair(cols + q, n, out nint j0, out nint j1);
                    L.BroadcastTwo(vals + q, out TV v0, out TV v1);
                    s0 = L.MultiplyAdd(L.Load(w0 + j0), v0, s0); s1 = L.MultiplyAdd(L.Load(w1 + j0), v0, s1); s2 = L.MultiplyAdd(L.Load(w2 + j0), v0, s2);
                    t0 = L.MultiplyAdd(L.Load(w0 + j1), v1, t0); t1 = L.MultiplyAdd(L.Load(w1 + j1), v1, t1); t2 = L.MultiplyAdd(L.Load(w2 + j1), v1, t2);
                }
                if (q < q1)
                {
                    nint j0 = cols[q] * n;
                    TV v0 = L.Broadcast(vals[q]);
                    s0 = L.MultiplyAdd(L.Load(w0 + j0), v0, s0); s1 = L.MultiplyAdd(L.Load(w1 + j0), v0, s1); s2 = L.MultiplyAdd(L.Load(w2 + j0), v0, s2);
                }
                L.Store(L.Add(s0, t0), a1 + c0);
                L.Store(L.Add(s1, t1), a1 + c0 + W);
                L.Store(L.Add(s2, t2), a1 + c0 + 2 * W);
                return;
            }
            if (k + 2 == vectors && NarrowTail)
            {   // the last vector holds at most 4 hidden units (20 = 16 + 4): a 128-bit vector for it
                float* w1 = w0 + W;
                TV s0 = start is null ? L.Zero : L.Load(start + c0), t0 = L.Zero;
                Vector128<float> s1 = start is null ? Vector128<float>.Zero : Vector128.Load(start + c0 + W), t1 = Vector128<float>.Zero;
                nint q = q0;
                for (; q + 2 <= q1; q += 2)
                {
                    ColumnPair(cols + q, n, out nint j0, out nint j1);
                    L.BroadcastTwo(vals + q, out TV v0, out TV v1);
                    s0 = L.MultiplyAdd(L.Load(w0 + j0), v0, s0); s1 = Lanes128<float>.MultiplyAdd(Vector128.Load(w1 + j0), Lower128(v0), s1);
                    t0 = L.MultiplyAdd(L.Load(w0 + j1), v1, t0); t1 = Lanes128<float>.MultiplyAdd(Vector128.Load(w1 + j1), Lower128(v1), t1);
                }
                if (q < q1)
                {
                    nint j0 = cols[q] * n;
                    s0 = L.MultiplyAdd(L.Load(w0 + j0), L.Broadcast(vals[q]), s0); s1 = Lanes128<float>.MultiplyAdd(Vector128.Load(w1 + j0), Vector128.Create(vals[q]), s1);
                }
                L.Store(L.Add(s0, t0), a1 + c0);
                (s1 + t1).Store(a1 + c0 + W);
            }
            else if (k + 1 < vectors)
            {
                float* w1 = w0 + W;
                TV s0 = start is null ? L.Zero : L.Load(start + c0), s1 = start is null ? L.Zero : L.Load(start + c0 + W), t0 = L.Zero, t1 = L.Zero;
                nint q = q0;
                for (; q + 2 <= q1; q += 2)
                {
                    ColumnPair(cols + q, n, out nint j0, out nint j1);
                    L.BroadcastTwo(vals + q, out TV v0, out TV v1);
                    s0 = L.MultiplyAdd(L.Load(w0 + j0), v0, s0); s1 = L.MultiplyAdd(L.Load(w1 + j0), v0, s1);
                    t0 = L.MultiplyAdd(L.Load(w0 + j1), v1, t0); t1 = L.MultiplyAdd(L.Load(w1 + j1), v1, t1);
                }
                if (q < q1)
                {
                    nint j0 = cols[q] * n;
                    TV v0 = L.Broadcast(vals[q]);
                    s0 = L.MultiplyAdd(L.Load(w0 + j0), v0, s0); s1 = L.MultiplyAdd(L.Load(w1 + j0), v0, s1);
                }
                L.Store(L.Add(s0, t0), a1 + c0);
                L.Store(L.Add(s1, t1), a1 + c0 + W);
            }
            else
            {
                TV s0 = start is null ? L.Zero : L.Load(start + c0), t0 = L.Zero;
                nint q = q0;
                for (; q + 2 <= q1; q += 2)
                {
                    s0 = L.MultiplyAdd(L.Load(w0 + cols[q] * n), L.Broadcast(vals[q]), s0);
                    t0 = L.MultiplyAdd(L.Load(w0 + cols[q + 1] * n), L.Broadcast(vals[q + 1]), t0);
                }
                if (q < q1) s0 = L.MultiplyAdd(L.Load(w0 + cols[q] * n), L.Broadcast(vals[q]), s0);
                L.Store(L.Add(s0, t0), a1 + c0);
            }
        }
    }

    /// <summary>
    /// Where the rows of W1 for the pixel columns <paramref name="cols"/>[0] and [1] start (column · <paramref name="n"/>),
    /// from one 32-bit read of both columns: the sparse kernels are bound by their reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnPair(ushort* cols, nint n, out nint j0, out nint j1)
    {
        if (!BitConverter.IsLittleEndian) { (j0, j1) = (cols[0] * n, cols[1] * n); return; }
        uint pair = *(uint*)cols;
        (j0, j1) = ((nint)(pair & 0xFFFF) * n, (nint)(pair >> 16) * n);
    }

    /// <summary>The first four lanes of a broadcast value (a register's lower part: no work).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Lower128<TV>(TV v) where TV : unmanaged
    {
        if (typeof(TV) == typeof(Vector512<float>)) return ((Vector512<float>)(object)v).GetLower().GetLower();
        if (typeof(TV) == typeof(Vector256<float>)) return ((Vector256<float>)(object)v).GetLower();
        return (Vector128<float>)(object)v;
    }

    /// <summary>
    /// The rest of the forward pass for one row, from the two sides of its first layer: <see cref="Hidden"/> then
    /// <see cref="Output"/> (<paramref name="z1"/> may be <paramref name="a1"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Activate<TV, L>(float* a1, float* part, float* z1, float* a2) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        Hidden<TV, L>(a1, part, z1);
        Output<TV, L>(z1, a2);
    }

    /// <summary>z1 = σ(<paramref name="a1"/> + <paramref name="part"/>) for one row (<paramref name="z1"/> may be <paramref name="a1"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Hidden<TV, L>(float* a1, float* part, float* z1) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count;
        TV one = L.Broadcast(1f);
        int sigmoidEnd = NarrowTail ? PaddedHidden - W : PaddedHidden;
        for (int c0 = 0; c0 < sigmoidEnd; c0 += W) L.Store(Sigmoid<TV, L>(L.Add(L.Load(a1 + c0), L.Load(part + c0)), one), z1 + c0);
        if (NarrowTail)                                    // the last vector's at most 4 units as a 128-bit vector
            Sigmoid<Vector128<float>, Lanes128<float>>(Vector128.Load(a1 + sigmoidEnd) + Vector128.Load(part + sigmoidEnd), Vector128<float>.One).Store(z1 + sigmoidEnd);
    }

    /// <summary>a2 = b2 + Σₕ z1ₕ·W2[h, :] for one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Output<TV, L>(float* z1, float* a2) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count, Op = PaddedOutput, H = HiddenSize;
        float* w2 = _w2.P, b2 = _b2.P;
        for (int o0 = 0; o0 < Op; o0 += W)
        {
            TV s = L.Load(b2 + o0), t = L.Zero;
            int h = 0;
            for (; h + 2 <= H; h += 2)
            {
                s = L.MultiplyAdd(L.Broadcast(z1[h]), L.Load(w2 + h * Op + o0), s);
                t = L.MultiplyAdd(L.Broadcast(z1[h + 1]), L.Load(w2 + (h + 1) * Op + o0), t);
            }
            if (h < H) s = L.MultiplyAdd(L.Broadcast(z1[h]), L.Load(w2 + h * Op + o0), s);
            L.Store(L.Add(s, t), a2 + o0);
        }
    }

    /// <summary>Row <paramref name="r"/>: z1 = σ(b1 + Σⱼ xⱼ·W1[j, :]) over its nonzero xⱼ (in the two parts), then a2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ForwardRow<TV, L>(ushort* cols, float* vals, int* start, int* middle, int r, float* z1, float* part, float* a2)
        where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        FirstLayerPart<TV, L>(cols, vals, start[r], middle[r], _b1.P, z1);
        FirstLayerPart<TV, L>(cols, vals, middle[r], start[r + 1], null, part);
        Activate<TV, L>(z1, part, z1, a2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Sigmoid<TV, L>(TV a, TV one) where TV : unmanaged where L : struct, ILanes<float, TV>
        => L.Divide(one, L.Add(one, L.ExpFast(L.Subtract(L.Zero, a))));   // 1 / (1 + e^(−a))

    /// <summary>
    /// Softmax over the first <see cref="OutputSize"/> scores of a padded row, in place, as <see cref="Functions.Softmax{T}(Matrix{T})"/>:
    /// exp(a − max a) / Σ; the padding lanes are set to 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Softmax<TV, L>(float* a) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int O = OutputSize, Op = PaddedOutput;
        float max = a[0];
        for (int o = 1; o < O; o++) max = MathF.Max(max, a[o]);
        TV m = L.Broadcast(max);
        for (int o0 = 0; o0 < Op; o0 += L.Count) L.Store(L.ExpFast(L.Subtract(L.Load(a + o0), m)), a + o0);
        float sum = 0;
        for (int o = 0; o < O; o++) sum += a[o];
        TV s = L.Broadcast(sum);
        for (int o0 = 0; o0 < Op; o0 += L.Count) L.Store(L.Divide(L.Load(a + o0), s), a + o0);
        for (int o = O; o < Op; o++) a[o] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // once per step: optimised from the first call
    private void EnsureBatch(int batch)
    {
        int size = batch * PaddedHidden;
        if (_a1.Length >= size) return;
        (_a1, _part) = (new(size), new(size));
        (_z, _y, _sd1) = (new(size), new(batch * PaddedOutput), new(size));
    }

    /// <summary>Batches at least this large are shared out over two cores (<see cref="Pair"/>).</summary>
    internal const int PairMinimumBatch = 32;

    /// <summary>Whether a batch of <paramref name="batch"/> rows runs on two cores (<see cref="ForceOneCore"/> turns it off, for tests).</summary>
    private bool UsePair(int batch) => Pair.Available && !ForceOneCore && !OneThread && batch >= PairMinimumBatch && _chooser.UseTwo;

    /// <summary>
    /// Everything on the calling thread, steps and evaluations (for the bench's one-core row: its CPU time is then the
    /// engine's work, whatever else the machine runs). The same numbers either way.
    /// </summary>
    internal static bool OneThread { get; set; }

    private readonly PairChooser _chooser = new();

    /// <summary>Runs every step on the calling thread only (the results are the same bit for bit either way).</summary>
    internal bool ForceOneCore { get; set; }

    // The arguments of the current batch, read by both halves, and the halves themselves (created once: no allocation per step).
    private SparseRows? _x;
    private nint _rows;
    private int _batch;
    private float _lr;
    private SparseSplit? _split;
    private Action<int>[]? _firstLayer, _stepPhases, _lossPhases, _stepLossPhases;   // the phases, made once: the halves read their arguments from the fields above

    /// <summary>
    /// The first layer of each batch row in its two sides (<see cref="FirstLayerPart"/>) into the batch buffers. On two cores
    /// each core sums the pixels on its side of the middle column for every row, so each reads only its own rows of W1,
    /// the ones it also updates in <see cref="UpdateW1"/>: no line of W1 ever moves between the cores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private void FirstLayerBatch<TV, L>(SparseRows x, int* rows, int batch) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        EnsureBatch(batch);
        (_x, _rows, _batch) = (x, (nint)rows, batch);
        RunPhases(batch, _firstLayer ??= new Action<int>[]
        {
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int side) => FirstLayerRows<TV, L>(_x!, (int*)_rows, _batch, side),
        });
        _x = null;
    }

    /// <summary>
    /// Batch positions <paramref name="i0"/>..<paramref name="i1"/>: z1 and y = softmax(a2) into the batch buffers; with
    /// <paramref name="labels"/>, y is then replaced by dy = (y − t) / batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FinishRows<TV, L>(int* rows, int i0, int i1, int batch, int[]? labels) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int Hp = PaddedHidden, Op = PaddedOutput;
        float batchSize = batch;
        TV batchV = L.Broadcast(batchSize);
        float* z = _z.P, ys = _y.P;
        // phase by phase over the rows, not row by row: the rows of a phase are independent, so the core overlaps the latency
        // chains (exp, divide, multiply-add) of several rows; each row gets the same numbers either way
        for (int i = i0; i < i1; i++) Hidden<TV, L>(_a1.P + i * Hp, _part.P + i * Hp, z + i * Hp);
        for (int i = i0; i < i1; i++) Output<TV, L>(z + i * Hp, ys + i * Op);
        for (int i = i0; i < i1; i++) Softmax<TV, L>(ys + i * Op);
        if (labels is null) return;
        for (int i = i0; i < i1; i++)
        {
            float* y = ys + i * Op;
            int label = labels[rows[i]];                   // dy = (y − t) / batch: y / batch, and (y − 1) / batch at the answer
            float answer = y[label];
            for (int o0 = 0; o0 < Op; o0 += L.Count) L.Store(L.Divide(L.Load(y + o0), batchV), y + o0);   // padding lanes stay 0
            y[label] = (answer - 1f) / batchSize;
        }
    }

    /// <summary>
    /// The forward pass and Σ log(y of the answer + δ) of each half of the batch into <see cref="_logSums"/>: two phases,
    /// the first layer by sides, then the rest by halves of the batch (on one core each when two are used; the loss adds
    /// the two sums, so it is the same either way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private void LossCore<TV, L>(SparseSplit data, int* rows, int batch) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        EnsureBatch(batch);
        (_split, _rows, _batch) = (data, (nint)rows, batch);
        RunPhases(batch, _lossPhases ??= new Action<int>[]
        {
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int side) => FirstLayerRows<TV, L>(_split!.X, (int*)_rows, _batch, side),
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int half) => LogSum<TV, L>(_split!, (int*)_rows, _batch, half),
        });
        _split = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private void LogSum<TV, L>(SparseSplit data, int* rows, int batch, int half) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        var (i0, i1) = Half(batch, half);
        int Op = PaddedOutput;
        FinishRows<TV, L>(rows, i0, i1, batch, null);
        float delta = (float)LossDelta, sum = 0;
        float* y = _y.P;
        for (int i = i0; i < i1; i++) sum += MathF.Log(y[i * Op + data.Labels[rows[i]]] + delta);
        _logSums[half] = sum;
    }

    /// <summary>The batch positions of <paramref name="half"/> 0 (the first batch / 2) or 1 (the rest).</summary>
    private static (int I0, int I1) Half(int batch, int half) => half == 0 ? (0, batch / 2) : (batch / 2, batch);

    /// <summary>
    /// The phases one after another, each as <c>phase(0)</c> and <c>phase(1)</c>: on two cores at once when
    /// <see cref="UsePair"/> says so (<see cref="Pair.Run(Action{int}[])"/>, which waits for both halves of a phase before
    /// the next), else in the same order here. Either way every number is computed the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private void RunPhases(int batch, Action<int>[] phases)
    {
        if (UsePair(batch)) Pair.Run(phases);
        else foreach (var phase in phases) { phase(0); phase(1); }
    }

    /// <summary>
    /// One side of the first layer for every batch row: <paramref name="side"/> 0 sums the pixels left of the middle column
    /// from b1 into z1, side 1 the rest from 0 into the second buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FirstLayerRows<TV, L>(SparseRows x, int* rows, int batch, int side) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int Hp = PaddedHidden;
        fixed (int* start = x.RowStart, middle = x.RowMiddle) fixed (ushort* cols = x.Columns) fixed (float* vals = x.Values)
        {
            // the batch rows are random: ask for the row offsets first, then for each row's data (this side of it) two rows ahead
            if (Sse.IsSupported) for (int i = 0; i < batch; i++) Sse.Prefetch0(start + rows[i]);
            for (int i = 0; i < Math.Min(Ahead, batch); i++) Prefetch(start, middle, cols, vals, rows[i], side);
            for (int i = 0; i < batch; i++)
            {
                int r = rows[i];
                if (i + Ahead < batch) Prefetch(start, middle, cols, vals, rows[i + Ahead], side);
                if (side == 0) FirstLayerPart<TV, L>(cols, vals, start[r], middle[r], _b1.P, _a1.P + i * Hp);
                else FirstLayerPart<TV, L>(cols, vals, middle[r], start[r + 1], null, _part.P + i * Hp);
            }
        }
    }

    /// <summary>How many rows ahead <see cref="FirstLayerRows"/> asks for a row's data.</summary>
    private const int Ahead = 2;

    /// <summary>
    /// Asks the cache for the columns and values of row <paramref name="r"/> on <paramref name="side"/> of the middle column
    /// (only the part this core sums: on two cores each fetches its own).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(int* start, int* middle, ushort* cols, float* vals, int r, int side)
    {
        if (!Sse.IsSupported) return;
        int s = side == 0 ? start[r] : middle[r], e = side == 0 ? middle[r] : start[r + 1];
        for (int q = s; q < e; q += 32) Sse.Prefetch0(cols + q);
        for (int q = s; q < e; q += 16) Sse.Prefetch0(vals + q);
    }

    /// <summary>
    /// One step in three phases, each in two halves (on two cores at once when <see cref="UsePair"/> says so; see
    /// <see cref="RunPhases"/>): the first layer by sides of the middle column (<see cref="FirstLayerRows"/>); the rest of the
    /// forward pass, dy, −η·δ₁ and the gradients of W2, b1 and b2 by halves of the batch (<see cref="Gradients"/>); then
    /// W1 −= η·xᵀ·δ₁ by sides again (<see cref="UpdateW1"/>), every batch row's −η·δ₁ now written, and W2, b2, b1 ← − η·gradient
    /// with side 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepCore<TV, L>(SparseSplit data, int* rows, int batch, float lr) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        EnsureBatch(batch);
        (_split, _rows, _batch, _lr) = (data, (nint)rows, batch, lr);
        RunPhases(batch, _stepPhases ??= new Action<int>[]
        {
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int side) => FirstLayerRows<TV, L>(_split!.X, (int*)_rows, _batch, side),
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int half) => BackwardHalf<TV, L>(half),
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int side) => UpdateSide<TV, L>(side),
        });
        _split = null;
    }

    /// <summary>The step's second phase for one half of the batch: the rest of the forward pass, dy, −η·δ₁ and this half's gradients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardHalf<TV, L>(int half) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        var (i0, i1) = Half(_batch, half);
        FinishRows<TV, L>((int*)_rows, i0, i1, _batch, _split!.Labels);
        Gradients<TV, L>(i0, i1, half, _lr);
    }

    /// <summary>The step's third phase for one side: W1 on that side, and with side 0 W2, b2 and b1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateSide<TV, L>(int side) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        UpdateW1<TV, L>(_split!.X, (int*)_rows, _batch, side);
        if (side == 0) UpdateSecondLayer<TV, L>(_lr);
    }

    /// <summary>
    /// <see cref="StepCore"/>'s phases then <see cref="LossCore"/>'s, in one <see cref="RunPhases"/>, with the update of W1 and
    /// the loss's first layer in one phase: on each side of the middle column the loss reads only the rows of W1 (and, on
    /// side 0, b1) that the same side has just updated, so no wait between them is needed. The same numbers as the two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepThenLossCore<TV, L>(SparseSplit data, int* rows, int batch, float lr) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        EnsureBatch(batch);
        (_split, _rows, _batch, _lr) = (data, (nint)rows, batch, lr);
        RunPhases(batch, _stepLossPhases ??= new Action<int>[]
        {
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int side) => FirstLayerRows<TV, L>(_split!.X, (int*)_rows, _batch, side),
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int half) => BackwardHalf<TV, L>(half),
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int side) =>
            {
                UpdateSide<TV, L>(side);
                FirstLayerRows<TV, L>(_split!.X, (int*)_rows, _batch, side);
            },
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int half) => LogSum<TV, L>(_split!, (int*)_rows, _batch, half),
        });
        _split = null;
    }

    /// <summary>
    /// Batch positions <paramref name="i0"/>..<paramref name="i1"/> (half <paramref name="part"/> of the batch), from their z1
    /// and dy: −η·δ₁ = −η·(dy·W2ᵀ) ⊙ z1 ⊙ (1 − z1) into the batch buffer, and this half's part of the gradients of W2
    /// (z1ᵀ·dy), b2 (Σ dy) and b1 (Σ δ₁), rows in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gradients<TV, L>(int i0, int i1, int part, float lr) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count, H = HiddenSize, O = OutputSize, Hp = PaddedHidden, Op = PaddedOutput;
        float* dW2 = _dW2Part[part].P, db1 = _db1Part[part].P, db2 = _db2Part[part].P, w2t = _w2t.P;
        _dW2Part[part].Clear(); _db1Part[part].Clear(); _db2Part[part].Clear();
        TV one = L.Broadcast(1f), minusLr = L.Broadcast(-lr);
        for (int i = i0; i < i1; i++)
        {
            float* dy = _y.P + i * Op, z1 = _z.P + i * Hp, sd1 = _sd1.P + i * Hp;
            for (int o0 = 0; o0 < Op; o0 += W)
            {
                TV d = L.Load(dy + o0);
                L.Store(L.Add(L.Load(db2 + o0), d), db2 + o0);                           // db2 += dy
                for (int h = 0; h < H; h++)                                             // dW2 += z1ᵀ·dy
                    L.Store(L.MultiplyAdd(L.Broadcast(z1[h]), d, L.Load(dW2 + h * Op + o0)), dW2 + h * Op + o0);
            }
            // δ₁ = (dy·W2ᵀ) ⊙ z1 ⊙ (1 − z1)
            for (int c0 = 0; c0 < Hp; c0 += W)
            {
                TV s = L.Zero, t = L.Zero;
                int o = 0;
                for (; o + 2 <= O; o += 2)
                {
                    s = L.MultiplyAdd(L.Broadcast(dy[o]), L.Load(w2t + o * Hp + c0), s);
                    t = L.MultiplyAdd(L.Broadcast(dy[o + 1]), L.Load(w2t + (o + 1) * Hp + c0), t);
                }
                if (o < O) s = L.MultiplyAdd(L.Broadcast(dy[o]), L.Load(w2t + o * Hp + c0), s);
                TV z = L.Load(z1 + c0);
                TV d = L.Multiply(L.Multiply(z, L.Subtract(one, z)), L.Add(s, t));
                L.Store(L.Add(L.Load(db1 + c0), d), db1 + c0);                             // db1 += δ₁
                L.Store(L.Multiply(minusLr, d), sd1 + c0);                                 // −η·δ₁
            }
        }
    }

    /// <summary>W2, b2, b1 ← − η·gradient, each gradient the sum of its two halves' parts (first half + second half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateSecondLayer<TV, L>(float lr) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count, H = HiddenSize, Hp = PaddedHidden, Op = PaddedOutput;
        TV lrV = L.Broadcast(lr);
        static void Update(float* p, float* g0, float* g1, int count, TV lrV)
        {
            for (int k = 0; k < count; k += L.Count) L.Store(L.Subtract(L.Load(p + k), L.Multiply(L.Add(L.Load(g0 + k), L.Load(g1 + k)), lrV)), p + k);
        }
        Update(_w2.P, _dW2Part[0].P, _dW2Part[1].P, H * Op, lrV);
        Update(_b2.P, _db2Part[0].P, _db2Part[1].P, Op, lrV);
        Update(_b1.P, _db1Part[0].P, _db1Part[1].P, Hp, lrV);
        RefreshW2T();
    }

    /// <summary>
    /// W1 −= η·xᵀ·δ₁ on the rows of W1 on <paramref name="side"/> 0 (left of the middle column) or 1 (the rest), from every
    /// batch row's −η·δ₁: one nonzero pixel at a time, batch rows in order, so each element of W1 gets the same sums in the
    /// same order on one core or two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateW1<TV, L>(SparseRows x, int* rows, int batch, int side) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count, Hp = PaddedHidden, vectors = Hp / W;
        // W1 −= η·xᵀ·δ₁, one nonzero pixel at a time: W1[j, :] += xⱼ·(−η·δ₁ᵢ), two hidden vectors per pass
        nint n = Hp;
        fixed (int* start = x.RowStart, middle = x.RowMiddle) fixed (ushort* cols = x.Columns) fixed (float* vals = x.Values)
        {
            for (int i = 0; i < batch; i++)
            {
                int r = rows[i];
                nint q0 = side == 0 ? start[r] : middle[r], q1 = side == 0 ? middle[r] : start[r + 1];
                float* sd1 = _sd1.P + i * Hp;
                if (vectors > 2 && UseBlockedUpdate)
                {   // a wide layer: blocks of up to eight hidden vectors, their −η·δ₁ held in registers, one pass over the row's
                    // pixels per block (each element of W1 gets the same sums in the same order as a whole row at a time)
                    int k = 0;
                    for (; k + 8 <= vectors; k += 8) UpdateBlock8<TV, L>(cols, vals, q0, q1, _w1.P + k * W, sd1 + k * W, n);
                    if (vectors - k >= 4) { UpdateBlock4<TV, L>(cols, vals, q0, q1, _w1.P + k * W, sd1 + k * W, n); k += 4; }
                    if (vectors - k == 3) UpdateBlock3<TV, L>(cols, vals, q0, q1, _w1.P + k * W, sd1 + k * W, n);
                    else if (vectors - k == 2) UpdateBlock2<TV, L>(cols, vals, q0, q1, _w1.P + k * W, sd1 + k * W, n);
                    else if (vectors - k == 1) UpdateBlock1<TV, L>(cols, vals, q0, q1, _w1.P + k * W, sd1 + k * W, n);
                    continue;
                }
                if (vectors > 2)
                {   // a wide layer, the way before the blocks (kept for tests and timing): each nonzero pixel's whole row of W1 at once
                    for (nint q = q0; q < q1; q++)
                    {
                        float* row = _w1.P + cols[q] * n;
                        TV v = L.Broadcast(vals[q]);
                        for (int c0 = 0; c0 < Hp; c0 += W) L.Store(L.MultiplyAdd(v, L.Load(sd1 + c0), L.Load(row + c0)), row + c0);
                    }
                    continue;
                }
                for (int k = 0; k < vectors; k += 2)
                {
                    float* w0 = _w1.P + k * W;
                    TV d0 = L.Load(sd1 + k * W);                   // −η·δ₁ stays in a register
                    if (k + 2 == vectors && NarrowTail)
                    {   // the last vector's at most 4 hidden units as a 128-bit vector (see FirstLayerPart)
                        float* w1 = w0 + W;
                        var d1 = Vector128.Load(sd1 + k * W + W);
                        nint q = q0;
                        for (; q + 2 <= q1; q += 2)
                        {   // two pixels per pass, as one at a time gives bit for bit (their rows of W1 differ)
                            ColumnPair(cols + q, n, out nint j0, out nint j1);
                            L.BroadcastTwo(vals + q, out TV v0, out TV v1);
                            L.Store(L.MultiplyAdd(v0, d0, L.Load(w0 + j0)), w0 + j0);
                            Lanes128<float>.MultiplyAdd(Lower128(v0), d1, Vector128.Load(w1 + j0)).Store(w1 + j0);
                            L.Store(L.MultiplyAdd(v1, d0, L.Load(w0 + j1)), w0 + j1);
                            Lanes128<float>.MultiplyAdd(Lower128(v1), d1, Vector128.Load(w1 + j1)).Store(w1 + j1);
                        }
                        for (; q < q1; q++)
                        {
                            nint j = cols[q] * n;
                            float v = vals[q];
                            L.Store(L.MultiplyAdd(L.Broadcast(v), d0, L.Load(w0 + j)), w0 + j);
                            Lanes128<float>.MultiplyAdd(Vector128.Create(v), d1, Vector128.Load(w1 + j)).Store(w1 + j);
                        }
                    }
                    else if (k + 1 < vectors)
                    {
                        float* w1 = w0 + W;
                        TV d1 = L.Load(sd1 + k * W + W);
                        for (nint q = q0; q < q1; q++)
                        {
                            nint j = cols[q] * n;
                            TV v = L.Broadcast(vals[q]);
                            L.Store(L.MultiplyAdd(v, d0, L.Load(w0 + j)), w0 + j);
                            L.Store(L.MultiplyAdd(v, d1, L.Load(w1 + j)), w1 + j);
                        }
                    }
                    else
                        for (nint q = q0; q < q1; q++)
                        {
                            float* row = w0 + cols[q] * n;
                            L.Store(L.MultiplyAdd(L.Broadcast(vals[q]), d0, L.Load(row)), row);
                        }
                }
            }
        }
    }

    /// <summary>Whether wide layers update W1 in blocks of hidden vectors held in registers (else a whole row per pixel: the same bits; for tests and timing).</summary>
    internal static bool UseBlockedUpdate = true;

    // W1[j, block] += xⱼ·(−η·δ₁[block]) over the pixels q0..q1 of one batch row, for a block of 8, 4, 3, 2 or 1 hidden vectors
    // starting at w (W1's first row, this block's columns) and d (the row's −η·δ₁ at the same columns)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlock8<TV, L>(ushort* cols, float* vals, nint q0, nint q1, float* w, float* d, nint n) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count;
        TV d0 = L.Load(d), d1 = L.Load(d + W), d2 = L.Load(d + 2 * W), d3 = L.Load(d + 3 * W);
        TV d4 = L.Load(d + 4 * W), d5 = L.Load(d + 5 * W), d6 = L.Load(d + 6 * W), d7 = L.Load(d + 7 * W);
        for (nint q = q0; q < q1; q++)
        {
            float* r = w + cols[q] * n;
            TV v = L.Broadcast(vals[q]);
            L.Store(L.MultiplyAdd(v, d0, L.Load(r)), r); L.Store(L.MultiplyAdd(v, d1, L.Load(r + W)), r + W);
            L.Store(L.MultiplyAdd(v, d2, L.Load(r + 2 * W)), r + 2 * W); L.Store(L.MultiplyAdd(v, d3, L.Load(r + 3 * W)), r + 3 * W);
            L.Store(L.MultiplyAdd(v, d4, L.Load(r + 4 * W)), r + 4 * W); L.Store(L.MultiplyAdd(v, d5, L.Load(r + 5 * W)), r + 5 * W);
            L.Store(L.MultiplyAdd(v, d6, L.Load(r + 6 * W)), r + 6 * W); L.Store(L.MultiplyAdd(v, d7, L.Load(r + 7 * W)), r + 7 * W);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlock4<TV, L>(ushort* cols, float* vals, nint q0, nint q1, float* w, float* d, nint n) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count;
        TV d0 = L.Load(d), d1 = L.Load(d + W), d2 = L.Load(d + 2 * W), d3 = L.Load(d + 3 * W);
        for (nint q = q0; q < q1; q++)
        {
            float* r = w + cols[q] * n;
            TV v = L.Broadcast(vals[q]);
            L.Store(L.MultiplyAdd(v, d0, L.Load(r)), r); L.Store(L.MultiplyAdd(v, d1, L.Load(r + W)), r + W);
            L.Store(L.MultiplyAdd(v, d2, L.Load(r + 2 * W)), r + 2 * W); L.Store(L.MultiplyAdd(v, d3, L.Load(r + 3 * W)), r + 3 * W);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlock3<TV, L>(ushort* cols, float* vals, nint q0, nint q1, float* w, float* d, nint n) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count;
        TV d0 = L.Load(d), d1 = L.Load(d + W), d2 = L.Load(d + 2 * W);
        nint q = q0;
        for (; q + 2 <= q1; q += 2)
        {   // two pixels per pass, as one at a time gives bit for bit (their rows of W1 differ)
            ColumnPair(cols + q, n, out nint j0, out nint j1);
            float* r0 = w + j0, r1 = w + j1;
            L.BroadcastTwo(vals + q, out TV v0, out TV v1);
            L.Store(L.MultiplyAdd(v0, d0, L.Load(r0)), r0); L.Store(L.MultiplyAdd(v0, d1, L.Load(r0 + W)), r0 + W);
            L.Store(L.MultiplyAdd(v0, d2, L.Load(r0 + 2 * W)), r0 + 2 * W);
            L.Store(L.MultiplyAdd(v1, d0, L.Load(r1)), r1); L.Store(L.MultiplyAdd(v1, d1, L.Load(r1 + W)), r1 + W);
            L.Store(L.MultiplyAdd(v1, d2, L.Load(r1 + 2 * W)), r1 + 2 * W);
        }
        for (; q < q1; q++)
        {
            float* r = w + cols[q] * n;
            TV v = L.Broadcast(vals[q]);
            L.Store(L.MultiplyAdd(v, d0, L.Load(r)), r); L.Store(L.MultiplyAdd(v, d1, L.Load(r + W)), r + W);
            L.Store(L.MultiplyAdd(v, d2, L.Load(r + 2 * W)), r + 2 * W);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlock2<TV, L>(ushort* cols, float* vals, nint q0, nint q1, float* w, float* d, nint n) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int W = L.Count;
        TV d0 = L.Load(d), d1 = L.Load(d + W);
        for (nint q = q0; q < q1; q++)
        {
            float* r = w + cols[q] * n;
            TV v = L.Broadcast(vals[q]);
            L.Store(L.MultiplyAdd(v, d0, L.Load(r)), r); L.Store(L.MultiplyAdd(v, d1, L.Load(r + W)), r + W);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlock1<TV, L>(ushort* cols, float* vals, nint q0, nint q1, float* w, float* d, nint n) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        TV d0 = L.Load(d);
        for (nint q = q0; q < q1; q++)
        {
            float* r = w + cols[q] * n;
            L.Store(L.MultiplyAdd(L.Broadcast(vals[q]), d0, L.Load(r)), r);
        }
    }

    /// <summary>
    /// Evaluations on a two-core machine run on <see cref="Pair"/>, both cores taking blocks of <see cref="PairBlock"/> rows
    /// in turn (its helper thread is awake right after a training step, and a thread-pool round trip would compete with it for
    /// the second core); with more cores, in row blocks on all of them.
    /// </summary>
    internal static bool EvaluateInPairs { get; set; } = Environment.ProcessorCount <= 2;

    /// <summary>Rows per block the two cores of an evaluation take in turn (a count is a whole number: the order never matters).</summary>
    internal const int PairBlock = 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private double AccuracyCore<TV, L>(SparseSplit data) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        const int Block = 1024;
        int n = data.Count, correct = 0;
        if (OneThread)
            for (int b = 0; b < n; b += Block) correct += CorrectIn<TV, L>(data, b, Math.Min(n, b + Block));
        else if (EvaluateInPairs)
        {   // both cores take blocks of rows until none is left: a core that another process slows down takes fewer
            int[] counts = new int[2];
            int next = 0, blocks = (n + PairBlock - 1) / PairBlock;
            Pair.Run([MethodImpl(MethodImplOptions.AggressiveOptimization)] (int half) =>
            {
                for (int b; (b = Interlocked.Increment(ref next) - 1) < blocks;)
                    counts[half] += CorrectIn<TV, L>(data, b * PairBlock, Math.Min(n, b * PairBlock + PairBlock));
            });
            correct = counts[0] + counts[1];
        }
        else
            Parallel.For(0, (n + Block - 1) / Block, () => 0, (b, _, local) => local + CorrectIn<TV, L>(data, b * Block, Math.Min(n, b * Block + Block)),
                local => Interlocked.Add(ref correct, local));
        return (double)correct / n;
    }

    /// <summary>How many of the rows <paramref name="r0"/>..<paramref name="r1"/> have their highest score at the label.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CorrectIn<TV, L>(SparseSplit data, int r0, int r1) where TV : unmanaged where L : struct, ILanes<float, TV>
    {
        int O = OutputSize, correct = 0;
        var x = data.X;
        float* z1 = stackalloc float[PaddedHidden];
        float* part = stackalloc float[PaddedHidden];
        float* a2 = stackalloc float[PaddedOutput];
        fixed (int* start = x.RowStart, middle = x.RowMiddle) fixed (ushort* cols = x.Columns) fixed (float* vals = x.Values)
        {
            for (int r = r0; r < r1; r++)
            {
                ForwardRow<TV, L>(cols, vals, start, middle, r, z1, part, a2);
                int best = 0;                                   // argmax of a2 = argmax of softmax(a2)
                bool nan = float.IsNaN(a2[0]);
                for (int o = 1; o < O; o++) { if (a2[o] > a2[best]) best = o; nan |= float.IsNaN(a2[o]); }
                if (best == data.Labels[r] && !nan) correct++;  // the shared rule (Network.Accuracy): a NaN score is never correct
            }
        }
        return correct;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // once per step: optimised from the first call
    private void RefreshW2T()
    {
        int H = HiddenSize, O = OutputSize, Hp = PaddedHidden, Op = PaddedOutput;
        for (int o = 0; o < O; o++)
            for (int h = 0; h < H; h++) _w2t.P[o * Hp + h] = _w2.P[h * Op + o];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // once per step: optimised from the first call
    private void Require(SparseSplit data, ReadOnlySpan<int> batch)
    {
        if (data.X.ColumnCount != InputSize) throw new ArgumentException($"x must have {InputSize} columns; got {data.X.ColumnCount}.", nameof(data));
        if (batch.Length == 0) throw new ArgumentException("The batch is empty.", nameof(batch));
        foreach (int r in batch) if ((uint)r >= (uint)data.Count) throw new ArgumentOutOfRangeException(nameof(batch), $"Row {r} is outside 0..{data.Count - 1}.");
        foreach (int r in batch) if ((uint)data.Labels[r] >= (uint)OutputSize) throw new ArgumentException($"Label {data.Labels[r]} of row {r} is not a class 0..{OutputSize - 1}.", nameof(data));
    }

    private void RequireSameShape(TwoLayerNet<float> net)
    {
        if (net.InputSize != InputSize || net.HiddenSize != HiddenSize || net.OutputSize != OutputSize)
            throw new ArgumentException($"Sizes differ: this is ({InputSize}, {HiddenSize}, {OutputSize}), the network is ({net.InputSize}, {net.HiddenSize}, {net.OutputSize}).", nameof(net));
    }

    private static float[] Data(Matrix<float> m)
        => m.Storage is DenseColumnMajorMatrixStorage<float> d ? d.Data : m.ToColumnMajorArray();
}
