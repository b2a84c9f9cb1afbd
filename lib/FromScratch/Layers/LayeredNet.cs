using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The network rebuilt from layers: Affine1 → activation → Affine2 → … → AffineN, then <see cref="SoftmaxWithLoss{T}"/>.
/// The gradient is one forward pass through the layers followed by one backward pass in reverse order.
/// The affine layers hold the very matrices in <see cref="Params"/>: update them in place (<see cref="Sgd"/>) and the layers see it.
/// </summary>
/// <remarks>The layers remember their last forward pass, so one network must not be used from two threads at once.</remarks>
/// <typeparam name="T"><c>float</c> to train, <c>double</c> to check gradients.</typeparam>
public sealed class LayeredNet<T> : INetwork<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly List<(string Name, ILayer<T> Layer)> layers = [];
    private readonly List<Affine<T>> affines = [];

    /// <summary>
    /// The parameters <c>W1</c>, <c>b1</c>, …, <c>WN</c>, <c>bN</c>: Wi (in, out), bi (1, out).
    /// These are the same matrix objects as the affine layers' <see cref="Affine{T}.W"/> and <see cref="Affine{T}.b"/>.
    /// </summary>
    public Dictionary<string, Matrix<T>> Params { get; } = [];

    /// <summary>The layers in forward order with their names: Affine1, Sigmoid1 (or Relu1), Affine2, ….</summary>
    public IReadOnlyList<(string Name, ILayer<T> Layer)> Layers => layers.AsReadOnly();

    /// <summary>The output layer: softmax with the cross-entropy loss.</summary>
    public SoftmaxWithLoss<T> LastLayer { get; } = new();

    /// <summary>The activation between the affine layers.</summary>
    public Activation Activation { get; }

    /// <summary>The δ inside the loss's log (see <see cref="SoftmaxWithLoss{T}.LossDelta"/>); 0 for exact gradient checks.</summary>
    public double LossDelta { get => LastLayer.LossDelta; set => LastLayer.LossDelta = value; }

    /// <summary>Columns of the input: the rows of W1.</summary>
    public int InputSize => affines[0].W.RowCount;

    /// <summary>Number of classes: the columns of the last W.</summary>
    public int OutputSize => affines[^1].W.ColumnCount;

    /// <summary>
    /// A two-layer network like <see cref="TwoLayerNet{T}"/>. With the same <paramref name="seed"/> and sizes it starts from the
    /// same parameters as a <see cref="TwoLayerNet{T}"/>: weights N(0, 1) × <paramref name="weightInitStd"/>, biases zero.
    /// </summary>
    public LayeredNet(int inputSize, int hiddenSize, int outputSize, Activation activation = Activation.Sigmoid,
        double weightInitStd = 0.01, int? seed = null)
        : this(inputSize, [hiddenSize], outputSize, activation, weightInitStd, seed) { }

    /// <summary>A network with any number of hidden layers, e.g. <c>hiddenSizes: [100, 50]</c> for three affine layers.</summary>
    public LayeredNet(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize, Activation activation = Activation.Sigmoid,
        double weightInitStd = 0.01, int? seed = null)
        : this(Network.InitialParams<T>(inputSize, hiddenSizes, outputSize, weightInitStd, seed, "LayeredNet", nameof(hiddenSizes)), activation) { }

    /// <summary>
    /// A network with He initialization (He et al., 2015), the usual start for ReLU: the weights of each affine layer are
    /// N(0, 1) × √(2 / fan-in), where fan-in is the layer's input size (√(2/784) ≈ 0.05 for W1 on MNIST); biases zero.
    /// With the same <paramref name="seed"/> the N(0, 1) draws are those of the other constructors, only scaled per layer.
    /// </summary>
    /// <example><code>var relu = LayeredNet&lt;float&gt;.WithHeInit(784, [50], 10, Activation.Relu, seed: 1);</code></example>
    public static LayeredNet<T> WithHeInit(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize,
        Activation activation = Activation.Relu, int? seed = null)
    {
        var parameters = Network.InitialParams<T>(inputSize, hiddenSizes, outputSize, weightInitStd: 1.0, seed, "LayeredNet", nameof(hiddenSizes));
        foreach (var (name, p) in parameters)
            if (name.StartsWith('W')) p.MapInplace(w => w * HeStd(p.RowCount));
        return new LayeredNet<T>(parameters, activation);
    }

    /// <summary>The He initialization's standard deviation √(2 / fanIn) for a layer with <paramref name="fanIn"/> inputs.</summary>
    public static T HeStd(int fanIn)
    {
        if (fanIn < 1) throw new ArgumentOutOfRangeException(nameof(fanIn), $"fanIn must be at least 1; got {fanIn}.");
        return T.Sqrt(T.CreateChecked(2.0 / fanIn));
    }

    /// <summary>
    /// A network on existing parameters <c>W1</c>, <c>b1</c>, …, <c>WN</c>, <c>bN</c>, which it shares: the matrices are
    /// not copied, so in-place changes through either side are seen by both.
    /// </summary>
    public LayeredNet(IReadOnlyDictionary<string, Matrix<T>> parameters, Activation activation = Activation.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), $"Unknown activation {activation}.");
        Activation = activation;
        int count = 0;
        while (parameters.ContainsKey($"W{count + 1}")) count++;
        if (count == 0)
            throw new ArgumentException($"LayeredNet needs parameters W1, b1, …; got [{string.Join(", ", parameters.Keys)}].", nameof(parameters));
        if (parameters.Count != 2 * count)
            throw new ArgumentException(
                $"LayeredNet expects exactly W1, b1, …, W{count}, b{count}; got [{string.Join(", ", parameters.Keys)}].", nameof(parameters));

        for (int i = 1; i <= count; i++)
        {
            if (!parameters.TryGetValue($"b{i}", out var b))
                throw new ArgumentException($"LayeredNet: W{i} has no bias b{i}; got [{string.Join(", ", parameters.Keys)}].", nameof(parameters));
            var W = parameters[$"W{i}"];
            if (b.RowCount != 1 || b.ColumnCount != W.ColumnCount)
                throw new ArgumentException($"LayeredNet: b{i} {b.Shape()} must have shape (1, {W.ColumnCount}) to match W{i} {W.Shape()}.", nameof(parameters));
            if (i > 1 && W.RowCount != affines[^1].W.ColumnCount)
                throw new ArgumentException(
                    $"LayeredNet: W{i} {W.Shape()} must have {affines[^1].W.ColumnCount} rows, the columns of W{i - 1} {affines[^1].W.Shape()}.", nameof(parameters));
            var affine = new Affine<T>(W, b);
            Params[$"W{i}"] = W;
            Params[$"b{i}"] = b;
            affines.Add(affine);
            layers.Add(($"Affine{i}", affine));
            if (i < count)
                layers.Add(activation == Activation.Relu ? ($"Relu{i}", new Relu<T>()) : ($"Sigmoid{i}", new Sigmoid<T>()));
        }
    }

    /// <summary>
    /// The layered version of <paramref name="net"/>, sharing its parameter matrices: after an in-place <see cref="Sgd.Update{T}(IDictionary{string, Matrix{T}}, Dictionary{string, Matrix{T}}, T)"/>
    /// of either network's <c>Params</c>, both compute with the new values. With <see cref="Activation.Sigmoid"/> it is the same function
    /// as <paramref name="net"/>; its <see cref="LossDelta"/> is copied.
    /// </summary>
    public static LayeredNet<T> From(TwoLayerNet<T> net, Activation activation = Activation.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(net);
        return new LayeredNet<T>(net.Params, activation) { LossDelta = net.LossDelta };
    }

    /// <summary>The scores before the softmax, shape (batch, output): the forward pass through <see cref="Layers"/>.</summary>
    public Matrix<T> Scores(Matrix<T> x)
    {
        RequireInput(x, "Scores");
        return Forward(x);
    }

    /// <summary>The class probabilities, shape (batch, output): the softmax of <see cref="Scores"/>.</summary>
    public Matrix<T> Predict(Matrix<T> x)
    {
        RequireInput(x, "Predict");
        return Functions.Softmax(Forward(x));
    }

    /// <summary>The cross-entropy loss of the batch <paramref name="x"/> against one-hot <paramref name="t"/>.</summary>
    public T Loss(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "Loss");
        return LossOfCheckedBatch(x, t);
    }

    private T LossOfCheckedBatch(Matrix<T> x, Matrix<T> t) => LastLayer.Forward(Forward(x), t);

    private Matrix<T> Forward(Matrix<T> x)
    {
        foreach (var (_, layer) in layers) x = layer.Forward(x);
        return x;
    }

    /// <summary>
    /// The gradient of <see cref="Loss"/> for every parameter by backpropagation: forward through every layer, then backward from
    /// the loss (dout = 1) through the layers in reverse order. Keys as in <see cref="Params"/>.
    /// </summary>
    public Dictionary<string, Matrix<T>> Gradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "Gradient");
        LastLayer.Forward(Forward(x), t);                     // forward
        var dout = LastLayer.Backward();                      // (batch, output)
        for (int i = layers.Count - 1; i >= 1; i--)
            dout = layers[i].Layer.Backward(dout);            // backward
        affines[0].BackwardParameters(dout);                  // the input x is data: no dx needed
        var grads = new Dictionary<string, Matrix<T>>();
        for (int i = 0; i < affines.Count; i++)
        {
            grads[$"W{i + 1}"] = affines[i].dW!;
            grads[$"b{i + 1}"] = affines[i].db!;
        }
        return grads;
    }

    /// <summary>The gradient of <see cref="Loss"/> by central differences, for checking <see cref="Gradient"/> (slow; use double).</summary>
    public Dictionary<string, Matrix<T>> NumericalGradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "NumericalGradient");
        Func<Matrix<T>, T> f = _ => LossOfCheckedBatch(x, t);   // reads Params, which the numerical gradient perturbs in place
        return Params.ToDictionary(p => p.Key, p => Functions.NumericalGradient(f, p.Value));
    }

    /// <summary>
    /// The fraction of rows whose largest score is the answer (a NaN score is never correct): the same rule as
    /// <see cref="TwoLayerNet{T}.Accuracy"/>. <paramref name="t"/> is one-hot (batch, output) or one column of labels.
    /// </summary>
    public double Accuracy(Matrix<T> x, Matrix<T> t)
    {
        RequireInput(x, "Accuracy");
        int[] answers = Shapes.AnswerIndices(t, x, OutputSize, "Accuracy");
        return Network.Accuracy(Forward(x), answers);
    }

    private void RequireInput(Matrix<T> x, string where) => Network.RequireInput(x, InputSize, Params, where);

    private void RequireBatch(Matrix<T> x, Matrix<T> t, string where)
    {
        RequireInput(x, where);
        Shapes.RequireOneHot(t, x, OutputSize, where);
    }
}
