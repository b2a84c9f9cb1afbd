using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>
/// RMSprop: AdaGrad that forgets. h ← ρh + (1 − ρ)·g ⊙ g keeps a moving average of the squared gradients, so old steps fade
/// and the rate does not shrink to nothing; W ← W − η·g / (√h + 1e-7).
/// </summary>
public sealed class RMSprop<T> : IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly Dictionary<string, Matrix<T>> h = [];

    /// <param name="learningRate">η, 0.01 as in the book.</param>
    /// <param name="decayRate">ρ in [0, 1), 0.99 as in the book.</param>
    public RMSprop(double learningRate = 0.01, double decayRate = 0.99)
    {
        LearningRate = Optimizer.Rate(learningRate, nameof(learningRate), "RMSprop");
        DecayRate = Optimizer.Rate(decayRate, nameof(decayRate), "RMSprop", upTo1: true);
    }

    /// <inheritdoc/>
    public double LearningRate { get; }

    /// <summary>ρ, how much of the average of squares is kept each step.</summary>
    public double DecayRate { get; }

    /// <inheritdoc/>
    public void Update(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(grads);
        T lr = T.CreateChecked(LearningRate), rho = T.CreateChecked(DecayRate), eps = T.CreateChecked(Optimizer.Epsilon);
        foreach (var (key, p) in parameters)
        {
            var g = Optimizer.GradientOf(key, p, grads, "RMSprop.Update");
            var squares = Optimizer.StateOf(h, key, p, "RMSprop.Update");
            squares.Multiply(rho, squares);                                            // h ← ρh
            squares.Add(g.Multiply(T.One - rho).PointwiseMultiply(g), squares);        //     + (1 − ρ)·g ⊙ g
            p.Subtract(g.Multiply(lr).PointwiseDivide(squares.PointwiseSqrt().Add(eps)), p);   // W ← W − η·g / (√h + ε)
        }
    }
}
