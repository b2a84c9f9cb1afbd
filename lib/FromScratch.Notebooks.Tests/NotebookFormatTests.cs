using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The committed notebooks: metadata that VS Code and Jupyter both understand, the setup cell first, and no saved outputs.</summary>
public sealed class NotebookFormatTests
{
    /// <summary>The first code cell of every notebook, exactly: a learner reads it in ten seconds.</summary>
    public static readonly string SetupCell =
        "// Setup (every notebook starts with this cell): builds and references lib/, loads plotly.js offline — see setup.csx.\n" +
        "#load \"setup.csx\"";

    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public void Notebook_is_a_polyglot_csharp_notebook_that_starts_with_the_setup_cell(string notebook)
    {
        var path = Repo.NotebookPath(notebook);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(4, (int)json["nbformat"]!);
        Assert.True((int)json["nbformat_minor"]! >= 5, "nbformat 4.5 or later (cell ids)");
        var metadata = json["metadata"]!;
        // VS Code's Polyglot Notebooks extension opens an .ipynb as its own when kernelspec.name starts with ".net-"
        // (isDotNetNotebook in its metadataUtilities), and takes the default kernel from polyglot_notebook.kernelInfo.
        Assert.Equal(".net-csharp", (string?)metadata["kernelspec"]?["name"]);
        Assert.Equal("C#", (string?)metadata["kernelspec"]?["language"]);
        Assert.Equal("csharp", (string?)metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]);
        // Jupyter (classic and Lab) picks the highlighting from language_info: codemirror_mode, else name. CodeMirror
        // knows C# as the MIME type text/x-csharp (its clike mode); "polyglot-notebook" is no CodeMirror mode (a 404).
        var language = metadata["language_info"]!;
        Assert.Equal("text/x-csharp", (string?)language["codemirror_mode"]);
        Assert.Equal("text/x-csharp", (string?)language["mimetype"]);
        Assert.Equal("C#", (string?)language["name"]);
        Assert.Equal(".cs", (string?)language["file_extension"]);
        Assert.Equal("csharp", (string?)language["pygments_lexer"]);

        var cells = json["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var code = cells.Where(c => (string?)c["cell_type"] == "code").ToList();
        Assert.NotEmpty(code);
        Assert.Equal(SetupCell, RunnerTests.Join(code[0]["source"]));
        foreach (var cell in code)
        {
            Assert.Equal("csharp", (string?)cell["metadata"]?["polyglot_notebook"]?["kernelName"]);
            Assert.True(cell["outputs"] is JsonArray { Count: 0 },
                $"{notebook}: commit notebooks without outputs (Clear All Outputs, then save); a saved setup output alone carries 3.6 MB of plotly.js");
        }
        Assert.True(NotebookExpectations.All.ContainsKey(notebook),
            $"{notebook} has no row in NotebookExpectations.All: add the charts and key lines the tests must see");
    }

    /// <summary>
    /// The version of a package is one fact: the lib's project. A notebook that pinned MathNet itself (<c>#r "nuget: …"</c>)
    /// could load another version than the one FromScratch was built against.
    /// </summary>
    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public void Notebook_pins_no_package_of_its_own_the_lib_decides_the_versions(string notebook)
    {
        var sources = JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(notebook)))!["cells"]!.AsArray()
            .Select(c => RunnerTests.Join(c!["source"]));
        var pins = sources.SelectMany(s => Regex.Matches(s, @"#r\s+""nuget:\s*([^,""]+)").Select(m => m.Groups[1].Value.Trim())).ToList();
        var libPackages = LibPackages().Keys;
        Assert.True(!pins.Intersect(libPackages, StringComparer.OrdinalIgnoreCase).Any(),
            $"{notebook} pins {string.Join(", ", pins)} with #r \"nuget:\"; the setup references the lib's own copy (lib/*.csproj decides the version)");
    }

    [Fact]
    public void The_setup_references_the_MathNet_the_lib_builds_with()
    {
        var packages = LibPackages();
        Assert.Equal("5.0.0", packages["MathNet.Numerics"]); // the tutorial's numbers were checked with this version
        Assert.Contains("MathNet.Numerics", FromScratch.Notebook.NotebookSetup.Referenced);
        Assert.DoesNotContain("nuget:", File.ReadAllText(Path.Combine(Repo.NotebooksDir, "setup.csx")));
    }

    /// <summary>Package name → version of every PackageReference in lib/FromScratch and lib/FromScratch.Charts.</summary>
    private static Dictionary<string, string> LibPackages() =>
        new[] { "lib/FromScratch/FromScratch.csproj", "lib/FromScratch.Charts/FromScratch.Charts.csproj" }
            .SelectMany(p => XDocument.Load(Path.Combine(Repo.Root, p)).Descendants("PackageReference"))
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The hyperparameters that several notebooks share: one spelling and one type each, as in the book.</summary>
    public static readonly IReadOnlyDictionary<string, string> SharedParameters = new Dictionary<string, string>
    {
        ["itersNum"] = "int", ["batchSize"] = "int", ["learningRate"] = "double", ["hiddenSize"] = "int",
        ["weightInitStd"] = "double", ["seed"] = "int?",
    };

    /// <summary>Other spellings of the shared hyperparameters, refused with the one to use.</summary>
    private static readonly IReadOnlyDictionary<string, string> OtherSpellings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["iterations"] = "itersNum", ["iters"] = "itersNum", ["numIterations"] = "itersNum", ["stepNum"] = "itersNum",
        ["lr"] = "learningRate", ["hidden"] = "hiddenSize", ["batch"] = "batchSize", ["std"] = "weightInitStd",
        ["weightInit"] = "weightInitStd", ["initStd"] = "weightInitStd",
    };

    [Fact]
    public void Every_parameters_cell_spells_and_types_the_shared_hyperparameters_alike()
    {
        var problems = new List<string>();
        var declaredIn = new Dictionary<string, (string Type, string Notebook)>();
        foreach (var notebook in Repo.Notebooks().Select(n => (string)n[0]))
        {
            var cells = JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(notebook)))!["cells"]!.AsArray();
            var cell = cells.FirstOrDefault(c => c?["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "parameters"));
            if (cell is null) continue;
            foreach (Match m in Regex.Matches(RunnerTests.Join(cell["source"]), @"^\s*([A-Za-z][\w.]*\??)\s+([A-Za-z_]\w*)\s*=", RegexOptions.Multiline))
            {
                string type = m.Groups[1].Value, name = m.Groups[2].Value;
                if (SharedParameters.TryGetValue(name, out var expected) && type != expected)
                    problems.Add($"{notebook}: {name} is {type}; it is {expected} in every notebook");
                if (OtherSpellings.TryGetValue(name, out var spelling) || name.EndsWith("Iterations", StringComparison.Ordinal) && (spelling = "itersNum") is not null)
                    problems.Add($"{notebook}: {name} is spelled {spelling} in every notebook");
                if (declaredIn.TryGetValue(name, out var first) && first.Type != type)
                    problems.Add($"{notebook}: {name} is {type}, but {first.Type} in {first.Notebook}");
                declaredIn.TryAdd(name, (type, notebook));
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(declaredIn.ContainsKey("itersNum") && declaredIn.ContainsKey("learningRate"), "the parameters cells were read");
    }
}
