using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Optimizers;

/// <summary>
/// An optimizer (최적화 기법): one step of <see cref="Update"/> moves every parameter against its gradient, in place. An optimizer
/// keeps its own state between steps (Momentum's velocity, AdaGrad's sum of squares, Adam's moments), one entry per parameter
/// name, so use one optimizer object per network. A new optimizer is one new class with this method.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public interface IOptimizer<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The learning rate η (학습률).</summary>
    double LearningRate { get; }

    /// <summary>
    /// Updates every matrix of <paramref name="parameters"/> in place from the gradient of the same name in <paramref name="grads"/>
    /// (the network's <c>Params</c> and <c>Gradient(x, t)</c>). The matrices are never replaced.
    /// </summary>
    void Update(IDictionary<string, Matrix<T>> parameters, IReadOnlyDictionary<string, Matrix<T>> grads);
}

/// <summary>The optimizers by name, as the book's <c>optimizers = {'SGD': SGD(), …}</c> picks them.</summary>
public static class Optimizer
{
    /// <summary>The names <see cref="Create{T}"/> knows, in the book's order.</summary>
    public static readonly IReadOnlyList<string> Names = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

    /// <summary>
    /// The optimizer called <paramref name="name"/> (case does not matter): sgd, momentum, nesterov, adagrad, rmsprop or adam,
    /// with the book's defaults and, when given, <paramref name="learningRate"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is none of those.</exception>
    public static IOptimizer<T> Create<T>(string name, double? learningRate = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "sgd" => learningRate is double a ? new Sgd<T>(a) : new Sgd<T>(),
            "momentum" => learningRate is double b ? new Momentum<T>(b) : new Momentum<T>(),
            "nesterov" => learningRate is double c ? new Nesterov<T>(c) : new Nesterov<T>(),
            "adagrad" => learningRate is double d ? new AdaGrad<T>(d) : new AdaGrad<T>(),
            "rmsprop" => learningRate is double e ? new RMSprop<T>(e) : new RMSprop<T>(),
            "adam" => learningRate is double f ? new Adam<T>(f) : new Adam<T>(),
            _ => throw new ArgumentException($"Unknown optimizer \"{name}\"; the known ones are {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>A rate of the book's optimizers: finite and ≥ 0 (<paramref name="upTo1"/>: also below 1, for a decay or a β).</summary>
    internal static double Rate(double value, string name, string owner, bool upTo1 = false)
    {
        if (!double.IsFinite(value) || value < 0 || (upTo1 && value >= 1))
            throw new ArgumentOutOfRangeException(name,
                upTo1 ? $"{owner}: {name} must be a number in [0, 1); got {value}." : $"The learning rate must be a finite number ≥ 0; got {value}.");
        return value;
    }

    /// <summary>The gradient of parameter <paramref name="key"/>, checked to exist and to have the parameter's shape.</summary>
    internal static Matrix<T> GradientOf<T>(string key, Matrix<T> p, IReadOnlyDictionary<string, Matrix<T>> grads, string where)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (!grads.TryGetValue(key, out var g))
            throw new ArgumentException($"No gradient for parameter \"{key}\"; grads has [{string.Join(", ", grads.Keys)}].", nameof(grads));
        Shapes.RequireSame(p, g, key, $"grads[\"{key}\"]", where);
        return g;
    }

    /// <summary>The optimizer's state for parameter <paramref name="key"/>: zeros of its shape the first time.</summary>
    internal static Matrix<T> StateOf<T>(Dictionary<string, Matrix<T>> state, string key, Matrix<T> p, string where)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (!state.TryGetValue(key, out var s))
            state[key] = s = Matrix<T>.Build.Dense(p.RowCount, p.ColumnCount);
        else if (s.RowCount != p.RowCount || s.ColumnCount != p.ColumnCount)
            throw new ArgumentException(
                $"{where}: parameter \"{key}\" is {p.Shape()} but was {s.Shape()} in earlier steps; use a new optimizer for a new network.", nameof(p));
        return s;
    }

    /// <summary>The δ the book adds to √h so that it never divides by zero.</summary>
    internal const double Epsilon = 1e-7;
}
