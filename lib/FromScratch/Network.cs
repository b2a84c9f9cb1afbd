using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch;

/// <summary>
/// What the training loop (<see cref="Trainer"/>) needs from a network: its parameters to update in place, the gradient,
/// the loss and the accuracy. <see cref="TwoLayerNet{T}"/> and <see cref="Layers.LayeredNet{T}"/> are both one.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public interface INetwork<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The parameters <c>W1</c>, <c>b1</c>, …: the matrices the network computes with, updated in place.</summary>
    Dictionary<string, Matrix<T>> Params { get; }

    /// <summary>Columns of the input x.</summary>
    int InputSize { get; }

    /// <summary>Number of classes: the columns of the output.</summary>
    int OutputSize { get; }

    /// <summary>The gradient of <see cref="Loss"/> for every parameter, keys as in <see cref="Params"/>.</summary>
    Dictionary<string, Matrix<T>> Gradient(Matrix<T> x, Matrix<T> t);

    /// <summary>The cross-entropy loss of the batch.</summary>
    T Loss(Matrix<T> x, Matrix<T> t);

    /// <summary>The fraction of rows whose largest score is the answer.</summary>
    double Accuracy(Matrix<T> x, Matrix<T> t);
}

/// <summary>
/// The rules <see cref="TwoLayerNet{T}"/> and <see cref="Layers.LayeredNet{T}"/> share, written once: the weight
/// initialisation, the input checks and the accuracy rule.
/// </summary>
internal static class Network
{
    /// <summary>
    /// W1, b1, …, WN, bN for the layer sizes input → hidden… → output: weights N(0, 1) × <paramref name="weightInitStd"/>, drawn
    /// W1 row by row, then W2, … (as numpy's randn fills a C-order array), biases zero. The same <paramref name="seed"/> gives the
    /// same parameters for float and double alike. <paramref name="owner"/> (the network's name) and <paramref name="hiddenName"/>
    /// (its constructor's parameter for the hidden sizes) are for the messages.
    /// </summary>
    public static Dictionary<string, Matrix<T>> InitialParams<T>(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize,
        double weightInitStd, int? seed, string owner, string hiddenName)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), $"inputSize must be at least 1; got {inputSize}.");
        for (int i = 0; i < hiddenSizes.Count; i++)
            if (hiddenSizes[i] < 1)
            {
                string name = hiddenSizes.Count == 1 && hiddenName == "hiddenSize" ? hiddenName : $"{hiddenName}[{i}]";
                throw new ArgumentOutOfRangeException(hiddenName, $"{name} must be at least 1; got {hiddenSizes[i]}.");
            }
        if (outputSize < 1) throw new ArgumentOutOfRangeException(nameof(outputSize), $"outputSize must be at least 1; got {outputSize}.");
        T std = Shapes.PositiveIn<T>(weightInitStd, nameof(weightInitStd));
        int[] sizes = [inputSize, .. hiddenSizes, outputSize];
        for (int i = 0; i + 1 < sizes.Length; i++)
            if (Sizes.Problem<T>(sizes[i], sizes[i + 1], $"{owner}: W{i + 1}") is string problem)
                throw new ArgumentOutOfRangeException(hiddenSizes.Count > 0 ? hiddenName : nameof(inputSize), problem);

        var normal = new Normal(0.0, 1.0, seed is int s ? new Random(s) : new Random());
        var parameters = new Dictionary<string, Matrix<T>>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            var W = Matrix<T>.Build.Dense(sizes[i], sizes[i + 1]);
            for (int r = 0; r < W.RowCount; r++)
                for (int c = 0; c < W.ColumnCount; c++)
                    W[r, c] = T.CreateChecked(normal.Sample()) * std;
            parameters[$"W{i + 1}"] = W;
            parameters[$"b{i + 1}"] = Matrix<T>.Build.Dense(1, sizes[i + 1]);
        }
        return parameters;
    }

    /// <summary>
    /// x must have one row per example and <paramref name="inputSize"/> columns, and every layer's output for it, (rows, columns of
    /// W1), (rows, columns of W2), …, must be a matrix this process can hold.
    /// </summary>
    public static void RequireInput<T>(Matrix<T> x, int inputSize, IReadOnlyDictionary<string, Matrix<T>> parameters, string where, string name = "x")
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        Shapes.RequireColumns(x, inputSize, name, where, "one row per example, inputSize columns");
        for (int i = 1; parameters.TryGetValue($"W{i}", out var W); i++)
        {
            int layer = i;
            Sizes.RequireMatrix<T>(x.RowCount, W.ColumnCount, () => $"{where}: a{layer} = the output of layer {layer} for {name} {x.Shape()}", name);
        }
    }

    /// <summary>
    /// The accuracy rule: the fraction of rows whose largest score is the answer. Scores are compared before the softmax, which
    /// keeps their order but can round two nearby scores to the same probability. A row with a NaN score is never correct.
    /// </summary>
    /// <param name="scores">The network's output before the softmax, (batch, classes).</param>
    /// <param name="answers">The class of each row (<see cref="Shapes.AnswerIndices"/>).</param>
    public static double Accuracy<T>(Matrix<T> scores, int[] answers)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var predicted = scores.ArgMaxRows();
        int correct = 0;
        for (int r = 0; r < predicted.Length; r++)
            if (predicted[r] == answers[r] && !HasNaN(scores, r)) correct++;
        return (double)correct / scores.RowCount;
    }

    private static bool HasNaN<T>(Matrix<T> m, int row) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        for (int c = 0; c < m.ColumnCount; c++) if (T.IsNaN(m[row, c])) return true;
        return false;
    }
}
