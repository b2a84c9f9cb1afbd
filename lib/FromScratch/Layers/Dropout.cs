using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// Dropout (드롭아웃): in training, each unit is dropped (set to 0) with probability <see cref="Ratio"/>, a new random mask every
/// forward pass, and backward lets the gradient through the kept units only. In inference nothing is dropped and the output
/// is scaled by 1 − ratio, the fraction kept in training, as the book does.
/// </summary>
public sealed class Dropout<T> : ILayer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly Random rng;
    private Matrix<T>? mask;   // 1 where the unit was kept, 0 where dropped

    /// <param name="ratio">The fraction of units dropped in training, in [0, 1); the book's default is 0.5.</param>
    /// <param name="rng">The random source of the masks (a network passes its own seeded one); a new one when null.</param>
    public Dropout(double ratio = 0.5, Random? rng = null)
    {
        Ratio = RequireRatio(ratio, nameof(ratio));
        this.rng = rng ?? new Random();
    }

    /// <summary>The fraction of units dropped in training.</summary>
    public double Ratio { get; }

    /// <summary>
    /// A mask (1 keep, 0 drop) to use in every training forward pass instead of drawing one: for gradient checks, where the loss must
    /// be the same function at every evaluation. Null (the default) draws a new mask each time.
    /// </summary>
    public Matrix<T>? FixedMask { get; set; }

    /// <summary>The mask of the last training forward pass (1 keep, 0 drop); null before the first.</summary>
    public Matrix<T>? Mask => mask;

    /// <summary>Training: x ⊙ mask with a fresh mask (unit kept when a uniform draw is above the ratio). Inference: x · (1 − ratio).</summary>
    public Matrix<T> Forward(Matrix<T> x, bool train)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!train) return x.Multiply(T.CreateChecked(1.0 - Ratio));
        if (FixedMask is { } fixedMask)
        {
            Shapes.RequireSame(fixedMask, x, nameof(FixedMask), nameof(x), "Dropout.Forward");
            mask = fixedMask;
        }
        else
        {
            var keep = new T[x.RowCount * x.ColumnCount];              // column after column: (r, c) is keep[c·rows + r]
            for (int r = 0; r < x.RowCount; r++)                          // row by row, as numpy's rand fills (batch, units)
                for (int c = 0; c < x.ColumnCount; c++)
                    keep[c * x.RowCount + r] = rng.NextDouble() > Ratio ? T.One : T.Zero;
            mask = Matrix<T>.Build.Dense(x.RowCount, x.ColumnCount, keep);
        }
        return x.PointwiseMultiply(mask);
    }

    /// <summary>Training mode, as the book's default.</summary>
    public Matrix<T> Forward(Matrix<T> x) => Forward(x, train: true);

    /// <summary>dx = dout ⊙ mask: no gradient flows through a dropped unit.</summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        ArgumentNullException.ThrowIfNull(dout);
        var m = mask ?? throw new InvalidOperationException("Dropout.Backward was called before a training Forward.");
        Shapes.RequireSame(m, dout, "the forward mask", nameof(dout), "Dropout.Backward");
        return dout.PointwiseMultiply(m);
    }

    /// <summary>A dropout ratio must be in [0, 1): 1 would drop every unit.</summary>
    internal static double RequireRatio(double ratio, string name)
    {
        if (!double.IsFinite(ratio) || ratio < 0 || ratio >= 1)
            throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1) (the fraction of units dropped; 1 would drop them all); got {ratio}.");
        return ratio;
    }
}
