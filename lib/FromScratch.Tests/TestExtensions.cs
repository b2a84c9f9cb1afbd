using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

internal static class TestExtensions
{
    /// <summary>max |mᵢⱼ|.</summary>
    public static double AbsoluteMaximum(this Matrix<double> m) => m.Enumerate().Max(Math.Abs);
}
