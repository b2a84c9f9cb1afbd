using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// In the runner's executed copies of notebooks 01–07: every untouched exercise's check printed "not attempted yet" and the
/// run went on; 03 and 07 drew their computational graphs as SVG.
/// </summary>
public sealed class NotebookFeaturesTests
{
    public static IEnumerable<object[]> ExerciseNotebooks() => Repo.Notebooks().Where(n => Regex.IsMatch((string)n[0], "^(0[1-79]|1[0-3])-"));

    [Theory]
    [MemberData(nameof(ExerciseNotebooks))]
    public async Task Untouched_exercises_print_not_attempted_yet_and_the_graphs_draw(string notebook)
    {
        var run = await RunnerRuns.RunAsync(notebook);
        Assert.True(run.ExitCode == 0, $"the runner failed for {notebook}:\n{run.Tail()}");
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.OutDir, notebook + ".ipynb")))!["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        string Text(JsonObject cell) => string.Concat((cell["outputs"] as JsonArray ?? []).Select(o => RunnerTests.Join(o!["text"])));
        string Html(JsonObject cell) => string.Concat((cell["outputs"] as JsonArray ?? []).Select(o => RunnerTests.Join(o!["data"]?["text/html"])));

        var checks = cells.Where(c => Regex.IsMatch((string)c["id"]!, @"^\d\d-ex\d+-check$")).ToList();
        Assert.InRange(checks.Count, 2, 4);
        foreach (var check in checks)
            Assert.Matches(@"^· Exercise \d+\.\d .*: not attempted yet\. ", Text(check));

        int graphs = cells.Count(c => Html(c).Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fromscratch-graph\"", StringComparison.Ordinal));
        int expected = notebook switch { "03-two-layer-net" => 2, "07-layers" => 1, _ => 0 };
        Assert.True(graphs == expected, $"{notebook}: {graphs} computational graph(s) drawn, expected {expected}");
        if (expected > 0) Assert.DoesNotContain("<script", string.Concat(cells.Where(c => ((string)c["id"]!).Contains("-graph-")).Select(Html)));
    }
}
