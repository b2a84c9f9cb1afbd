using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Functions;

namespace FromScratch;

/// <summary>
/// The tutorial's two-layer network (2층 신경망): affine → sigmoid → affine → softmax.
/// Use <c>float</c> to train and <c>double</c> to check gradients.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public sealed class TwoLayerNet<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    /// <summary>The parameter names in the order the tutorial updates them.</summary>
    public static readonly IReadOnlyList<string> ParamNames = ["W1", "b1", "W2", "b2"];

    /// <summary>
    /// The parameters (매개변수): <c>W1</c> (input, hidden), <c>b1</c> (1, hidden), <c>W2</c> (hidden, output), <c>b2</c> (1, output).
    /// numpy keeps a bias as a 1-D array that broadcasts over the batch; here it is a one-row matrix that does the same.
    /// Update these matrices in place (see <see cref="Sgd"/>): code holding a reference keeps seeing the live values.
    /// </summary>
    public Dictionary<string, Matrix<T>> Params { get; }

    /// <summary>
    /// The δ inside the loss's log (1e-7, the tutorial's value). The backprop formula <c>dy = (y − t) / batch</c> is the
    /// exact derivative of the loss with δ = 0; with δ = 1e-7 the two differ by about δ / y, around 1e-7 for an untrained
    /// network. Set this to 0 to check gradients to 1e-8 and beyond.
    /// </summary>
    public double LossDelta { get; set; } = Functions.CrossEntropyDelta;

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int OutputSize { get; }

    /// <summary>
    /// Weights drawn from N(0, 1) × <paramref name="weightInitStd"/>, biases zero.
    /// The same <paramref name="seed"/> gives the same parameters, for float and double alike.
    /// </summary>
    public TwoLayerNet(int inputSize, int hiddenSize, int outputSize, double weightInitStd = 0.01, int? seed = null)
    {
        Require(inputSize >= 1, $"inputSize must be at least 1; got {inputSize}.", nameof(inputSize));
        Require(hiddenSize >= 1, $"hiddenSize must be at least 1; got {hiddenSize}.", nameof(hiddenSize));
        Require(outputSize >= 1, $"outputSize must be at least 1; got {outputSize}.", nameof(outputSize));
        Require(double.IsFinite(weightInitStd) && weightInitStd > 0, $"weightInitStd must be a finite number greater than 0; got {weightInitStd}.", nameof(weightInitStd));
        (InputSize, HiddenSize, OutputSize) = (inputSize, hiddenSize, outputSize);

        var rng = seed is int s ? new Random(s) : new Random();
        var normal = new Normal(0.0, 1.0, rng);
        var build = Matrix<T>.Build;
        T std = T.CreateChecked(weightInitStd);
        // Draw W1 then W2 row by row, as numpy's randn fills a C-order array.
        Matrix<T> Randn(int rows, int cols)
        {
            var m = build.Dense(rows, cols);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    m[r, c] = T.CreateChecked(normal.Sample()) * std;
            return m;
        }
        Params = new Dictionary<string, Matrix<T>>
        {
            ["W1"] = Randn(inputSize, hiddenSize),
            ["b1"] = build.Dense(1, hiddenSize),
            ["W2"] = Randn(hiddenSize, outputSize),
            ["b2"] = build.Dense(1, outputSize),
        };
    }

    /// <summary>The forward pass (순전파): class probabilities of shape (batch, output).</summary>
    public Matrix<T> Predict(Matrix<T> x)
    {
        RequireInput(x, nameof(x), "Predict");
        var (_, y) = Forward(x);
        return y;
    }

    /// <summary>The loss (손실 함수): cross-entropy error of the predictions for <paramref name="x"/> against one-hot <paramref name="t"/>.</summary>
    public T Loss(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "Loss");
        return CrossEntropyError(Predict(x), t, LossDelta);
    }

    /// <summary>
    /// The gradient of <see cref="Loss"/> for every parameter by central differences (slow: two forward passes per parameter).
    /// </summary>
    public Dictionary<string, Matrix<T>> NumericalGradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "NumericalGradient");
        Func<Matrix<T>, T> f = _ => Loss(x, t);  // the loss reads Params, which NumericalGradient perturbs in place
        var grads = new Dictionary<string, Matrix<T>>();
        foreach (var key in ParamNames)
            grads[key] = Functions.NumericalGradient(f, Params[key]);
        return grads;
    }

    /// <summary>
    /// The gradient of <see cref="Loss"/> for every parameter by backpropagation (오차역전파).
    /// </summary>
    public Dictionary<string, Matrix<T>> Gradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "Gradient");
        var W2 = Params["W2"];

        // forward, keeping z1 for the backward pass
        var (z1, y) = Forward(x);                                 // z1 (batch, hidden), y (batch, output)

        // backward
        T batchSize = T.CreateChecked(x.RowCount);
        var dy = (y - t) / batchSize;                             // (batch, output)
        var dz1 = dy.TransposeAndMultiply(W2);                    // (batch, output)·(output, hidden)
        var da1 = z1.PointwiseMultiply(T.One - z1).PointwiseMultiply(dz1); // σ'(a1) = z1 ⊙ (1 − z1)

        return new Dictionary<string, Matrix<T>>
        {
            ["W1"] = x.TransposeThisAndMultiply(da1),             // (input, batch)·(batch, hidden)
            ["b1"] = da1.SumRows(),                               // (1, hidden)
            ["W2"] = z1.TransposeThisAndMultiply(dy),             // (hidden, batch)·(batch, output)
            ["b2"] = dy.SumRows(),                                // (1, output)
        };
    }

    /// <summary>
    /// The fraction of rows whose largest prediction is the answer. <paramref name="t"/> is one-hot (batch, output)
    /// or a single column of labels 0..output−1.
    /// </summary>
    public double Accuracy(Matrix<T> x, Matrix<T> t)
    {
        RequireInput(x, nameof(x), "Accuracy");
        int[] answers = Shapes.AnswerIndices(t, x, OutputSize, "Accuracy");
        var predicted = Predict(x).ArgMaxRows();  // softmax keeps the order, so argmax of y = argmax of a2
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == answers[i]) correct++;
        return (double)correct / x.RowCount;
    }

    private (Matrix<T> z1, Matrix<T> y) Forward(Matrix<T> x)
    {
        var a1 = x * Params["W1"];                                // (batch, input)·(input, hidden)
        a1.AddRowInPlace(Params["b1"]);                           //   + (1, hidden)
        var z1 = Sigmoid(a1);
        var a2 = z1 * Params["W2"];                               // (batch, hidden)·(hidden, output)
        a2.AddRowInPlace(Params["b2"]);                           //   + (1, output)
        return (z1, Softmax(a2));
    }

    private void RequireInput(Matrix<T> x, string name, string where)
        => Shapes.RequireColumns(x, InputSize, name, where, "one row per example, inputSize columns");

    private void RequireBatch(Matrix<T> x, Matrix<T> t, string where)
    {
        RequireInput(x, nameof(x), where);
        if (t.RowCount != x.RowCount || t.ColumnCount != OutputSize)
            throw new ArgumentException(
                $"{where}: t must be one-hot of shape ({x.RowCount}, {OutputSize}) to match x {x.Shape()}; got {t.Shape()}.", nameof(t));
    }

    private static void Require(bool ok, string message, string name)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, message);
    }
}
