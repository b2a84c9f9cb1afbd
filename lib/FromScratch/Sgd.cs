using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>Stochastic gradient descent (확률적 경사 하강법): W ← W − η·∂L/∂W.</summary>
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
        foreach (var (key, p) in parameters)
        {
            if (!grads.TryGetValue(key, out var g))
                throw new ArgumentException($"No gradient for parameter \"{key}\"; grads has [{string.Join(", ", grads.Keys)}].", nameof(grads));
            Shapes.RequireSame(p, g, key, $"grads[\"{key}\"]", "Sgd.Update");
            p.Subtract(g.Multiply(learningRate), p);   // p ← p − lr·g, the result written into p itself
        }
    }

    /// <inheritdoc cref="Update{T}(IDictionary{string, Matrix{T}}, IReadOnlyDictionary{string, Matrix{T}}, T)"/>
    public static void Update<T>(IDictionary<string, Matrix<T>> parameters, Dictionary<string, Matrix<T>> grads, T learningRate)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => Update(parameters, (IReadOnlyDictionary<string, Matrix<T>>)grads, learningRate);
}
