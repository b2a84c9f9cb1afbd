using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// A layer (계층) of the network: <see cref="Forward"/> computes the output and remembers what the backward pass needs,
/// <see cref="Backward"/> takes ∂L/∂out and returns ∂L/∂x.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public interface ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The forward pass (순전파) of a batch x of shape (batch, in).</summary>
    Matrix<T> Forward(Matrix<T> x);

    /// <summary>The backward pass (역전파): ∂L/∂out of shape (batch, out) in, ∂L/∂x of shape (batch, in) out.</summary>
    Matrix<T> Backward(Matrix<T> dout);
}
