using FromScratch.Charts;
using FromScratch.Tests;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// The public API of lib/FromScratch.Charts is listed in lib/FromScratch.Charts/PublicAPI.txt (as lib/FromScratch's is in
/// its own), so that growing it is a deliberate diff.
/// </summary>
public sealed class ChartsPublicApiTests
{
    [Fact]
    public void ChartsPublicApiMatchesTheCommittedList()
    {
        var problem = PublicApi.Check(typeof(Plot).Assembly,
            Path.Combine(Repo.Root, "lib", "FromScratch.Charts", "PublicAPI.txt"), "lib/FromScratch.Notebooks.Tests");
        Assert.True(problem is null, problem);
    }
}
