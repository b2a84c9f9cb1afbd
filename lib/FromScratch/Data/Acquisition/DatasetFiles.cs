namespace FromScratch.Data;

/// <summary>One file of a dataset, identified by the SHA-256 and length of its uncompressed content.</summary>
internal sealed record DatasetFile(string Name, string Sha256, long Length);

/// <summary>A dataset stored as the four MNIST-layout IDX files, with what to tell the user when they cannot be had.</summary>
internal sealed record IdxDatasetSpec(
    string Name,
    string Folder,
    DatasetFile TrainImages, DatasetFile TrainLabels, DatasetFile TestImages, DatasetFile TestLabels,
    IReadOnlyList<string> ClassNames,
    string HowToFix)
{
    /// <summary>The four files in the order train images, train labels, test images, test labels.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];
}
