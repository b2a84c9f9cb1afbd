using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// A layer (계층) of the network: <see cref="Forward(Matrix{T}, bool)"/> computes the output and remembers what the backward pass
/// needs, <see cref="Backward"/> takes ∂L/∂out and returns ∂L/∂x.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public interface ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>
    /// The forward pass (순전파) of a batch x of shape (batch, in). <paramref name="train"/> is the book's <c>train_flg</c>: true while
    /// training, false to predict. Only layers that behave differently look at it (<see cref="Dropout{T}"/> drops units in training
    /// only, <see cref="BatchNormalization{T}"/> uses the batch's statistics in training and its running ones otherwise).
    /// </summary>
    Matrix<T> Forward(Matrix<T> x, bool train);

    /// <summary>The forward pass in training mode, as the book's <c>forward(x)</c> defaults to.</summary>
    Matrix<T> Forward(Matrix<T> x) => Forward(x, train: true);

    /// <summary>The backward pass (역전파): ∂L/∂out of shape (batch, out) in, ∂L/∂x of shape (batch, in) out.</summary>
    Matrix<T> Backward(Matrix<T> dout);
}

/// <summary>
/// A layer with parameters. This is the rule by which a network collects what to train: every layer that has parameters lists
/// them here by a short name (<see cref="Affine{T}"/>: <c>W</c>, <c>b</c>; <see cref="BatchNormalization{T}"/>: <c>gamma</c>,
/// <c>beta</c>) and after <see cref="ILayer{T}.Backward"/> their gradients under the same names. The network names each
/// parameter by its short name and the layer's number (<c>W1</c>, <c>gamma1</c>, …), as the book does. A new layer with
/// parameters needs nothing more than this interface for its parameters to be trained.
/// </summary>
public interface ILayerWithParams<T> : ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The layer's parameter matrices by short name: the very matrices it computes with, updated in place.</summary>
    IReadOnlyDictionary<string, Matrix<T>> Params { get; }

    /// <summary>∂L/∂parameter from the last backward pass, by the same short names; empty before the first.</summary>
    IReadOnlyDictionary<string, Matrix<T>> Grads { get; }
}
