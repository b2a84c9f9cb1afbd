using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>Real MNIST, loaded once for the tests that need it (fetched into the repository's data/ on first use).</summary>
public sealed class MnistFixture
{
    public Dataset<float> Data { get; } = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true);
}

[CollectionDefinition("MNIST")]
public sealed class MnistCollection : ICollectionFixture<MnistFixture>;
