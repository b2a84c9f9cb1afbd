namespace FromScratch.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research): the same shapes as MNIST, ten classes of clothing instead of digits.
/// </summary>
/// <remarks>Loaded by the same four steps as <see cref="Mnist"/> (files → normalize → one-hot → flatten), from its own files.</remarks>
public static class FashionMnist
{
    /// <summary>The class names, by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The four files, identified by the SHA-256 of their uncompressed content.</summary>
    internal static readonly IdxDatasetSpec Spec = new(
        "Fashion-MNIST", "fashion-mnist",
        new("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
        new("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
        new("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
        new("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
        ClassNames,
        "To fix: connect to the internet, or on Debian/Ubuntu `apt-get install dataset-fashion-mnist`, "
        + "or copy the four files (plain or .gz) into the folder above, or set FROMSCRATCH_DATA to a folder that has them.");

    /// <summary>The public mirror of the original files.</summary>
    internal static readonly IReadOnlyList<string> Mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

    /// <summary>Debian's <c>dataset-fashion-mnist</c> installs the files here.</summary>
    internal const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Where the files are fetched from, in order: the mirror, then Debian's package folder.</summary>
    internal static IReadOnlyList<DataSource> DefaultSources() =>
        [.. Mirrors.Select(m => (DataSource)new HttpMirror(m)), new LocalDirectorySource(DebianDirectory, "Debian package dataset-fashion-mnist")];

    /// <summary>Loads Fashion-MNIST with the same options as <see cref="Mnist.Load(bool, bool, bool, string?, TextWriter?)"/>.</summary>
    public static Dataset<float> Load(bool normalize = true, bool flatten = true, bool oneHotLabel = true, string? dataDirectory = null, TextWriter? log = null)
        => Load<float>(normalize, flatten, oneHotLabel, dataDirectory, log);

    /// <summary>Loads Fashion-MNIST with elements of type <typeparamref name="T"/>.</summary>
    public static Dataset<T> Load<T>(bool normalize = true, bool flatten = true, bool oneHotLabel = true, string? dataDirectory = null, TextWriter? log = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => Mnist.Load<T>(Spec, DefaultSources(), normalize, flatten, oneHotLabel, dataDirectory, log);
}
