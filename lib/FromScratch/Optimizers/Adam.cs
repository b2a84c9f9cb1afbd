using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>
/// Adam: Momentum and RMSprop together. m ← m + (1 − β₁)(g − m) is a moving average of the gradients, v ← v + (1 − β₂)(g² − v)
/// one of their squares; both start at 0, so the step's rate is corrected for that bias: η_t = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ), then
/// W ← W − η_t·m / (√v + 1e-7).
/// </summary>
public sealed class Adam<T> : IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly Dictionary<string, Matrix<T>> m = [];
    private readonly Dictionary<string, Matrix<T>> v = [];

    /// <param name="learningRate">η, 0.001 as in the book.</param>
    /// <param name="beta1">β₁ in [0, 1), 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1), 0.999.</param>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999)
    {
        LearningRate = Optimizer.Rate(learningRate, nameof(learningRate), "Adam");
        Beta1 = Optimizer.Rate(beta1, nameof(beta1), "Adam", upTo1: true);
        Beta2 = Optimizer.Rate(beta2, nameof(beta2), "Adam", upTo1: true);
    }

    /// <inheritdoc/>
    public double LearningRate { get; }

    /// <summary>β₁, the decay of the average of gradients.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the average of squared gradients.</summary>
    public double Beta2 { get; }

    /// <summary>How many updates have been made (t in the bias correction).</summary>
    public int Steps { get; private set; }

    /// <inheritdoc/>
    public void Update(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(grads);
        Steps++;
        double rate = LearningRate * Math.Sqrt(1.0 - Math.Pow(Beta2, Steps)) / (1.0 - Math.Pow(Beta1, Steps));   // η_t, bias-corrected
        T lrT = T.CreateChecked(rate), oneMinusB1 = T.CreateChecked(1.0 - Beta1), oneMinusB2 = T.CreateChecked(1.0 - Beta2);
        T eps = T.CreateChecked(Optimizer.Epsilon);
        foreach (var (key, p) in parameters)
        {
            var g = Optimizer.GradientOf(key, p, grads, "Adam.Update");
            var mean = Optimizer.StateOf(m, key, p, "Adam.Update");
            var squares = Optimizer.StateOf(v, key, p, "Adam.Update");
            mean.Add(g.Subtract(mean).Multiply(oneMinusB1), mean);                       // m ← m + (1 − β₁)(g − m)
            squares.Add(g.PointwiseMultiply(g).Subtract(squares).Multiply(oneMinusB2), squares);   // v ← v + (1 − β₂)(g² − v)
            p.Subtract(mean.Multiply(lrT).PointwiseDivide(squares.PointwiseSqrt().Add(eps)), p);  // W ← W − η_t·m / (√v + ε)
        }
    }
}
