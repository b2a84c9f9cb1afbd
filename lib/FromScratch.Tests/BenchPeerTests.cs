using FromScratch.Bench;

namespace FromScratch.Tests;

/// <summary>The benchmark's Python peers: a missing one is "skipped" with the exact install command from the one package list.</summary>
public class BenchPeerTests
{
    [Fact]
    public void TheBenchPackagesComeFromTheOneList()
        => Assert.Equal(["python3-numpy", "libopenblas0-pthread", "python3-torch"], PythonReference.BenchPackages(RepositoryRoot.Require()));

    [Fact]
    public void AMissingModuleIsSkippedWithTheInstallCommand()
    {
        string? note = PythonReference.Missing(RepositoryRoot.Require(), "no_such_module_fromscratch");
        Assert.NotNull(note);
        Assert.StartsWith("skipped", note);
        Assert.Contains("sudo apt-get install python3-numpy libopenblas0-pthread python3-torch", note);
    }
}
