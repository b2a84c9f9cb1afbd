using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FromScratch.Fast;

/// <summary>
/// The element-wise array operations MathNet hands to its provider (matrix +, −, ⊙, ÷, × scalar), as SIMD loops. Each element is
/// one IEEE operation, exactly as in MathNet's managed loops, so the results are the same bit for bit. A method returns false
/// (and does nothing) when the lengths do not match, so that the caller can let MathNet report it; <c>result</c> may be an operand.
/// </summary>
internal static class ElementWise
{
    public static bool Add<T>(T[] x, T[] y, T[] result) where T : unmanaged, INumberBase<T> => Binary<T, AddOp<T>>(x, y, result);
    public static bool Subtract<T>(T[] x, T[] y, T[] result) where T : unmanaged, INumberBase<T> => Binary<T, SubtractOp<T>>(x, y, result);
    public static bool Multiply<T>(T[] x, T[] y, T[] result) where T : unmanaged, INumberBase<T> => Binary<T, MultiplyOp<T>>(x, y, result);
    public static bool Divide<T>(T[] x, T[] y, T[] result) where T : unmanaged, INumberBase<T> => Binary<T, DivideOp<T>>(x, y, result);

    /// <summary>result = alpha·x (alpha = 0 gives zeros, as MathNet does, even where x holds NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    public static bool Scale<T>(T alpha, T[] x, T[] result) where T : unmanaged, INumberBase<T>
    {
        if (x.Length != result.Length) return false;
        if (T.IsZero(alpha)) { Array.Clear(result); return true; }
        var a = new Vector<T>(alpha);
        var xs = MemoryMarshal.Cast<T, Vector<T>>(x.AsSpan());
        var rs = MemoryMarshal.Cast<T, Vector<T>>(result.AsSpan());
        for (int i = 0; i < xs.Length; i++) rs[i] = a * xs[i];
        for (int i = xs.Length * Vector<T>.Count; i < x.Length; i++) result[i] = alpha * x[i];
        return true;
    }

    /// <summary>result = y + alpha·x, as two roundings (a multiply, then an add; never fused), as MathNet does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    public static bool AddScaled<T>(T[] y, T alpha, T[] x, T[] result) where T : unmanaged, INumberBase<T>
    {
        if (x.Length != y.Length || y.Length != result.Length) return false;
        if (T.IsZero(alpha)) { if (!ReferenceEquals(y, result)) Array.Copy(y, result, y.Length); return true; }
        if (alpha == T.One) return Add(y, x, result);
        var a = new Vector<T>(alpha);
        var xs = MemoryMarshal.Cast<T, Vector<T>>(x.AsSpan());
        var ys = MemoryMarshal.Cast<T, Vector<T>>(y.AsSpan());
        var rs = MemoryMarshal.Cast<T, Vector<T>>(result.AsSpan());
        for (int i = 0; i < xs.Length; i++) rs[i] = ys[i] + a * xs[i];
        for (int i = xs.Length * Vector<T>.Count; i < x.Length; i++) result[i] = y[i] + alpha * x[i];
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    private static bool Binary<T, Op>(T[] x, T[] y, T[] result) where T : unmanaged, INumberBase<T> where Op : struct, IOp<T>
    {
        if (x.Length != y.Length || y.Length != result.Length) return false;
        var xs = MemoryMarshal.Cast<T, Vector<T>>(x.AsSpan());
        var ys = MemoryMarshal.Cast<T, Vector<T>>(y.AsSpan());
        var rs = MemoryMarshal.Cast<T, Vector<T>>(result.AsSpan());
        for (int i = 0; i < xs.Length; i++) rs[i] = Op.Apply(xs[i], ys[i]);
        for (int i = xs.Length * Vector<T>.Count; i < x.Length; i++) result[i] = Op.Apply(x[i], y[i]);
        return true;
    }

    private interface IOp<T> where T : unmanaged, INumberBase<T>
    {
        static abstract Vector<T> Apply(Vector<T> a, Vector<T> b);
        static abstract T Apply(T a, T b);
    }

    private readonly struct AddOp<T> : IOp<T> where T : unmanaged, INumberBase<T>
    {
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a + b;
        public static T Apply(T a, T b) => a + b;
    }

    private readonly struct SubtractOp<T> : IOp<T> where T : unmanaged, INumberBase<T>
    {
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a - b;
        public static T Apply(T a, T b) => a - b;
    }

    private readonly struct MultiplyOp<T> : IOp<T> where T : unmanaged, INumberBase<T>
    {
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a * b;
        public static T Apply(T a, T b) => a * b;
    }

    private readonly struct DivideOp<T> : IOp<T> where T : unmanaged, INumberBase<T>
    {
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a / b;
        public static T Apply(T a, T b) => a / b;
    }
}
