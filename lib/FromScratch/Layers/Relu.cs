using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The ReLU layer: out = max(0, x). Backward passes the gradient through where x was positive and stops it elsewhere,
/// so all it keeps is its input (where it was ≤ 0).
/// </summary>
public sealed class Relu<T> : ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private Matrix<T>? input;   // the forward input: where it is ≤ 0 the gradient stops

    /// <summary>max(0, x) (the same in training and inference).</summary>
    public Matrix<T> Forward(Matrix<T> x, bool train) => Forward(x);

    /// <summary>max(0, x) of every element, same shape as x.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        input = x;
        return x.Map(v => v <= T.Zero ? T.Zero : v, Zeros.Include);
    }

    /// <summary>dx = dout where x &gt; 0, and 0 where x ≤ 0.</summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        var x = input ?? throw new InvalidOperationException("Relu.Backward was called before Forward.");
        if (dout.RowCount != x.RowCount || dout.ColumnCount != x.ColumnCount)
            throw new ArgumentException(
                $"Relu.Backward: dout must have shape ({x.RowCount}, {x.ColumnCount}) like the forward input; got {dout.Shape()}.", nameof(dout));
        return x.Map2((v, d) => v <= T.Zero ? T.Zero : d, dout, Zeros.Include);
    }
}
