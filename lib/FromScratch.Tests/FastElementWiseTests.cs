using FromScratch.Fast;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>The element-wise array operations of <see cref="FastProvider"/> give MathNet's managed results bit for bit.</summary>
public class FastElementWiseTests
{
    private static readonly ManagedLinearAlgebraProvider Managed = new();

    // lengths around the SIMD widths (tails), values with NaN, ±∞, −0 and denormals
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 15, 16, 17, 33, 100, 2000];

    private static float[] Floats(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 4 - 2) * MathF.Pow(10, rng.Next(-3, 4));
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 1e-40f, 0f];
        for (int i = 0; i < n; i += 5) a[i] = specials[(i / 5) % specials.Length];
        return a;
    }

    private static double[] Doubles(int n, int seed) => [.. Floats(n, seed).Select(f => (double)f * (1 + 1e-9))];

    private static void Same<T>(T[] expected, T[] actual) where T : struct
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitEqual(expected[i], actual[i]), $"element {i}: MathNet {expected[i]}, fast {actual[i]}");
    }

    private static bool BitEqual<T>(T a, T b) where T : struct => (a, b) switch
    {
        (float f, float g) => BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits(g) || (float.IsNaN(f) && float.IsNaN(g)),
        (double d, double e) => BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(e) || (double.IsNaN(d) && double.IsNaN(e)),
        _ => false,
    };

    [Theory, MemberData(nameof(Lengths))]
    public void FloatArraysMatchMathNet(int n)
    {
        var x = Floats(n, 1); var y = Floats(n, 2);
        foreach (var (name, op) in new (string, Func<ILinearAlgebraProvider, float[], float[], float[], float[]>)[]
        {
            ("add", (p, a, b, r) => { p.AddArrays(a, b, r); return r; }),
            ("subtract", (p, a, b, r) => { p.SubtractArrays(a, b, r); return r; }),
            ("multiply", (p, a, b, r) => { p.PointWiseMultiplyArrays(a, b, r); return r; }),
            ("divide", (p, a, b, r) => { p.PointWiseDivideArrays(a, b, r); return r; }),
            ("scale 0.1", (p, a, _, r) => { p.ScaleArray(0.1f, a, r); return r; }),
            ("scale 0", (p, a, _, r) => { p.ScaleArray(0f, a, r); return r; }),
            ("scale 1", (p, a, _, r) => { p.ScaleArray(1f, a, r); return r; }),
            ("y + 0.3·x", (p, a, b, r) => { p.AddVectorToScaledVector(b, 0.3f, a, r); return r; }),
            ("y + 0·x", (p, a, b, r) => { p.AddVectorToScaledVector(b, 0f, a, r); return r; }),
            ("y + 1·x", (p, a, b, r) => { p.AddVectorToScaledVector(b, 1f, a, r); return r; }),
        })
        {
            var expected = op(Managed, x, y, new float[n]);
            var actual = op(FastLinearAlgebraProvider.Instance, x, y, new float[n]);
            Same(expected, actual);
            var inPlace = (float[])x.Clone();                  // the result written over an operand, as Sgd.Update does
            op(FastLinearAlgebraProvider.Instance, inPlace, y, inPlace);
            Same(expected, inPlace);
            _ = name;
        }
    }

    [Theory, MemberData(nameof(Lengths))]
    public void DoubleArraysMatchMathNet(int n)
    {
        var x = Doubles(n, 3); var y = Doubles(n, 4);
        foreach (var op in new Func<ILinearAlgebraProvider, double[], double[], double[], double[]>[]
        {
            (p, a, b, r) => { p.AddArrays(a, b, r); return r; },
            (p, a, b, r) => { p.SubtractArrays(a, b, r); return r; },
            (p, a, b, r) => { p.PointWiseMultiplyArrays(a, b, r); return r; },
            (p, a, b, r) => { p.PointWiseDivideArrays(a, b, r); return r; },
            (p, a, _, r) => { p.ScaleArray(-0.01, a, r); return r; },
            (p, a, _, r) => { p.ScaleArray(0, a, r); return r; },
            (p, a, b, r) => { p.AddVectorToScaledVector(b, -0.1, a, r); return r; },
            (p, a, b, r) => { p.AddVectorToScaledVector(b, 0, a, r); return r; },
        })
            Same(op(Managed, x, y, new double[n]), op(FastLinearAlgebraProvider.Instance, x, y, new double[n]));
    }

    [Fact]
    public void LengthMismatchIsReportedByMathNet()
    {
        var managed = Record.Exception(() => Managed.AddArrays(new float[3], new float[4], new float[3]));
        var fast = Record.Exception(() => FastLinearAlgebraProvider.Instance.AddArrays(new float[3], new float[4], new float[3]));
        Assert.NotNull(managed);
        Assert.Equal(managed.GetType(), fast?.GetType());
    }
}
