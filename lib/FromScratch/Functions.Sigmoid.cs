using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>
/// The activation, output and loss functions of the tutorial, written to read like the math.
/// Bring them into scope with <c>using static FromScratch.Functions;</c>.
/// </summary>
public static partial class Functions
{
    /// <summary>Sigmoid σ(x) = 1 / (1 + e^(−x)) of one number.</summary>
    public static T Sigmoid<T>(T x) where T : System.Numerics.IFloatingPointIeee754<T>
        => T.One / (T.One + T.Exp(-x));

    /// <summary>Sigmoid applied to every element; returns a new matrix of the same shape.</summary>
    public static Matrix<T> Sigmoid<T>(Matrix<T> x) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => x.Map(Sigmoid);

    /// <summary>Sigmoid applied to every element; returns a new vector.</summary>
    public static Vector<T> Sigmoid<T>(Vector<T> x) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => x.Map(Sigmoid);
}
