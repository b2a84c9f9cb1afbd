using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Fast;

/// <summary>
/// The engine's part of the bench's numerical gradient (<c>FastNumericalGradient</c> in FromScratch.Bench): the loss of a
/// float64 <see cref="TwoLayerNet{T}"/> on one batch, evaluated fast as a black box, and one central difference
/// (L(p + h) − L(p − h)) / 2h of one parameter, exactly as <c>Functions.NumericalGradient</c> takes it.
/// </summary>
/// <remarks>
/// Only the evaluation of the loss is faster: the batch's inputs are kept as sparse rows (the zero pixels add nothing),
/// the weights row-major and padded to the SIMD width, no allocation per evaluation. Nothing uses which part of the
/// network a perturbation touches. The driver that shares the parameters out over the cores lives with the bench: this
/// is not code a learner loads.
/// </remarks>
internal static class NumericalLoss
{
    /// <summary>Whether two last vectors of hidden units are summed in one pass (else one pass each: the same bits; for timing).</summary>
    internal static bool UseTwoVectorPass = true;

    /// <summary>
    /// The batch's nonzero x, grouped by block of pixels (columns) and then by row: entries <c>Start[b·Rows + r]</c> up to
    /// the next start are row r's nonzero pixels in block b, in column order; and the nonzero answers of t.
    /// </summary>
    /// <remarks>
    /// A block's rows of W1 fit in the core's first-level cache (<see cref="BlockBytes"/>), so the first layer reads each
    /// row of W1 from there, not from the slower cache behind it, however many rows of x use it.
    /// </remarks>
    internal sealed record Batch(int Rows, int Blocks, int[] Start, int[] Columns, double[] Values, (int Row, int Column, double Value)[] Answers)
    {
        /// <summary>How many bytes of W1 one block of pixels spans at most: half a typical 32 KB first-level cache.</summary>
        public const int BlockBytes = 16 * 1024;

        public static Batch From(Matrix<double> x, Matrix<double> t, int paddedHidden)
        {
            int n = x.RowCount, columns = x.ColumnCount;
            int width = Math.Max(1, BlockBytes / (paddedHidden * sizeof(double)));   // pixels per block
            int blocks = (columns + width - 1) / width;
            var start = new int[blocks * n + 1];
            var cols = new List<int>();
            var vals = new List<double>();
            for (int b = 0; b < blocks; b++)
                for (int r = 0; r < n; r++)
                {
                    for (int c = b * width, end = Math.Min(columns, c + width); c < end; c++)
                        if (x[r, c] is var v && v != 0) { cols.Add(c); vals.Add(v); }
                    start[b * n + r + 1] = cols.Count;
                }
            var answers = new List<(int, int, double)>();
            for (int c = 0; c < t.ColumnCount; c++)      // the order CrossEntropyError sums in
                for (int r = 0; r < n; r++)
                    if (t[r, c] != 0) answers.Add((r, c, t[r, c]));
            return new Batch(n, blocks, start, [.. cols], [.. vals], [.. answers]);
        }
    }

    /// <summary>One core's copy of the network and buffers: perturb one parameter, evaluate the loss twice, restore.</summary>
    internal sealed unsafe class Evaluator
    {
        private readonly Batch _batch;
        private readonly int _inputs, _hidden, _outputs, _hp, _op;
        private readonly Aligned<double> _w1;           // W1 (input, Hp), row-major, padded with 0, 64-byte aligned
        private readonly double[] _b1, _w2, _b2;        // b1 (Hp), W2 (hidden, Op), b2 (Op): row-major, padded with 0
        private readonly double[] _a1;                  // the batch's first layer (rows, Hp): x·W1, then z1 = σ(x·W1 + b1) in place
        private readonly double[] _y, _totals;          // the batch's exp(a2 − max) (rows, Op) and each row's Σ
        private readonly double _delta;
        private readonly int[] _offsets;                 // where W1, b1, W2, b2 start in the flat parameter index

        public Evaluator(TwoLayerNet<double> net, Batch batch)
        {
            _batch = batch;
            (_inputs, _hidden, _outputs) = (net.InputSize, net.HiddenSize, net.OutputSize);
            _hp = PaddedHidden(_hidden);
            _op = Simd.RoundUp(_outputs, Simd.Bits / 64);
            _delta = net.LossDelta;
            _w1 = new Aligned<double>(_inputs * _hp);
            _b1 = new double[_hp];
            _w2 = new double[_hidden * _op];
            _b2 = new double[_op];
            _a1 = new double[batch.Rows * _hp];
            _y = new double[batch.Rows * _op];
            _totals = new double[batch.Rows];
            _offsets = [0, _inputs * _hidden, _inputs * _hidden + _hidden, _inputs * _hidden + _hidden + _hidden * _outputs];
            var p = net.Params;
            for (int i = 0; i < _inputs; i++) for (int h = 0; h < _hidden; h++) _w1.P[i * _hp + h] = p["W1"][i, h];
            for (int h = 0; h < _hidden; h++) _b1[h] = p["b1"][0, h];
            for (int h = 0; h < _hidden; h++) for (int o = 0; o < _outputs; o++) _w2[h * _op + o] = p["W2"][h, o];
            for (int o = 0; o < _outputs; o++) _b2[o] = p["b2"][0, o];
        }

        /// <summary>The hidden size rounded up to whole vectors of doubles.</summary>
        public static int PaddedHidden(int hidden) => Simd.RoundUp(hidden, Simd.Bits / 64);

        /// <summary>
        /// (L(p + h) − L(p − h)) / 2h for the parameter at flat index <paramref name="index"/>: W1, b1, W2, b2 one after the other,
        /// each column by column (as <c>Functions.NumericalGradient</c> runs over a matrix).
        /// </summary>
        public double CentralDifference(int index)
        {
            ref double p = ref Parameter(index);
            double h = Functions.NumericalGradientH, saved = p;
            p = saved + h;
            double fxh1 = Loss();      // f(x + h)
            p = saved - h;
            double fxh2 = Loss();      // f(x − h)
            p = saved;                 // restore
            return (fxh1 - fxh2) / (h + h);
        }

        private ref double Parameter(int index)
        {
            if (index < _offsets[1]) { int r = index % _inputs, c = index / _inputs; return ref _w1.P[r * _hp + c]; }
            if (index < _offsets[2]) return ref _b1[index - _offsets[1]];
            if (index < _offsets[3]) { int k = index - _offsets[2], r = k % _hidden, c = k / _hidden; return ref _w2[r * _op + c]; }
            return ref _b2[index - _offsets[3]];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Sigmoid<TV, L>(TV a, TV one) where TV : unmanaged where L : struct, ILanes<double, TV>
            => L.Divide(one, L.Add(one, L.ExpFast(L.Subtract(L.Zero, a))));

        /// <summary>The cross-entropy loss of the whole batch, as <see cref="TwoLayerNet{T}.Loss"/>.</summary>
        public double Loss() => Simd.Bits switch
        {
            512 => Loss<Vector512<double>, Lanes512<double>>(),
            256 => Loss<Vector256<double>, Lanes256<double>>(),
            _ => Loss<Vector128<double>, Lanes128<double>>(),
        };

        /// <summary>
        /// a1 += x·W1 for the whole batch, one block of pixels at a time (see <see cref="Batch"/>), three vectors of hidden
        /// units at a time, each summed in two chains (even and odd entries) so that six multiply-adds are in flight.
        /// (No calls in here, so the JIT keeps every vector in a register.)
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void FirstLayer<TV, L>(double* w1, int hp, int rowCount, int blocks, int* start, int* cols, double* vals, double* a1)
            where TV : unmanaged where L : struct, ILanes<double, TV>
        {
            int W = L.Count;
            for (int b = 0; b < blocks; b++)
                for (int r = 0; r < rowCount; r++)
                {
                    int s = start[b * rowCount + r], e = start[b * rowCount + r + 1];
                    if (s == e) continue;
                    double* a = a1 + r * hp;
                    int c0 = 0;
                    for (; c0 + 3 * W <= hp; c0 += 3 * W)
                    {
                        TV s0 = L.Zero, s1 = L.Zero, s2 = L.Zero, t0 = L.Zero, t1 = L.Zero, t2 = L.Zero;
                        int q = s;
                        for (; q + 2 <= e; q += 2)
                        {
                            double* r0 = w1 + cols[q] * hp + c0, r1 = w1 + cols[q + 1] * hp + c0;
                            TV v0 = L.Broadcast(vals[q]), v1 = L.Broadcast(vals[q + 1]);
                            s0 = L.MultiplyAdd(v0, L.Load(r0), s0); s1 = L.MultiplyAdd(v0, L.Load(r0 + W), s1); s2 = L.MultiplyAdd(v0, L.Load(r0 + 2 * W), s2);
                            t0 = L.MultiplyAdd(v1, L.Load(r1), t0); t1 = L.MultiplyAdd(v1, L.Load(r1 + W), t1); t2 = L.MultiplyAdd(v1, L.Load(r1 + 2 * W), t2);
                        }
                        if (q < e)
                        {
                            double* r0 = w1 + cols[q] * hp + c0;
                            TV v0 = L.Broadcast(vals[q]);
                            s0 = L.MultiplyAdd(v0, L.Load(r0), s0); s1 = L.MultiplyAdd(v0, L.Load(r0 + W), s1); s2 = L.MultiplyAdd(v0, L.Load(r0 + 2 * W), s2);
                        }
                        L.Store(L.Add(L.Load(a + c0), L.Add(s0, t0)), a + c0);
                        L.Store(L.Add(L.Load(a + c0 + W), L.Add(s1, t1)), a + c0 + W);
                        L.Store(L.Add(L.Load(a + c0 + 2 * W), L.Add(s2, t2)), a + c0 + 2 * W);
                    }
                    if (c0 + 2 * W <= hp && UseTwoVectorPass)
                    {   // two vectors left (hidden 20 with 4 doubles: 20 = 3 × 4 + 2 × 4): one pass for both, the bits of two passes
                        TV s0 = L.Zero, s1 = L.Zero, t0 = L.Zero, t1 = L.Zero;
                        int q = s;
                        for (; q + 2 <= e; q += 2)
                        {
                            double* r0 = w1 + cols[q] * hp + c0, r1 = w1 + cols[q + 1] * hp + c0;
                            TV v0 = L.Broadcast(vals[q]), v1 = L.Broadcast(vals[q + 1]);
                            s0 = L.MultiplyAdd(v0, L.Load(r0), s0); s1 = L.MultiplyAdd(v0, L.Load(r0 + W), s1);
                            t0 = L.MultiplyAdd(v1, L.Load(r1), t0); t1 = L.MultiplyAdd(v1, L.Load(r1 + W), t1);
                        }
                        if (q < e)
                        {
                            double* r0 = w1 + cols[q] * hp + c0;
                            TV v0 = L.Broadcast(vals[q]);
                            s0 = L.MultiplyAdd(v0, L.Load(r0), s0); s1 = L.MultiplyAdd(v0, L.Load(r0 + W), s1);
                        }
                        L.Store(L.Add(L.Load(a + c0), L.Add(s0, t0)), a + c0);
                        L.Store(L.Add(L.Load(a + c0 + W), L.Add(s1, t1)), a + c0 + W);
                        c0 += 2 * W;
                    }
                    for (; c0 < hp; c0 += W)
                    {
                        TV s0 = L.Zero, t0 = L.Zero;
                        int q = s;
                        for (; q + 2 <= e; q += 2)
                        {
                            s0 = L.MultiplyAdd(L.Broadcast(vals[q]), L.Load(w1 + cols[q] * hp + c0), s0);
                            t0 = L.MultiplyAdd(L.Broadcast(vals[q + 1]), L.Load(w1 + cols[q + 1] * hp + c0), t0);
                        }
                        if (q < e) s0 = L.MultiplyAdd(L.Broadcast(vals[q]), L.Load(w1 + cols[q] * hp + c0), s0);
                        L.Store(L.Add(L.Load(a + c0), L.Add(s0, t0)), a + c0);
                    }
                }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Loss<TV, L>() where TV : unmanaged where L : struct, ILanes<double, TV>
        {
            int W = L.Count, Hp = _hp, Op = _op, H = _hidden, O = _outputs;
            Array.Clear(_a1);
            double* w1 = _w1.P;
            fixed (double* b1 = _b1, w2 = _w2, b2 = _b2, a1 = _a1, y = _y, vals = _batch.Values)
            fixed (int* start = _batch.Start, cols = _batch.Columns)
            {
                FirstLayer<TV, L>(w1, Hp, _batch.Rows, _batch.Blocks, start, cols, vals, a1);
                TV one = L.Broadcast(1.0);
                for (int r = 0; r < _batch.Rows; r++)
                {
                    double* z1 = a1 + r * Hp;
                    // z1 = σ(a1 + b1) = 1 / (1 + e^(−a1 − b1)), in place
                    for (int c0 = 0; c0 < Hp; c0 += W) L.Store(Sigmoid<TV, L>(L.Add(L.Load(z1 + c0), L.Load(b1 + c0)), one), z1 + c0);
                    double* yr = y + r * Op;
                    for (int o0 = 0; o0 < Op; o0 += W)
                    {   // a2 = z1·W2 + b2
                        TV acc = L.Zero;
                        for (int h = 0; h < H; h++) acc = L.MultiplyAdd(L.Broadcast(z1[h]), L.Load(w2 + h * Op + o0), acc);
                        L.Store(L.Add(acc, L.Load(b2 + o0)), yr + o0);
                    }
                    // y = softmax(a2) = exp(a2 − max a2) / Σ (the padding lanes are computed and ignored)
                    double max = yr[0];
                    for (int o = 1; o < O; o++) max = Math.Max(max, yr[o]);
                    TV m = L.Broadcast(max);
                    for (int o0 = 0; o0 < Op; o0 += W) L.Store(L.ExpFast(L.Subtract(L.Load(yr + o0), m)), yr + o0);
                    double total = 0;
                    for (int o = 0; o < O; o++) total += yr[o];
                    _totals[r] = total;
                }
                // −Σ t·log(y + δ) / batch over the nonzero t, in the order CrossEntropyError sums
                double sum = 0;
                foreach (var (row, column, value) in _batch.Answers)
                {
                    sum += value * Math.Log(y[row * Op + column] / _totals[row] + _delta);
                }
                return -sum / _batch.Rows;
            }
        }
    }
}
