using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The fully connected network of any depth (다층 신경망), the book's <c>MultiLayerNet</c> and its extended form in one:
/// Affine1 → [BatchNorm1] → activation1 → [Dropout1] → Affine2 → … → AffineN → <see cref="SoftmaxWithLoss{T}"/>, the optional
/// layers in the book's order. Its parameters are collected from its layers by one rule (<see cref="ILayerWithParams{T}"/>):
/// <c>W1</c>, <c>b1</c>, <c>gamma1</c>, <c>beta1</c>, …, each the very matrix the layer computes with.
/// Weight decay (가중치 감소) λ adds ½λΣW² over every weight matrix to the loss and λW to each weight's gradient (not the biases,
/// not γ or β).
/// </summary>
/// <remarks>
/// <see cref="Gradient"/> runs the layers in training mode (Dropout drops, BatchNorm uses the batch's statistics);
/// <see cref="Loss(Matrix{T}, Matrix{T})"/>, <see cref="Predict"/> and <see cref="Accuracy"/> in inference mode, as the book's
/// <c>loss(x, t, train_flg=False)</c>. The layers remember their last pass, so one network must not be used from two threads at once.
/// </remarks>
/// <typeparam name="T"><c>float</c> to train, <c>double</c> to check gradients.</typeparam>
public class MultiLayerNet<T> : INetwork<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
    private readonly List<(string Name, ILayer<T> Layer)> layers = [];
    private readonly List<Affine<T>> affines = [];

    /// <summary>
    /// A network of <paramref name="hiddenSizes"/>.Count hidden layers, e.g. <c>new MultiLayerNet&lt;float&gt;(784, [100, 100, 100, 100], 10)</c>.
    /// </summary>
    /// <param name="inputSize">Inputs per example (784 for MNIST).</param>
    /// <param name="hiddenSizes">The units of each hidden layer: at least one layer, each at least 1.</param>
    /// <param name="outputSize">Classes.</param>
    /// <param name="activation">"relu" (the book's default) or "sigmoid".</param>
    /// <param name="weightInitStd">A number, "xavier" or "he" (<see cref="WeightInit"/>); He when not given, as the book.</param>
    /// <param name="weightDecayLambda">λ of the weight decay, a finite number ≥ 0; 0 for none.</param>
    /// <param name="useBatchNorm">A <see cref="BatchNormalization{T}"/> layer after each hidden affine layer (γ ones, β zeros).</param>
    /// <param name="useDropout">A <see cref="Dropout{T}"/> layer after each hidden activation.</param>
    /// <param name="dropoutRatio">The fraction dropped, in [0, 1); the book's default 0.5.</param>
    /// <param name="seed">The seed of the initial weights (and of the dropout masks).</param>
    /// <exception cref="ArgumentException">An unknown activation name or a value outside its range; the message names it.</exception>
    public MultiLayerNet(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize, string activation = "relu",
        WeightInit? weightInitStd = null, double weightDecayLambda = 0, bool useBatchNorm = false, bool useDropout = false,
        double dropoutRatio = 0.5, int? seed = null)
        : this(InitialParams<T>(inputSize, Checked(hiddenSizes, activation, weightDecayLambda, dropoutRatio), outputSize,
                   weightInitStd ?? WeightInit.He, seed, useBatchNorm, "MultiLayerNet"),
               ParseActivation(activation), weightDecayLambda, useDropout, dropoutRatio, seed, "MultiLayerNet")
    { }

    /// <summary>
    /// The network on existing parameters (W1, b1, [gamma1, beta1,] …), which it shares; <paramref name="owner"/> names it in messages.
    /// With gamma1… present it has BatchNorm layers.
    /// </summary>
    private protected MultiLayerNet(IReadOnlyDictionary<string, Matrix<T>> parameters, Activation activation, double weightDecayLambda,
        bool useDropout, double dropoutRatio, int? seed, string owner)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), $"Unknown activation {activation}.");
        Activation = activation;
        WeightDecayLambda = RequireDecay(weightDecayLambda);
        UseDropout = useDropout;
        DropoutRatio = Dropout<T>.RequireRatio(dropoutRatio, nameof(dropoutRatio));
        var dropoutRng = seed is int s ? new Random(s + 1) : new Random();

        string Keys() => string.Join(", ", parameters.Keys);
        int count = 0;
        while (parameters.ContainsKey($"W{count + 1}")) count++;
        if (count == 0)
            throw new ArgumentException($"{owner} needs parameters W1, b1, …; got [{Keys()}].", nameof(parameters));
        UseBatchNorm = parameters.ContainsKey("gamma1");
        int expected = 2 * count + (UseBatchNorm ? 2 * (count - 1) : 0);
        if (parameters.Count != expected)
            throw new ArgumentException(UseBatchNorm
                ? $"{owner} expects exactly W1, b1, gamma1, beta1, …, W{count}, b{count}; got [{Keys()}]."
                : $"{owner} expects exactly W1, b1, …, W{count}, b{count}; got [{Keys()}].", nameof(parameters));

        for (int i = 1; i <= count; i++)
        {
            if (!parameters.TryGetValue($"b{i}", out var b))
                throw new ArgumentException($"{owner}: W{i} has no bias b{i}; got [{Keys()}].", nameof(parameters));
            var W = parameters[$"W{i}"];
            if (b.RowCount != 1 || b.ColumnCount != W.ColumnCount)
                throw new ArgumentException($"{owner}: b{i} {b.Shape()} must have shape (1, {W.ColumnCount}) to match W{i} {W.Shape()}.", nameof(parameters));
            if (i > 1 && W.RowCount != affines[^1].W.ColumnCount)
                throw new ArgumentException(
                    $"{owner}: W{i} {W.Shape()} must have {affines[^1].W.ColumnCount} rows, the columns of W{i - 1} {affines[^1].W.Shape()}.", nameof(parameters));
            var affine = new Affine<T>(W, b);
            affines.Add(affine);
            layers.Add(($"Affine{i}", affine));
            if (i == count) break;
            if (UseBatchNorm)
            {
                if (!parameters.TryGetValue($"gamma{i}", out var gamma) || !parameters.TryGetValue($"beta{i}", out var beta))
                    throw new ArgumentException($"{owner}: the batch norm after W{i} needs gamma{i} and beta{i}; got [{Keys()}].", nameof(parameters));
                if (gamma.RowCount != 1 || gamma.ColumnCount != W.ColumnCount || beta.RowCount != 1 || beta.ColumnCount != W.ColumnCount)
                    throw new ArgumentException(
                        $"{owner}: gamma{i} {gamma.Shape()} and beta{i} {beta.Shape()} must have shape (1, {W.ColumnCount}) to match W{i} {W.Shape()}.", nameof(parameters));
                layers.Add(($"BatchNorm{i}", new BatchNormalization<T>(gamma, beta)));
            }
            layers.Add(activation == Activation.Relu ? ($"Relu{i}", new Relu<T>()) : ($"Sigmoid{i}", new Sigmoid<T>()));
            if (useDropout) layers.Add(($"Dropout{i}", new Dropout<T>(dropoutRatio, dropoutRng)));
        }

        foreach (var (name, layer) in layers)                          // the rule: every layer that has parameters lists them
            if (layer is ILayerWithParams<T> withParams)
                foreach (var (local, matrix) in withParams.Params)
                    Params[local + NumberOf(name)] = matrix;
    }

    /// <summary>
    /// The parameters by the book's names: <c>W1</c>, <c>b1</c> (and <c>gamma1</c>, <c>beta1</c> with batch norm), …, <c>WN</c>,
    /// <c>bN</c>; the same matrix objects as the layers'. Update them in place (an optimizer's <c>Update</c>, <see cref="Sgd"/>).
    /// </summary>
    public Dictionary<string, Matrix<T>> Params { get; } = [];

    /// <summary>The layers in forward order with their names: Affine1, BatchNorm1, Relu1 (or Sigmoid1), Dropout1, Affine2, ….</summary>
    public IReadOnlyList<(string Name, ILayer<T> Layer)> Layers => layers.AsReadOnly();

    /// <summary>The output layer: softmax with the cross-entropy loss.</summary>
    public SoftmaxWithLoss<T> LastLayer { get; } = new();

    /// <summary>The activation of the hidden layers.</summary>
    public Activation Activation { get; }

    /// <summary>λ of the weight decay; 0 for none.</summary>
    public double WeightDecayLambda { get; }

    /// <summary>Whether each hidden affine layer is followed by batch normalization.</summary>
    public bool UseBatchNorm { get; }

    /// <summary>Whether each hidden activation is followed by dropout.</summary>
    public bool UseDropout { get; }

    /// <summary>The dropout ratio (used when <see cref="UseDropout"/>).</summary>
    public double DropoutRatio { get; }

    /// <summary>The δ inside the loss's log (see <see cref="SoftmaxWithLoss{T}.LossDelta"/>); 0 for exact gradient checks.</summary>
    public double LossDelta { get => LastLayer.LossDelta; set => LastLayer.LossDelta = value; }

    /// <summary>Columns of the input: the rows of W1.</summary>
    public int InputSize => affines[0].W.RowCount;

    /// <summary>Number of classes: the columns of the last W.</summary>
    public int OutputSize => affines[^1].W.ColumnCount;

    /// <summary>The units of each hidden layer.</summary>
    public IReadOnlyList<int> HiddenSizes => [.. affines.SkipLast(1).Select(a => a.W.ColumnCount)];

    /// <summary>The scores before the softmax, shape (batch, output), in inference mode.</summary>
    public Matrix<T> Scores(Matrix<T> x)
    {
        RequireInput(x, "Scores");
        return Forward(x, train: false);
    }

    /// <summary>The class probabilities, shape (batch, output): the softmax of <see cref="Scores"/>.</summary>
    public Matrix<T> Predict(Matrix<T> x)
    {
        RequireInput(x, "Predict");
        return Functions.Softmax(Forward(x, train: false));
    }

    /// <summary>The loss of the batch in inference mode (the book's default): cross-entropy plus the weight decay.</summary>
    public T Loss(Matrix<T> x, Matrix<T> t) => Loss(x, t, train: false);

    /// <summary>The cross-entropy loss of the batch <paramref name="x"/> against one-hot <paramref name="t"/>, plus ½λΣW².</summary>
    public T Loss(Matrix<T> x, Matrix<T> t, bool train)
    {
        RequireBatch(x, t, "Loss");
        return LossOfCheckedBatch(x, t, train);
    }

    private T LossOfCheckedBatch(Matrix<T> x, Matrix<T> t, bool train) => LastLayer.Forward(Forward(x, train), t) + WeightDecayLoss();

    /// <summary>The part of the loss that weight decay adds: ½λ Σ over every W of Σ W² (0 without weight decay).</summary>
    public T WeightDecayLoss()
    {
        if (WeightDecayLambda == 0) return T.Zero;
        T squares = T.Zero;
        foreach (var affine in affines)
            squares += affine.W.PointwiseMultiply(affine.W).ColumnSums().Sum();   // Σ W² of this layer
        return T.CreateChecked(0.5 * WeightDecayLambda) * squares;
    }

    private Matrix<T> Forward(Matrix<T> x, bool train)
    {
        foreach (var (_, layer) in layers) x = layer.Forward(x, train);
        return x;
    }

    /// <summary>
    /// The gradient of the training-mode loss for every parameter by backpropagation: forward through every layer (train: true),
    /// then backward from the loss (dout = 1) in reverse order; each layer's gradients collected by the same rule as
    /// <see cref="Params"/>, and λW added to every weight's. Keys as in <see cref="Params"/>.
    /// </summary>
    public Dictionary<string, Matrix<T>> Gradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "Gradient");
        LastLayer.Forward(Forward(x, train: true), t);        // forward
        var dout = LastLayer.Backward();                      // (batch, output)
        for (int i = layers.Count - 1; i >= 1; i--)
            dout = layers[i].Layer.Backward(dout);            // backward
        affines[0].BackwardParameters(dout);                  // the input x is data: no dx needed
        var grads = new Dictionary<string, Matrix<T>>();
        T lambda = T.CreateChecked(WeightDecayLambda);
        foreach (var (name, layer) in layers)
            if (layer is ILayerWithParams<T> withParams)
                foreach (var (local, grad) in withParams.Grads)
                {
                    string key = local + NumberOf(name);
                    grads[key] = WeightDecayLambda != 0 && local == "W" ? grad + Params[key] * lambda : grad;   // + λW
                }
        return grads;
    }

    /// <summary>
    /// The gradient of the training-mode loss by central differences, for checking <see cref="Gradient"/> (slow; use double). With
    /// dropout, fix the masks first (<see cref="Dropout{T}.FixedMask"/>) so that every evaluation is the same function.
    /// </summary>
    public Dictionary<string, Matrix<T>> NumericalGradient(Matrix<T> x, Matrix<T> t)
    {
        RequireBatch(x, t, "NumericalGradient");
        Func<Matrix<T>, T> f = _ => LossOfCheckedBatch(x, t, train: true);   // reads Params, which the numerical gradient perturbs in place
        return Params.ToDictionary(p => p.Key, p => Functions.NumericalGradient(f, p.Value));
    }

    /// <summary>
    /// The fraction of rows whose largest score (in inference mode) is the answer; a NaN score is never correct. The same rule as
    /// <see cref="TwoLayerNet{T}.Accuracy"/>. <paramref name="t"/> is one-hot (batch, output) or one column of labels.
    /// </summary>
    public double Accuracy(Matrix<T> x, Matrix<T> t)
    {
        RequireInput(x, "Accuracy");
        int[] answers = Shapes.AnswerIndices(t, x, OutputSize, "Accuracy");
        return Network.Accuracy(Forward(x, train: false), answers);
    }

    private void RequireInput(Matrix<T> x, string where) => Network.RequireInput(x, InputSize, Params, where);

    private void RequireBatch(Matrix<T> x, Matrix<T> t, string where)
    {
        RequireInput(x, where);
        Shapes.RequireOneHot(t, x, OutputSize, where);
    }

    /// <summary>The number at the end of a layer's name: "Affine3" → "3".</summary>
    private static string NumberOf(string layerName) => layerName[layerName.TrimEnd("0123456789".ToCharArray()).Length..];

    /// <summary>"relu" or "sigmoid" (case does not matter).</summary>
    internal static Activation ParseActivation(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "relu" => Activation.Relu,
            "sigmoid" => Activation.Sigmoid,
            _ => throw new ArgumentException($"Unknown activation \"{name}\"; the known ones are relu, sigmoid.", "activation"),
        };
    }

    private static double RequireDecay(double lambda) =>
        double.IsFinite(lambda) && lambda >= 0 ? lambda
        : throw new ArgumentOutOfRangeException("weightDecayLambda", $"weightDecayLambda must be a finite number ≥ 0 (0 for no weight decay); got {lambda}.");

    /// <summary>The constructor's checks that come before any weight is drawn.</summary>
    private static IReadOnlyList<int> Checked(IReadOnlyList<int> hiddenSizes, string activation, double weightDecayLambda, double dropoutRatio)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (hiddenSizes.Count == 0)
            throw new ArgumentException("MultiLayerNet: hiddenSizes must list at least one hidden layer (e.g. [100, 100]); got an empty list.", nameof(hiddenSizes));
        ParseActivation(activation);
        RequireDecay(weightDecayLambda);
        Dropout<T>.RequireRatio(dropoutRatio, nameof(dropoutRatio));
        return hiddenSizes;
    }

    /// <summary>
    /// W1, b1, …, WN, bN for input → hidden… → output: N(0, 1) draws in the order of <see cref="Network.InitialParams"/>, times the
    /// standard deviation of <paramref name="init"/> for each layer; biases zero; with <paramref name="batchNorm"/> also gamma (ones)
    /// and beta (zeros) for each hidden layer.
    /// </summary>
    internal static Dictionary<string, Matrix<TValue>> InitialParams<TValue>(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize,
        WeightInit init, int? seed, bool batchNorm, string owner)
        where TValue : struct, System.Numerics.IFloatingPointIeee754<TValue>, IFormattable
    {
        if (init.Name is null) init = WeightInit.He;   // default(WeightInit)
        bool perLayer = init.Name != "std";
        var parameters = Network.InitialParams<TValue>(inputSize, hiddenSizes, outputSize, perLayer ? 1.0 : init.Std, seed, owner, nameof(hiddenSizes));
        if (perLayer)
            foreach (var (name, p) in parameters)
                if (name.StartsWith('W'))
                {
                    TValue std = init.StdFor<TValue>(p.RowCount);   // by fan-in: the layer's inputs
                    p.MapInplace(w => w * std);
                }
        if (!batchNorm) return parameters;
        var withNorm = new Dictionary<string, Matrix<TValue>>();
        for (int i = 1; parameters.ContainsKey($"W{i}"); i++)
        {
            withNorm[$"W{i}"] = parameters[$"W{i}"];
            withNorm[$"b{i}"] = parameters[$"b{i}"];
            if (!parameters.ContainsKey($"W{i + 1}")) break;
            int units = parameters[$"W{i}"].ColumnCount;
            withNorm[$"gamma{i}"] = Matrix<TValue>.Build.Dense(1, units, TValue.One);
            withNorm[$"beta{i}"] = Matrix<TValue>.Build.Dense(1, units);
        }
        return withNorm;
    }
}
