using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>
/// Nesterov's accelerated gradient (NAG) in the book's form: the momentum step as if taken from where the velocity is about
/// to carry the parameters. v ← αv − η·g, then W ← W + α²v − (1 + α)·η·g.
/// </summary>
public sealed class Nesterov<T> : IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly Dictionary<string, Matrix<T>> v = [];

    /// <param name="learningRate">η, 0.01 as in the book.</param>
    /// <param name="momentum">α in [0, 1), 0.9 as in the book.</param>
    public Nesterov(double learningRate = 0.01, double momentum = 0.9)
    {
        LearningRate = Optimizer.Rate(learningRate, nameof(learningRate), "Nesterov");
        MomentumRate = Optimizer.Rate(momentum, nameof(momentum), "Nesterov", upTo1: true);
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
            var g = Optimizer.GradientOf(key, p, grads, "Nesterov.Update");
            var velocity = Optimizer.StateOf(v, key, p, "Nesterov.Update");
            velocity.Multiply(alpha, velocity);                          // v ← αv
            velocity.Subtract(g.Multiply(lr), velocity);                 //     − η·g
            p.Add(velocity.Multiply(alpha * alpha), p);                  // W ← W + α²v
            p.Subtract(g.Multiply((T.One + alpha) * lr), p);             //       − (1 + α)·η·g
        }
    }
}
