using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// Batch normalization (배치 정규화): in training, each column of the batch is shifted and scaled to mean 0 and variance 1 by the
/// batch's own statistics, x̂ = (x − μ) / √(σ² + 10e-7), then out = γ ⊙ x̂ + β with learned γ and β. It also keeps running averages
/// of μ and σ² (momentum 0.9) and uses those in inference, where a batch may be one image.
/// </summary>
public sealed class BatchNormalization<T> : ILayerWithParams<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The book's δ under the square root: 10e-7, that is 1e-6.</summary>
    public const double Epsilon = 10e-7;

    private T[]? xc, xn;           // x − μ and x̂ of the last training forward pass, column after column: (r, c) is [c·batch + r]
    private T[]? std;              // √(σ² + ε) per feature
    private int batch;

    /// <summary>γ, shape (1, features): the same matrix object as the network's <c>gammaN</c>.</summary>
    public Matrix<T> Gamma { get; }

    /// <summary>β, shape (1, features): the same matrix object as the network's <c>betaN</c>.</summary>
    public Matrix<T> Beta { get; }

    /// <summary>How much of the running averages is kept at each training step (0.9).</summary>
    public double Momentum { get; }

    /// <summary>The running mean of μ, shape (1, features), zeros at the start; what inference subtracts.</summary>
    public Matrix<T> RunningMean { get; }

    /// <summary>The running mean of σ², shape (1, features), zeros at the start; what inference divides by (its square root).</summary>
    public Matrix<T> RunningVar { get; }

    /// <summary>∂L/∂γ from the last backward pass; null before the first.</summary>
    public Matrix<T>? dGamma { get; private set; }

    /// <summary>∂L/∂β from the last backward pass; null before the first.</summary>
    public Matrix<T>? dBeta { get; private set; }

    /// <param name="gamma">γ of shape (1, features), kept by reference (the book starts it at ones).</param>
    /// <param name="beta">β of shape (1, features), kept by reference (the book starts it at zeros).</param>
    /// <param name="momentum">The running averages' momentum in [0, 1), 0.9 as in the book.</param>
    public BatchNormalization(Matrix<T> gamma, Matrix<T> beta, double momentum = 0.9)
    {
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        if (gamma.RowCount != 1 || beta.RowCount != 1 || beta.ColumnCount != gamma.ColumnCount)
            throw new ArgumentException($"BatchNormalization: gamma and beta must both have shape (1, features); got {gamma.Shape()} and {beta.Shape()}.", nameof(beta));
        if (!double.IsFinite(momentum) || momentum < 0 || momentum >= 1)
            throw new ArgumentOutOfRangeException(nameof(momentum), $"BatchNormalization: momentum must be a number in [0, 1); got {momentum}.");
        (Gamma, Beta, Momentum) = (gamma, beta, momentum);
        RunningMean = Matrix<T>.Build.Dense(1, gamma.ColumnCount);
        RunningVar = Matrix<T>.Build.Dense(1, gamma.ColumnCount);
    }

    /// <summary><c>gamma</c> and <c>beta</c>.</summary>
    public IReadOnlyDictionary<string, Matrix<T>> Params => new Dictionary<string, Matrix<T>> { ["gamma"] = Gamma, ["beta"] = Beta };

    /// <summary><c>gamma</c> → <see cref="dGamma"/>, <c>beta</c> → <see cref="dBeta"/> after a backward pass; empty before.</summary>
    public IReadOnlyDictionary<string, Matrix<T>> Grads => dGamma is null || dBeta is null
        ? new Dictionary<string, Matrix<T>>() : new Dictionary<string, Matrix<T>> { ["gamma"] = dGamma, ["beta"] = dBeta };

    /// <summary>Training: normalize by the batch's μ and σ² and update the running averages. Inference: by the running ones.</summary>
    /// <exception cref="ArgumentException">x has the wrong number of columns, or is a batch of one row in training.</exception>
    public Matrix<T> Forward(Matrix<T> x, bool train)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.RowCount, features = Gamma.ColumnCount;
        if (x.ColumnCount != features)
            throw new ArgumentException($"BatchNormalization.Forward: x must have {features} columns like gamma {Gamma.Shape()}; got {x.Shape()}.", nameof(x));
        if (train && n < 2)
            throw new ArgumentException(
                $"BatchNormalization.Forward: a batch of {n} row{(n == 1 ? "" : "s")} in training: its variance is 0 and every output would be β. " +
                "Training needs a batch of at least 2 rows (BatchSize ≥ 2); inference (train: false) takes any batch.", nameof(x));
        T eps = T.CreateChecked(Epsilon), m = T.CreateChecked(Momentum), count = T.CreateChecked(n);
        T[] values = x.ToColumnMajorArray();             // x's numbers column after column: (r, c) is values[c·n + r]
        var output = new T[values.Length];
        if (!train)
        {
            for (int c = 0; c < features; c++)
            {
                T s = T.Sqrt(RunningVar[0, c] + eps);
                for (int r = 0; r < n; r++)
                    output[c * n + r] = Gamma[0, c] * ((values[c * n + r] - RunningMean[0, c]) / s) + Beta[0, c];
            }
            return Matrix<T>.Build.Dense(n, features, output);
        }

        xc = new T[values.Length];
        xn = new T[values.Length];
        std = new T[features];
        batch = n;
        for (int c = 0; c < features; c++)
        {
            int first = c * n;                                    // the column's first element
            T mu = T.Zero;
            for (int r = 0; r < n; r++) mu += values[first + r];
            mu /= count;                                          // μ, the column's mean
            T variance = T.Zero;
            for (int r = 0; r < n; r++)
            {
                xc[first + r] = values[first + r] - mu;           // x − μ
                variance += xc[first + r] * xc[first + r];
            }
            variance /= count;                                    // σ² = mean of (x − μ)²
            std[c] = T.Sqrt(variance + eps);
            T gamma = Gamma[0, c], beta = Beta[0, c];
            for (int r = 0; r < n; r++)
            {
                xn[first + r] = xc[first + r] / std[c];           // x̂
                output[first + r] = gamma * xn[first + r] + beta;
            }
            RunningMean[0, c] = m * RunningMean[0, c] + (T.One - m) * mu;
            RunningVar[0, c] = m * RunningVar[0, c] + (T.One - m) * variance;
        }
        return Matrix<T>.Build.Dense(n, features, output);
    }

    /// <summary>Training mode, as the book's default.</summary>
    public Matrix<T> Forward(Matrix<T> x) => Forward(x, train: true);

    /// <summary>
    /// Sets ∂L/∂γ = Σ x̂ ⊙ dout and ∂L/∂β = Σ dout (sums over the batch) and returns ∂L/∂x through the normalization: back through
    /// the division by the standard deviation, the variance and the mean, as the book's computational graph does.
    /// </summary>
    public Matrix<T> Backward(Matrix<T> dout)
    {
        ArgumentNullException.ThrowIfNull(dout);
        var (xcLast, xnLast, stdLast) = (xc, xn, std);
        if (xcLast is null || xnLast is null || stdLast is null)
            throw new InvalidOperationException("BatchNormalization.Backward was called before a training Forward.");
        if (dout.RowCount != batch || dout.ColumnCount != stdLast.Length)
            throw new ArgumentException(
                $"BatchNormalization.Backward: dout must have shape ({batch}, {stdLast.Length}) like the forward input; got {dout.Shape()}.", nameof(dout));
        int n = batch, features = stdLast.Length;
        T count = T.CreateChecked(n), two = T.CreateChecked(2.0), half = T.CreateChecked(0.5);
        T[] dy = dout.ToColumnMajorArray();                            // (r, c) is dy[c·n + r]
        var dx = new T[dy.Length];
        var dgamma = Matrix<T>.Build.Dense(1, features);
        var dbeta = Matrix<T>.Build.Dense(1, features);
        var dxc = new T[n];
        for (int c = 0; c < features; c++)
        {
            int first = c * n;
            T s = stdLast[c], gamma = Gamma[0, c], dstd = T.Zero, sumDy = T.Zero, sumXnDy = T.Zero;
            for (int r = 0; r < n; r++)
            {
                sumDy += dy[first + r];                                 // ∂L/∂β = Σ dout
                sumXnDy += xnLast[first + r] * dy[first + r];           // ∂L/∂γ = Σ x̂ ⊙ dout
                T dxn = gamma * dy[first + r];                          // ∂L/∂x̂ = γ ⊙ dout
                dxc[r] = dxn / s;                                       // through x̂ = xc / std
                dstd -= dxn * xcLast[first + r] / (s * s);              // ∂L/∂std = −Σ dx̂ ⊙ xc / std²
            }
            (dbeta[0, c], dgamma[0, c]) = (sumDy, sumXnDy);
            T dvar = half * dstd / s;                                   // std = √(σ² + ε)
            T dmu = T.Zero;
            for (int r = 0; r < n; r++)
            {
                dxc[r] += two / count * xcLast[first + r] * dvar;       // σ² = mean of xc²
                dmu += dxc[r];
            }
            for (int r = 0; r < n; r++)
                dx[first + r] = dxc[r] - dmu / count;                   // xc = x − μ
        }
        (dGamma, dBeta) = (dgamma, dbeta);
        return Matrix<T>.Build.Dense(n, features, dx);
    }
}
