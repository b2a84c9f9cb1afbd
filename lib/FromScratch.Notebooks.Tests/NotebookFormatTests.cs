using System.Text.Json.Nodes;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The committed notebooks: the metadata VS Code writes, the setup cell first, and no saved outputs.</summary>
public sealed class NotebookFormatTests
{
    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public void Notebook_is_a_polyglot_csharp_notebook_that_starts_with_the_setup_cell(string notebook)
    {
        var path = Repo.NotebookPath(notebook);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(4, (int)json["nbformat"]!);
        Assert.True((int)json["nbformat_minor"]! >= 5, "nbformat 4.5 or later (cell ids)");
        var metadata = json["metadata"]!;
        Assert.Equal(".net-csharp", (string?)metadata["kernelspec"]?["name"]);
        Assert.Equal("polyglot-notebook", (string?)metadata["language_info"]?["name"]);
        Assert.Equal("csharp", (string?)metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]);

        var cells = json["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var code = cells.Where(c => (string?)c["cell_type"] == "code").ToList();
        Assert.NotEmpty(code);
        Assert.Contains("#load \"setup.csx\"", RunnerTests.Join(code[0]["source"]));
        foreach (var cell in code)
        {
            Assert.Equal("csharp", (string?)cell["metadata"]?["polyglot_notebook"]?["kernelName"]);
            Assert.True(cell["outputs"] is JsonArray { Count: 0 },
                $"{notebook}: commit notebooks without outputs (Clear All Outputs, then save); a saved setup output alone carries 3.6 MB of plotly.js");
        }
        Assert.True(NotebookExpectations.All.ContainsKey(notebook),
            $"{notebook} has no row in NotebookExpectations.All: add the charts and key lines the tests must see");
    }
}
