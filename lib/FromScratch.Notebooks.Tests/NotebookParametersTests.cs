extern alias runner;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using runner::FromScratch.Runner;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The parameters contract of the committed notebooks (issue 12 §4), which the runner and the tests rely on.</summary>
public sealed class NotebookParametersTests
{
    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public void The_quick_set_names_only_variables_of_a_parameters_cell_that_holds_only_declarations(string notebook)
    {
        var json = JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(notebook)))!.AsObject();
        var cells = json["cells"]!.AsArray();
        foreach (var cell in cells)
        {
            var text = RunnerTests.Join(cell!["source"]);
            Assert.DoesNotContain("NotebookSettings", text);
            Assert.DoesNotContain("FROMSCRATCH_QUICK", text);
        }
        int index = NotebookParameters.ParametersCellIndex(cells);
        var quick = NotebookParameters.Quick(json);
        if (index < 0)
        {
            Assert.True(quick.Count == 0, $"{notebook} has a quick set but no cell tagged \"parameters\"");
            return;
        }
        Assert.Equal(1, cells.Count(c => c!["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == NotebookParameters.Tag)));
        Assert.Equal("code", (string?)cells[index]!["cell_type"]);
        var source = RunnerTests.Join(cells[index]!["source"]);
        // Only declarations: anything computed from them in the same cell would miss the injected values.
        var statements = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(kind: SourceCodeKind.Script))
            .GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Where(g => g.Statement is not LocalDeclarationStatementSyntax).ToList();
        Assert.True(statements.Count == 0, $"{notebook}: the parameters cell computes something: {string.Join("; ", statements)}");
        var declared = NotebookParameters.Declared(source);
        Assert.NotEmpty(declared);
        foreach (var name in quick.Keys) Assert.Contains(name, declared);
        // the quick set injects cleanly
        var injected = NotebookParameters.Inject(json, quick, notebook);
        Assert.Equal(cells.Count + (quick.Count > 0 ? 1 : 0), injected["cells"]!.AsArray().Count);
    }
}
