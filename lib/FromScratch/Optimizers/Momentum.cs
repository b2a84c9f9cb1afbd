using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>
/// Momentum (모멘텀): a velocity v that the gradient accelerates and friction slows, v ← αv − η·∂L/∂W, then W ← W + v.
/// Along a valley the steps add up; across it they cancel.
/// </summary>
public sealed class Momentum<T> : IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly Dictionary<string, Matrix<T>> v = [];

    /// <param name="learningRate">η, 0.01 as in the book.</param>
    /// <param name="momentum">α in [0, 1), 0.9 as in the book.</param>
    public Momentum(double learningRate = 0.01, double momentum = 0.9)
    {
        LearningRate = Optimizer.Rate(learningRate, nameof(learningRate), "Momentum");
        MomentumRate = Optimizer.Rate(momentum, nameof(momentum), "Momentum", upTo1: true);
    }

    /// <inheritdoc/>
    public double LearningRate { get; }

    /// <summary>α, the fraction of the velocity kept from one step to the next.</summary>
    public double MomentumRate { get; }

    /// <inheritdoc/>
    public void Update(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(grads);
        T lr = T.CreateChecked(LearningRate), alpha = T.CreateChecked(MomentumRate);
        foreach (var (key, p) in parameters)
        {
            var g = Optimizer.GradientOf(key, p, grads, "Momentum.Update");
            var velocity = Optimizer.StateOf(v, key, p, "Momentum.Update");
            velocity.Multiply(alpha, velocity);                 // v ← αv
            velocity.Subtract(g.Multiply(lr), velocity);        //     − η·g
            p.Add(velocity, p);                                 // W ← W + v
        }
    }
}
