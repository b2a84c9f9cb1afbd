using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Functions;

namespace FromScratch;

/// <summary>
/// The tutorial's two-layer network (2층 신경망): affine → sigmoid → affine → softmax.
/// Use <c>float</c> to train and <c>double</c> to check gradients.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public sealed class TwoLayerNet<T> : INetwork<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
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

    /// <summary>Inputs per example (784 for MNIST).</summary>
    public int InputSize { get; }
    /// <summary>Units in the hidden layer.</summary>
    public int HiddenSize { get; }
    /// <summary>Classes (10 for MNIST).</summary>
    public int OutputSize { get; }

    /// <summary>
    /// Weights drawn from N(0, 1) × <paramref name="weightInitStd"/>, biases zero.
    /// The same <paramref name="seed"/> gives the same parameters, for float and double alike (and for a <see cref="Layers.LayeredNet{T}"/>).
    /// </summary>
    public TwoLayerNet(int inputSize, int hiddenSize, int outputSize, double weightInitStd = 0.01, int? seed = null)
    {
        Params = Network.InitialParams<T>(inputSize, [hiddenSize], outputSize, weightInitStd, seed, "TwoLayerNet", nameof(hiddenSize));
        (InputSize, HiddenSize, OutputSize) = (inputSize, hiddenSize, outputSize);
    }

    /// <summary>The forward pass (순전파): class probabilities of shape (batch, output).</summary>
    public Matrix<T> Predict(Matrix<T> x)
    {
        RequireInput(x, nameof(x), "Predict");
        return Softmax(Forward(x).a2);
    }

    /// <summary>The loss (손실 함수): cross-entropy error of the predictions for <paramref name="x"/> against one-hot <paramref name="t"/>.</summary>
    public T Loss(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "Loss");
        return LossOfCheckedBatch(x, t);
    }

    private T LossOfCheckedBatch(Matrix<T> x, Matrix<T> t) => CrossEntropyError(Softmax(Forward(x).a2), t, LossDelta);

    /// <summary>
    /// The gradient of <see cref="Loss"/> for every parameter by central differences (slow: two forward passes per parameter).
    /// </summary>
    public Dictionary<string, Matrix<T>> NumericalGradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "NumericalGradient");
        Func<Matrix<T>, T> f = _ => LossOfCheckedBatch(x, t);  // the loss reads Params, which NumericalGradient perturbs in place
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
        var (z1, a2) = Forward(x);                                // z1 (batch, hidden), a2 (batch, output)
        var y = Softmax(a2);

        // backward
        T batchSize = T.CreateChecked(x.RowCount);
        var dy = (y - t) / batchSize;                             // (batch, output)
        var dz1 = dy.TransposeAndMultiply(W2);                    // (batch, output)·(output, hidden)
        var da1 = z1.PointwiseMultiply(T.One - z1).PointwiseMultiply(dz1); // σ'(a1) = z1 ⊙ (1 − z1)

        return new Dictionary<string, Matrix<T>>
        {
            ["W1"] = x.TransposeThisAndMultiply(da1),             // (input, batch)·(batch, hidden)
            ["b1"] = da1.Sum(axis: 0),                            // (1, hidden)
            ["W2"] = z1.TransposeThisAndMultiply(dy),             // (hidden, batch)·(batch, output)
            ["b2"] = dy.Sum(axis: 0),                             // (1, output)
        };
    }

    /// <summary>
    /// The fraction of rows whose largest score is the answer (a NaN score is never correct). <paramref name="t"/> is one-hot
    /// (batch, output) or a single column of labels 0..output−1.
    /// </summary>
    public double Accuracy(Matrix<T> x, Matrix<T> t)
    {
        RequireInput(x, nameof(x), "Accuracy");
        int[] answers = Shapes.AnswerIndices(t, x, OutputSize, "Accuracy");
        return Network.Accuracy(Forward(x).a2, answers);   // softmax keeps the order, so the scores a2 decide
    }

    /// <summary>The forward pass up to the scores: z1 (batch, hidden) for the backward pass and a2 (batch, output) before the softmax.</summary>
    private (Matrix<T> z1, Matrix<T> a2) Forward(Matrix<T> x)
    {
        var a1 = x * Params["W1"];                                // (batch, input)·(input, hidden)
        a1.AddRowInPlace(Params["b1"]);                           //   + (1, hidden)
        var z1 = Sigmoid(a1);
        var a2 = z1 * Params["W2"];                               // (batch, hidden)·(hidden, output)
        a2.AddRowInPlace(Params["b2"]);                           //   + (1, output)
        return (z1, a2);
    }

    private void RequireInput(Matrix<T> x, string name, string where) => Network.RequireInput(x, InputSize, Params, where, name);

    private void RequireBatch(Matrix<T> x, Matrix<T> t, string where)
    {
        RequireInput(x, nameof(x), where);
        Shapes.RequireOneHot(t, x, OutputSize, where);
    }
}
