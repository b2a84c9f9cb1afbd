using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Layers;

/// <summary>
/// The network rebuilt from layers (notebook 07): Affine1 → activation → Affine2 → … → AffineN, then <see cref="SoftmaxWithLoss{T}"/>.
/// It is a <see cref="MultiLayerNet{T}"/> without batch norm, dropout or weight decay, and with the defaults of notebook 07
/// (sigmoid, std 0.01); everything it computes is MultiLayerNet's. The affine layers hold the very matrices in <c>Params</c>:
/// update them in place (<see cref="Sgd"/>) and the layers see it.
/// </summary>
/// <remarks>The layers remember their last forward pass, so one network must not be used from two threads at once.</remarks>
/// <typeparam name="T"><c>float</c> to train, <c>double</c> to check gradients.</typeparam>
public sealed class LayeredNet<T> : MultiLayerNet<T> where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
{
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
    /// A network on existing parameters <c>W1</c>, <c>b1</c>, …, <c>WN</c>, <c>bN</c>, which it shares: the matrices are
    /// not copied, so in-place changes through either side are seen by both.
    /// </summary>
    public LayeredNet(IReadOnlyDictionary<string, Matrix<T>> parameters, Activation activation = Activation.Sigmoid)
        : base(NoBatchNorm(parameters), activation, weightDecayLambda: 0, useDropout: false, dropoutRatio: 0.5, seed: null, owner: "LayeredNet") { }

    /// <summary>
    /// A network with He initialization (He et al., 2015), the usual start for ReLU: the weights of each affine layer are
    /// N(0, 1) × √(2 / fan-in), where fan-in is the layer's input size (√(2/784) ≈ 0.05 for W1 on MNIST); biases zero.
    /// With the same <paramref name="seed"/> the N(0, 1) draws are those of the other constructors, only scaled per layer.
    /// (The same as <c>new MultiLayerNet&lt;T&gt;(…, weightInitStd: "he")</c>.)
    /// </summary>
    /// <example><code>var relu = LayeredNet&lt;float&gt;.WithHeInit(784, [50], 10, Activation.Relu, seed: 1);</code></example>
    public static LayeredNet<T> WithHeInit(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize,
        Activation activation = Activation.Relu, int? seed = null)
        => new(InitialParams<T>(inputSize, hiddenSizes, outputSize, WeightInit.He, seed, batchNorm: false, "LayeredNet"), activation);

    /// <summary>The He initialization's standard deviation √(2 / fanIn) for a layer with <paramref name="fanIn"/> inputs.</summary>
    public static T HeStd(int fanIn) => WeightInit.He.StdFor<T>(fanIn);

    /// <summary>
    /// The layered version of <paramref name="net"/>, sharing its parameter matrices: after an in-place <see cref="Sgd.Update{T}(IDictionary{string, Matrix{T}}, Dictionary{string, Matrix{T}}, T)"/>
    /// of either network's <c>Params</c>, both compute with the new values. With <see cref="Activation.Sigmoid"/> it is the same function
    /// as <paramref name="net"/>; its <see cref="MultiLayerNet{T}.LossDelta"/> is copied.
    /// </summary>
    public static LayeredNet<T> From(TwoLayerNet<T> net, Activation activation = Activation.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(net);
        return new LayeredNet<T>(net.Params, activation) { LossDelta = net.LossDelta };
    }

    /// <summary>A LayeredNet has no batch norm: gamma1 among its parameters is one too many, not a batch-norm layer.</summary>
    private static IReadOnlyDictionary<string, Matrix<T>> NoBatchNorm(IReadOnlyDictionary<string, Matrix<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Keys.Any(k => k.StartsWith("gamma", StringComparison.Ordinal) || k.StartsWith("beta", StringComparison.Ordinal)))
        {
            int count = 0;
            while (parameters.ContainsKey($"W{count + 1}")) count++;
            throw new ArgumentException(
                $"LayeredNet expects exactly W1, b1, …, W{count}, b{count}; got [{string.Join(", ", parameters.Keys)}] (batch norm is MultiLayerNet's useBatchNorm).", nameof(parameters));
        }
        return parameters;
    }
}
