using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The sigmoid layer: out = σ(x). Its derivative needs only the output, σ'(x) = out ⊙ (1 − out), so that is what it keeps.
/// (The function itself is <see cref="Functions.Sigmoid{T}(Matrix{T})"/>; this class is the layer.)
/// </summary>
public sealed class Sigmoid<T> : ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private Matrix<T>? output;

    /// <summary>σ(x) (the same in training and inference).</summary>
    public Matrix<T> Forward(Matrix<T> x, bool train) => Forward(x);

    /// <summary>σ of every element, same shape as x.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        output = Functions.Sigmoid(x);
        return output;
    }

    /// <summary>dx = dout ⊙ out ⊙ (1 − out).</summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        var y = output ?? throw new InvalidOperationException("Sigmoid.Backward was called before Forward.");
        Shapes.RequireSame(y, dout, "the forward output", nameof(dout), "Sigmoid.Backward");
        return y.PointwiseMultiply(T.One - y).PointwiseMultiply(dout);
    }
}
