namespace FromScratch.Layers;

/// <summary>
/// How the weights of a <see cref="MultiLayerNet{T}"/> start (가중치의 초깃값): N(0, 1) times a standard deviation that is either
/// one number for every layer, or per layer from its number of inputs n: Xavier √(1/n) (for sigmoid and tanh) or He √(2/n)
/// (for ReLU). Write it as the book does: <c>weightInitStd: 0.01</c>, <c>"xavier"</c> or <c>"he"</c> (also <c>"sigmoid"</c>
/// and <c>"relu"</c>, the book's other names for the two).
/// </summary>
public readonly record struct WeightInit
{
    private WeightInit(string name, double std) => (Name, Std) = (name, std);

    /// <summary>"std", "xavier" or "he".</summary>
    public string Name { get; }

    /// <summary>The standard deviation for "std"; NaN for Xavier and He, which depend on the layer.</summary>
    public double Std { get; }

    /// <summary>N(0, 1) × <paramref name="std"/> for every layer (a finite number greater than 0).</summary>
    public static WeightInit StdOf(double std)
    {
        if (!double.IsFinite(std) || std <= 0)
            throw new ArgumentOutOfRangeException(nameof(std), $"weightInitStd must be a finite number greater than 0, \"xavier\" or \"he\"; got {std}.");
        return new("std", std);
    }

    /// <summary>Xavier (Glorot): N(0, 1) × √(1/n) for a layer with n inputs.</summary>
    public static WeightInit Xavier => new("xavier", double.NaN);

    /// <summary>He: N(0, 1) × √(2/n) for a layer with n inputs.</summary>
    public static WeightInit He => new("he", double.NaN);

    /// <summary>The initialisation called <paramref name="name"/>: xavier or sigmoid, he or relu (case does not matter).</summary>
    /// <exception cref="ArgumentException">None of those.</exception>
    public static WeightInit Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "xavier" or "sigmoid" => Xavier,
            "he" or "relu" => He,
            _ => throw new ArgumentException(
                $"Unknown weight initialisation \"{name}\"; use a number (the standard deviation), \"xavier\" (or \"sigmoid\") or \"he\" (or \"relu\").", "weightInitStd"),
        };
    }

    /// <summary>A number is a standard deviation.</summary>
    public static implicit operator WeightInit(double std) => StdOf(std);

    /// <summary>A name: "xavier" or "he".</summary>
    public static implicit operator WeightInit(string name) => Parse(name);

    /// <summary>The standard deviation of the weights of a layer with <paramref name="fanIn"/> inputs.</summary>
    public T StdFor<T>(int fanIn) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (fanIn < 1) throw new ArgumentOutOfRangeException(nameof(fanIn), $"fanIn must be at least 1; got {fanIn}.");
        return Name switch
        {
            "xavier" => T.Sqrt(T.CreateChecked(1.0 / fanIn)),
            "he" => T.Sqrt(T.CreateChecked(2.0 / fanIn)),
            _ => T.CreateChecked(Std),
        };
    }

    /// <summary>"0.01", "xavier" or "he".</summary>
    public override string ToString() => Name == "std" ? Std.ToString(System.Globalization.CultureInfo.InvariantCulture) : Name;
}
