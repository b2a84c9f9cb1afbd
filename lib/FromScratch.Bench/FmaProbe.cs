using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FromScratch.Bench;

/// <summary>The machine's float32 fused multiply-add peak, measured: independent FMA chains at the widest accelerated width on every core.</summary>
internal static class FmaProbe
{
    /// <summary>
    /// What the probe measured: GFLOP/s on one core and on all of them (one thread per logical core). <see cref="Capped"/> is
    /// true when the all-core figure came out above (cores × one core) × 1.1 — impossible, so a disturbed run — and was
    /// replaced by cores × one core. <see cref="Unscaled"/> is true when the best all-core round stayed below
    /// (cores × one core) × <see cref="ScalingNeeded"/>: the other cores were busy (or share their FMA units), so the floor
    /// is not to be trusted and the floor target is not judged.
    /// </summary>
    public sealed record Result(int Bits, int Threads, double GflopsOneCore, double GflopsAllCores, bool Capped = false, bool Unscaled = false)
    {
        /// <summary>The shortest time <paramref name="flops"/> of dense float32 work can take here.</summary>
        public double FloorSeconds(double flops) => flops / (GflopsAllCores * 1e9);
    }

    private const int Chains = 12;   // more independent accumulators than FMA latency × FMA units on current x86 cores
    private const int Rounds = 5, ExtraRounds = 10;

    /// <summary>How close to cores × one core the best all-core round must come to be trusted.</summary>
    public const double ScalingNeeded = 0.8;

    public static Result Measure()
    {
        int bits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        int threads = Environment.ProcessorCount;
        long steps = 2_000_000;
        Run(bits, 1, steps / 10);                                    // compile and warm up
        Run(bits, threads, steps / 10);
        var one = new List<double>();
        var all = new List<double>();
        for (int k = 0; k < Rounds; k++)
        {
            one.Add(Run(bits, 1, steps));
            all.Add(Run(bits, threads, steps));
        }
        // a busy moment takes a core away: try again for a while before calling the all-core figure untrustworthy
        for (int k = 0; k < ExtraRounds && Plausible(bits, threads, one, all).Unscaled; k++) all.Add(Run(bits, threads, steps));
        return Plausible(bits, threads, one, all);
    }

    /// <summary>
    /// The higher of two probes of the same run (the floor is what the machine can do, so the faster trusted one counts);
    /// an untrusted probe (capped or unscaled) counts only when both are.
    /// </summary>
    internal static Result Best(Result a, Result b)
    {
        bool aTrusted = !a.Capped && !a.Unscaled, bTrusted = !b.Capped && !b.Unscaled;
        if (aTrusted != bTrusted) return aTrusted ? a : b;
        return b.GflopsAllCores > a.GflopsAllCores ? b : a;
    }

    /// <summary>
    /// The best of the rounds on one core and on all cores; an all-core figure above (threads × one core) × 1.1 cannot be
    /// (a round timed while the clock was stalled or another process woke), so it is capped at threads × one core and flagged.
    /// </summary>
    internal static Result Plausible(int bits, int threads, IReadOnlyList<double> oneCore, IReadOnlyList<double> allCores)
    {
        double one = oneCore.Max();
        double limit = threads * one;
        double all = allCores.Where(g => g <= limit * 1.1).DefaultIfEmpty(double.NaN).Max();
        return double.IsNaN(all) ? new Result(bits, threads, one, limit, Capped: true)
            : new Result(bits, threads, one, all, Unscaled: threads > 1 && all < limit * ScalingNeeded);
    }

    /// <summary>GFLOP/s of <paramref name="threads"/> threads each running <paramref name="steps"/> rounds of <see cref="Chains"/> FMAs.</summary>
    private static double Run(int bits, int threads, long steps)
    {
        using var start = new Barrier(threads + 1);
        var sink = new float[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            sink[i] = bits switch
            {
                512 => Chain<Vector512<float>, F512>(steps),
                256 => Chain<Vector256<float>, F256>(steps),
                _ => Chain<Vector128<float>, F128>(steps),
            };
            start.SignalAndWait();
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        start.SignalAndWait();
        double seconds = clock.Elapsed.TotalSeconds;
        workers.ForEach(w => w.Join());
        if (sink.Any(float.IsNaN)) throw new InvalidOperationException("FMA probe produced NaN.");
        double lanes = bits / 32.0;
        return threads * steps * Chains * lanes * 2 / seconds / 1e9;
    }

    // a ← a·m + c converges to c / (1 − m): no overflow, no denormals, and the chains stay independent.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chain<TV, F>(long steps) where TV : struct where F : IFma<TV>
    {
        TV m = F.Create(0.999f), c = F.Create(1e-3f);
        TV a0 = F.Create(1f), a1 = F.Add(a0, c), a2 = F.Add(a1, c), a3 = F.Add(a2, c), a4 = F.Add(a3, c), a5 = F.Add(a4, c),
            a6 = F.Add(a5, c), a7 = F.Add(a6, c), a8 = F.Add(a7, c), a9 = F.Add(a8, c), a10 = F.Add(a9, c), a11 = F.Add(a10, c);
        for (long i = 0; i < steps; i++)
        {
            a0 = F.Fma(a0, m, c); a1 = F.Fma(a1, m, c); a2 = F.Fma(a2, m, c); a3 = F.Fma(a3, m, c);
            a4 = F.Fma(a4, m, c); a5 = F.Fma(a5, m, c); a6 = F.Fma(a6, m, c); a7 = F.Fma(a7, m, c);
            a8 = F.Fma(a8, m, c); a9 = F.Fma(a9, m, c); a10 = F.Fma(a10, m, c); a11 = F.Fma(a11, m, c);
        }
        return F.Sum(F.Add(F.Add(F.Add(a0, a1), F.Add(a2, a3)), F.Add(F.Add(F.Add(a4, a5), F.Add(a6, a7)), F.Add(F.Add(a8, a9), F.Add(a10, a11)))));
    }

    private interface IFma<TV>
    {
        static abstract TV Create(float x);
        static abstract TV Add(TV a, TV b);
        static abstract TV Fma(TV a, TV b, TV c);
        static abstract float Sum(TV v);
    }

    private readonly struct F512 : IFma<Vector512<float>>
    {
        public static Vector512<float> Create(float x) => Vector512.Create(x);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    }

    private readonly struct F256 : IFma<Vector256<float>>
    {
        public static Vector256<float> Create(float x) => Vector256.Create(x);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    }

    private readonly struct F128 : IFma<Vector128<float>>
    {
        public static Vector128<float> Create(float x) => Vector128.Create(x);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    }
}
