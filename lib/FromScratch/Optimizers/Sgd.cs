using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>Stochastic gradient descent (확률적 경사 하강법, SGD): W ← W − η·∂L/∂W. It has no state.</summary>
public sealed class Sgd<T> : IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <param name="learningRate">η, 0.01 as in the book.</param>
    public Sgd(double learningRate = 0.01) => LearningRate = Optimizer.Rate(learningRate, nameof(learningRate), "Sgd");

    /// <inheritdoc/>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public void Update(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(grads);
        T lr = T.CreateChecked(LearningRate);
        foreach (var (key, p) in parameters)
        {
            var g = Optimizer.GradientOf(key, p, grads, "Sgd.Update");
            p.Subtract(g.Multiply(lr), p);   // p ← p − lr·g, the result written into p itself
        }
    }
}
