namespace FromScratch.Layers;

/// <summary>The activation function (활성화 함수) between the affine layers of a <see cref="LayeredNet{T}"/>.</summary>
public enum Activation
{
    /// <summary>σ(x) = 1 / (1 + e^(−x)), as in the tutorial.</summary>
    Sigmoid,
    /// <summary>max(0, x).</summary>
    Relu,
}
