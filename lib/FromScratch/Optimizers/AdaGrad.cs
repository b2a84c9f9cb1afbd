using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>
/// AdaGrad: a learning rate per parameter that shrinks as its gradients add up. h ← h + g ⊙ g, then
/// W ← W − η·g / (√h + 1e-7). A parameter that has moved a lot moves less from then on.
/// </summary>
public sealed class AdaGrad<T> : IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly Dictionary<string, Matrix<T>> h = [];

    /// <param name="learningRate">η, 0.01 as in the book.</param>
    public AdaGrad(double learningRate = 0.01) => LearningRate = Optimizer.Rate(learningRate, nameof(learningRate), "AdaGrad");

    /// <inheritdoc/>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public void Update(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(grads);
        T lr = T.CreateChecked(LearningRate), eps = T.CreateChecked(Optimizer.Epsilon);
        foreach (var (key, p) in parameters)
        {
            var g = Optimizer.GradientOf(key, p, grads, "AdaGrad.Update");
            var squares = Optimizer.StateOf(h, key, p, "AdaGrad.Update");
            squares.Add(g.PointwiseMultiply(g), squares);                              // h ← h + g ⊙ g
            p.Subtract(g.Multiply(lr).PointwiseDivide(squares.PointwiseSqrt().Add(eps)), p);   // W ← W − η·g / (√h + ε)
        }
    }
}
