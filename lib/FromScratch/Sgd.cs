using FromScratch.Optimizers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>
/// Stochastic gradient descent (확률적 경사 하강법) as one call: W ← W − η·∂L/∂W. The same rule as the optimizer object
/// <see cref="Sgd{T}"/> (which it uses), for the loops of notebooks 04–08 that pass the learning rate each step.
/// </summary>
public static class Sgd
{
    /// <summary>
    /// Updates every parameter in place. In MathNet <c>W - lr * dW</c> builds a new matrix, and anything that still
    /// holds the old one (a layer, a chart, a saved reference) would silently stop learning; this never replaces a matrix.
    /// </summary>
    public static void Update<T>(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads, T learningRate)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (!T.IsFinite(learningRate) || learningRate < T.Zero)
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"The learning rate must be a finite number ≥ 0; got {learningRate}.");
        new Sgd<T>(double.CreateChecked(learningRate)).Update(parameters, grads);   // float → double → float gives back the same float
    }

    /// <inheritdoc cref="Update{T}(IDictionary{string, Matrix{T}}, IReadOnlyDictionary{string, Matrix{T}}, T)"/>
    public static void Update<T>(IDictionary<string, Matrix<T>> parameters, Dictionary<string, Matrix<T>> grads, T learningRate)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => Update(parameters, (IReadOnlyDictionary<string, Matrix<T>>)grads, learningRate);
}
