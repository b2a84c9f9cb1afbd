using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Data;

/// <summary>A dataset stored as the four MNIST-layout IDX files, with where to get them.</summary>
public sealed record IdxDatasetSpec(
    string Name,
    string Folder,
    DatasetFile TrainImages, DatasetFile TrainLabels, DatasetFile TestImages, DatasetFile TestLabels,
    IReadOnlyList<string> ClassNames,
    string HowToFix)
{
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];
}

/// <summary>Turns the raw IDX files into MathNet matrices the way the book's <c>load_mnist</c> does.</summary>
public static class IdxDataset
{
    /// <summary>Ensures the files of <paramref name="spec"/> (from <paramref name="sources"/>) and loads them.</summary>
    public static Dataset<T> Load<T>(IdxDatasetSpec spec, IReadOnlyList<DataSource> sources, bool normalize, bool flatten, bool oneHotLabel,
        string? dataDirectory, TextWriter? log)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        string dir = Path.Combine(DataDirectory.Resolve(dataDirectory), spec.Folder);
        IReadOnlyList<string> paths;
        try { paths = DatasetStore.Ensure(spec.Name, dir, spec.Files, sources, log, spec.HowToFix); }
        finally { foreach (var s in sources) (s as IDisposable)?.Dispose(); }
        var train = Idx.ReadPair(paths[0], paths[1], spec.ClassNames.Count);
        var test = Idx.ReadPair(paths[2], paths[3], spec.ClassNames.Count);
        return new Dataset<T>(
            Split<T>(train.Images, train.Labels, normalize, flatten, oneHotLabel, spec.ClassNames.Count),
            Split<T>(test.Images, test.Labels, normalize, flatten, oneHotLabel, spec.ClassNames.Count))
        { ClassNames = spec.ClassNames };
    }

    /// <summary>Builds one split from raw IDX content.</summary>
    public static DataSplit<T> Split<T>(IdxImages images, byte[] labels, bool normalize, bool flatten, bool oneHotLabel, int classes = 10)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (images.Count != labels.Length)
            throw new ArgumentException($"{images.Count} images but {labels.Length} labels.", nameof(labels));
        return new DataSplit<T>(ImagesToMatrix<T>(images, normalize), LabelsToMatrix<T>(labels, oneHotLabel, classes))
        {
            RawImages = images,
            Labels = labels,
            ImageShape = flatten ? [images.PixelsPerImage] : [1, images.Rows, images.Columns],
        };
    }

    /// <summary>(count, pixels) matrix; pixel / 255 when <paramref name="normalize"/>, else 0..255.</summary>
    public static Matrix<T> ImagesToMatrix<T>(IdxImages images, bool normalize) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        int n = images.Count, p = images.PixelsPerImage;
        var table = new T[256];
        for (int v = 0; v < 256; v++) table[v] = normalize ? T.CreateChecked(v) / T.CreateChecked(255) : T.CreateChecked(v);
        // MathNet stores column-major: element (i, j) lives at j*n + i. Work in blocks of images so that
        // both the reads (row-major bytes) and the writes stay in cache.
        var data = GC.AllocateUninitializedArray<T>(checked(n * p));
        const int Block = 32;
        var pixels = images.Pixels;
        Parallel.For(0, (n + Block - 1) / Block, b =>
        {
            int i0 = b * Block, i1 = Math.Min(n, i0 + Block);
            for (int j = 0; j < p; j++)
            {
                int col = j * n;
                for (int i = i0; i < i1; i++) data[col + i] = table[pixels[i * p + j]];
            }
        });
        return Matrix<T>.Build.Dense(n, p, data);
    }

    /// <summary>One-hot (count, classes) rows, or a (count, 1) column of labels.</summary>
    public static Matrix<T> LabelsToMatrix<T>(byte[] labels, bool oneHot, int classes = 10) where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        if (!oneHot) return Matrix<T>.Build.Dense(labels.Length, 1, (i, _) => T.CreateChecked(labels[i]));
        var m = Matrix<T>.Build.Dense(labels.Length, classes);
        for (int i = 0; i < labels.Length; i++) m[i, labels[i]] = T.One;
        return m;
    }
}
