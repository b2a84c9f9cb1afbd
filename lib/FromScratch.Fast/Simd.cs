using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FromScratch.Fast;

/// <summary>
/// Which SIMD width the fast kernels use, chosen once at run time: 512 bits when <see cref="Vector512.IsHardwareAccelerated"/>,
/// else 256 when <see cref="Vector256.IsHardwareAccelerated"/>, else 128 (which .NET also runs, more slowly, without hardware support).
/// The environment variable <c>FROMSCRATCH_SIMD_BITS</c> (512, 256 or 128) forces a width instead, also one the hardware
/// does not accelerate: .NET then runs that width's operations in software, so the tests can check every width's kernels
/// on any machine (e.g. the Vector512 code on a CPU without AVX-512).
/// </summary>
internal static class Simd
{
    /// <summary>The environment variable that forces the width: <c>512</c>, <c>256</c> or <c>128</c>.</summary>
    public const string ForceVariable = "FROMSCRATCH_SIMD_BITS";

    /// <summary>The vector width in bits used by the kernels: 512, 256 or 128.</summary>
    public static int Bits { get; } = Choose(Environment.GetEnvironmentVariable(ForceVariable),
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128);

    /// <summary>Whether <see cref="Bits"/> was set by <see cref="ForceVariable"/>.</summary>
    public static bool IsForced => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ForceVariable));

    /// <summary>Whether the hardware runs vectors of <see cref="Bits"/> natively (false: .NET emulates them in software).</summary>
    public static bool IsAccelerated => Bits switch
    {
        512 => Vector512.IsHardwareAccelerated,
        256 => Vector256.IsHardwareAccelerated,
        _ => Vector128.IsHardwareAccelerated,
    };

    /// <summary>The width to use: <paramref name="forced"/> (the variable's value) when set, else <paramref name="hardware"/>.</summary>
    internal static int Choose(string? forced, int hardware)
    {
        if (string.IsNullOrWhiteSpace(forced)) return hardware;
        return forced.Trim() switch
        {
            "512" => 512,
            "256" => 256,
            "128" => 128,
            _ => throw new InvalidOperationException($"{ForceVariable} must be 512, 256 or 128 (or unset); got '{forced}'."),
        };
    }

    /// <summary>How many floats one vector holds: 16, 8 or 4.</summary>
    public static int FloatLanes => Bits / 32;

    /// <summary>Whether the kernels use fused multiply-add (x86 FMA3); otherwise a·b + c, with two roundings.</summary>
    public static bool HasFma => Fma.IsSupported;

    /// <summary>A one-line description, e.g. <c>Vector512 (16 floats), FMA</c>.</summary>
    public static string Description =>
        $"Vector{Bits} ({FloatLanes} floats){(HasFma ? ", FMA" : "")}{(IsForced ? $", forced by {ForceVariable}" : "")}{(IsAccelerated ? "" : ", software fallback")}";

    /// <summary>
    /// e^x for double, inlined: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series to r¹³/13! (the next term is
    /// below 10⁻¹⁷), times 2ⁿ put straight into the exponent bits. x is first held to [−708, 709], so the result saturates
    /// at about 3·10⁻³⁰⁸ and 8·10³⁰⁷ instead of reaching 0 or ∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpDouble<TV, L>(TV x) where TV : unmanaged where L : struct, ILanes<double, TV>
    {
        const double Magic = 6755399441055744.0;                  // 1.5·2⁵²: adding it rounds to an integer, kept in the low bits
        x = L.Min(L.Max(x, L.Broadcast(-708.0)), L.Broadcast(709.0));
        TV k = L.MultiplyAdd(x, L.Broadcast(1.4426950408889634), L.Broadcast(Magic));   // n + Magic, n = round(x / ln 2)
        TV n = L.Subtract(k, L.Broadcast(Magic));
        TV r = L.MultiplyAdd(n, L.Broadcast(-6.93147180369123816490e-01), x);         // x − n·ln 2, ln 2 in two parts
        r = L.MultiplyAdd(n, L.Broadcast(-1.90821492927058770002e-10), r);
        TV p = L.Broadcast(1.0 / 6227020800.0);                                       // 1/13!
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 479001600.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 39916800.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 3628800.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 362880.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 40320.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 5040.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 720.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 120.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 24.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0 / 6.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(0.5));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0));
        p = L.MultiplyAdd(p, r, L.Broadcast(1.0));
        return L.ScaleByPowerOfTwo(p, k);
    }

    /// <summary><paramref name="n"/> rounded up to a multiple of <paramref name="multiple"/>.</summary>
    public static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;
}

/// <summary>
/// The operations the kernels need from one SIMD vector type, so each kernel is written once and specialised by the JIT
/// for Vector512, Vector256 and Vector128 (the type arguments are structs, so the calls inline away).
/// </summary>
internal interface ILanes<T, TV> where T : unmanaged where TV : unmanaged
{
    static abstract int Count { get; }
    static abstract TV Zero { get; }
    static abstract unsafe TV Load(T* source);
    static abstract unsafe void Store(TV value, T* destination);
    static abstract TV Broadcast(T value);
    /// <summary>
    /// <paramref name="source"/>[0] and [1], each in every lane, from one read of both (for float with AVX2 or AVX-512, two
    /// shuffles instead of a second read: the sparse kernels are bound by their reads).
    /// </summary>
    static abstract unsafe void BroadcastTwo(T* source, out TV first, out TV second);
    /// <summary>a·b + c, fused when the hardware has FMA.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Max(TV a, TV b);
    static abstract TV Min(TV a, TV b);
    /// <summary>For double: <paramref name="p"/>·2ⁿ, where n is held in the low bits of <paramref name="k"/> = n + 1.5·2⁵² (see <see cref="Simd.ExpDouble{TV, L}"/>).</summary>
    static abstract TV ScaleByPowerOfTwo(TV p, TV k);
    static abstract TV And(TV a, TV b);
    static abstract TV Exp(TV a);
    /// <summary>
    /// e^a inlined, much cheaper than <see cref="Exp"/>: for float by the Cephes polynomial (about 2 ulp), for double by
    /// <see cref="Simd.ExpDouble{TV, L}"/> (about 1 ulp). Both saturate instead of reaching 0 or ∞; NaN stays NaN.
    /// </summary>
    static abstract TV ExpFast(TV a);
    static abstract TV Divide(TV a, TV b);
    static abstract T Sum(TV v);
}

internal readonly struct Lanes512<T> : ILanes<T, Vector512<T>> where T : unmanaged
{
    public static int Count => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector512<T> Load(T* s) => Vector512.Load(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector512<T> v, T* d) => v.Store(d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void BroadcastTwo(T* s, out Vector512<T> first, out Vector512<T> second)
    {
        if (typeof(T) == typeof(float) && Avx512F.IsSupported)
        {
            var xs = Vector128.CreateScalarUnsafe(*(double*)s).AsSingle();
            first = Avx512F.BroadcastScalarToVector512(xs).As<float, T>();
            second = Avx512F.BroadcastScalarToVector512(Sse.Shuffle(xs, xs, 1)).As<float, T>();
            return;
        }
        (first, second) = (Vector512.Create(s[0]), Vector512.Create(s[1]));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (Fma.IsSupported && typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (Fma.IsSupported && typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Min(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleByPowerOfTwo(Vector512<T> p, Vector512<T> k) => (p.AsUInt64() + Vector512.ShiftLeft(k.AsUInt64(), 52)).As<ulong, T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> And(Vector512<T> a, Vector512<T> b) => Vector512.BitwiseAnd(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector512.Exp(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.Exp(a.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector512<T> v) => Vector512.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpFast(Vector512<T> a)
    {
        if (typeof(T) == typeof(double)) return Simd.ExpDouble<Vector512<double>, Lanes512<double>>(a.AsDouble()).As<double, T>();
        if (typeof(T) != typeof(float)) return Exp(a);
        var x = Vector512.Min(Vector512.Max(a.AsSingle(), Vector512.Create(-87.3f)), Vector512.Create(88.3f));
        var n = Vector512.Floor(x * Vector512.Create(1.44269504088896341f) + Vector512.Create(0.5f));
        x = x - n * Vector512.Create(0.693359375f) - n * Vector512.Create(-2.12194440e-4f);
        var p = Vector512.Create(1.9875691500E-4f);
        p = p * x + Vector512.Create(1.3981999507E-3f);
        p = p * x + Vector512.Create(8.3334519073E-3f);
        p = p * x + Vector512.Create(4.1665795894E-2f);
        p = p * x + Vector512.Create(1.6666665459E-1f);
        p = p * x + Vector512.Create(5.0000001201E-1f);
        p = p * (x * x) + x + Vector512.Create(1f);
        var pow2n = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return (p * pow2n).As<float, T>();
    }
}

internal readonly struct Lanes256<T> : ILanes<T, Vector256<T>> where T : unmanaged
{
    public static int Count => Vector256<T>.Count;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector256<T> Load(T* s) => Vector256.Load(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector256<T> v, T* d) => v.Store(d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void BroadcastTwo(T* s, out Vector256<T> first, out Vector256<T> second)
    {
        if (typeof(T) == typeof(float) && Avx2.IsSupported)
        {
            var xs = Vector128.CreateScalarUnsafe(*(double*)s).AsSingle();
            first = Avx2.BroadcastScalarToVector256(xs).As<float, T>();
            second = Avx2.BroadcastScalarToVector256(Sse.Shuffle(xs, xs, 1)).As<float, T>();
            return;
        }
        (first, second) = (Vector256.Create(s[0]), Vector256.Create(s[1]));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (Fma.IsSupported && typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (Fma.IsSupported && typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Min(Vector256<T> a, Vector256<T> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ScaleByPowerOfTwo(Vector256<T> p, Vector256<T> k) => (p.AsUInt64() + Vector256.ShiftLeft(k.AsUInt64(), 52)).As<ulong, T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> And(Vector256<T> a, Vector256<T> b) => Vector256.BitwiseAnd(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector256.Exp(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(a.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector256<T> v) => Vector256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExpFast(Vector256<T> a)
    {
        if (typeof(T) == typeof(double)) return Simd.ExpDouble<Vector256<double>, Lanes256<double>>(a.AsDouble()).As<double, T>();
        if (typeof(T) != typeof(float)) return Exp(a);
        var x = Vector256.Min(Vector256.Max(a.AsSingle(), Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        var n = Vector256.Floor(x * Vector256.Create(1.44269504088896341f) + Vector256.Create(0.5f));
        x = x - n * Vector256.Create(0.693359375f) - n * Vector256.Create(-2.12194440e-4f);
        var p = Vector256.Create(1.9875691500E-4f);
        p = p * x + Vector256.Create(1.3981999507E-3f);
        p = p * x + Vector256.Create(8.3334519073E-3f);
        p = p * x + Vector256.Create(4.1665795894E-2f);
        p = p * x + Vector256.Create(1.6666665459E-1f);
        p = p * x + Vector256.Create(5.0000001201E-1f);
        p = p * (x * x) + x + Vector256.Create(1f);
        var pow2n = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return (p * pow2n).As<float, T>();
    }
}

internal readonly struct Lanes128<T> : ILanes<T, Vector128<T>> where T : unmanaged
{
    public static int Count => Vector128<T>.Count;
    public static Vector128<T> Zero => Vector128<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector128<T> Load(T* s) => Vector128.Load(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector128<T> v, T* d) => v.Store(d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Broadcast(T x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void BroadcastTwo(T* s, out Vector128<T> first, out Vector128<T> second) => (first, second) = (Vector128.Create(s[0]), Vector128.Create(s[1]));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (Fma.IsSupported && typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (Fma.IsSupported && typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Subtract(Vector128<T> a, Vector128<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Divide(Vector128<T> a, Vector128<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Min(Vector128<T> a, Vector128<T> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ScaleByPowerOfTwo(Vector128<T> p, Vector128<T> k) => (p.AsUInt64() + Vector128.ShiftLeft(k.AsUInt64(), 52)).As<ulong, T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> And(Vector128<T> a, Vector128<T> b) => Vector128.BitwiseAnd(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp(Vector128<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector128.Exp(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.Exp(a.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector128<T> v) => Vector128.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ExpFast(Vector128<T> a)
    {
        if (typeof(T) == typeof(double)) return Simd.ExpDouble<Vector128<double>, Lanes128<double>>(a.AsDouble()).As<double, T>();
        if (typeof(T) != typeof(float)) return Exp(a);
        var x = Vector128.Min(Vector128.Max(a.AsSingle(), Vector128.Create(-87.3f)), Vector128.Create(88.3f));
        var n = Vector128.Floor(x * Vector128.Create(1.44269504088896341f) + Vector128.Create(0.5f));
        x = x - n * Vector128.Create(0.693359375f) - n * Vector128.Create(-2.12194440e-4f);
        var p = Vector128.Create(1.9875691500E-4f);
        p = p * x + Vector128.Create(1.3981999507E-3f);
        p = p * x + Vector128.Create(8.3334519073E-3f);
        p = p * x + Vector128.Create(4.1665795894E-2f);
        p = p * x + Vector128.Create(1.6666665459E-1f);
        p = p * x + Vector128.Create(5.0000001201E-1f);
        p = p * (x * x) + x + Vector128.Create(1f);
        var pow2n = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
        return (p * pow2n).As<float, T>();
    }
}
