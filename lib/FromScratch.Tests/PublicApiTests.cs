namespace FromScratch.Tests;

/// <summary>
/// The public API of lib/FromScratch is listed in lib/FromScratch/PublicAPI.txt, so that growing it is a deliberate,
/// reviewed diff. To accept a change: <c>FROMSCRATCH_UPDATE_API=1 dotnet test lib/FromScratch.Tests -c Release
/// --filter "FullyQualifiedName~PublicApi"</c>, then review and commit the file.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheCommittedList()
    {
        var problem = PublicApi.Check(typeof(TwoLayerNet<>).Assembly,
            System.IO.Path.Combine(RepositoryRoot.Require(), "lib", "FromScratch", "PublicAPI.txt"), "lib/FromScratch.Tests");
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void EnginePublicApiMatchesItsCommittedList()
    {   // lib/FromScratch.Fast: what notebooks call on the engine (FastProvider, FastTrainer, FastSweep), listed the same way
        var problem = PublicApi.Check(typeof(FromScratch.Fast.FastTrainer).Assembly,
            System.IO.Path.Combine(RepositoryRoot.Require(), "lib", "FromScratch.Fast", "PublicAPI.txt"), "lib/FromScratch.Tests");
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void The_core_references_nothing_of_the_engine()
    {   // the engine reads the core; the core is what learners read, and runs without the engine
        var core = typeof(TwoLayerNet<>).Assembly;
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name == "FromScratch.Fast");
        Assert.DoesNotContain(core.GetTypes(), t => t.Namespace == "FromScratch.Fast");
    }

    [Fact]
    public void DumpListsPublicMembersAndNotInternalOnes()
    {
        var dump = PublicApi.Dump(typeof(TwoLayerNet<>).Assembly);
        Assert.Contains("class FromScratch.TwoLayerNet<T>", dump);
        Assert.Contains("  method Gradient(", dump);
        var engine = PublicApi.Dump(typeof(FromScratch.Fast.FastTrainer).Assembly);
        Assert.Contains("static class FromScratch.Fast.FastProvider", engine);
        Assert.DoesNotContain("FromScratch.Fast.Gemm", engine); // internal: the tests see it, learners do not
        Assert.DoesNotContain("FastLinearAlgebraProvider", engine);
        Assert.DoesNotContain("MatrixMultiply", engine);        // MathNet's provider interface stays behind FastProvider
        var (types, members) = PublicApi.Count(typeof(TwoLayerNet<>).Assembly);
        Assert.True(types > 10 && members > types, $"{types} types, {members} members");
    }

    [Fact]
    public void CheckReportsAMemberMissingFromTheListAndHowToAcceptIt()
    {
        var assembly = typeof(TwoLayerNet<>).Assembly;
        var listed = System.IO.Path.GetTempFileName();
        try
        {
            var lines = PublicApi.Dump(assembly).Split('\n').ToList();
            int type = lines.IndexOf(lines.First(l => l.StartsWith("class FromScratch.TwoLayerNet<T>")));
            int member = lines.FindIndex(type, l => l.StartsWith("  method Gradient("));
            var removed = lines[type] + " :: " + lines[member].Trim();
            lines.RemoveAt(member);
            File.WriteAllText(listed, string.Join('\n', lines));
            var problem = PublicApi.Check(assembly, listed, "lib/FromScratch.Tests");
            Assert.NotNull(problem);
            Assert.Contains("+ " + removed, problem);
            Assert.Contains("FROMSCRATCH_UPDATE_API=1", problem);
        }
        finally { File.Delete(listed); }
    }

    [Fact]
    public void DiffNamesAddedAndRemovedLines()
    {
        var diff = PublicApi.Diff("class A\n  m1\n  m2\nclass B\n  m1\n", "class A\n  m2\n  m3\nclass B\n  m1\n");
        Assert.Equal("- class A :: m1\n+ class A :: m3\n", diff);
    }
}
