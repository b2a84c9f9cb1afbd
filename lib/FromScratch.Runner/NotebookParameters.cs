using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

using FromScratch.Apps;

namespace FromScratch.Runner;

/// <summary>
/// Parameters the papermill way. A notebook's hyperparameter cell carries the cell tag <c>parameters</c> and declares the
/// values (<c>int itersNum = 10000;</c>); overrides are injected as ONE new cell right after it, tagged
/// <c>injected-parameters</c>, holding plain assignments (<c>itersNum = 1200;</c>), so each keeps its declared type.
/// The notebook-level metadata <c>"fromscratch": {"quick": {"itersNum": "1200"}}</c> names the short run the tests use.
/// The runner and the stock-kernel tests inject through this one type.
/// </summary>
public static class NotebookParameters
{
    /// <summary>The cell tag of the hyperparameter cell.</summary>
    public const string Tag = "parameters";

    /// <summary>The cell tag of the injected override cell.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>The notebook's quick set (<c>metadata.fromscratch.quick</c>): name → C# expression; empty when it has none.</summary>
    public static IReadOnlyDictionary<string, string> Quick(JsonObject notebook)
    {
        var quick = new Dictionary<string, string>(StringComparer.Ordinal);
        if (notebook["metadata"]?["fromscratch"]?["quick"] is JsonObject set)
            foreach (var (name, value) in set) quick[name] = value?.ToString() ?? "";
        return quick;
    }

    /// <summary>The index of the cell tagged <see cref="Tag"/>, or -1.</summary>
    public static int ParametersCellIndex(JsonArray cells)
    {
        for (int i = 0; i < cells.Count; i++)
            if (cells[i]?["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == Tag)) return i;
        return -1;
    }

    /// <summary>The names the parameters cell declares (top-level variables), in order.</summary>
    public static IReadOnlyList<string> Declared(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(kind: SourceCodeKind.Script));
        return tree.GetRoot().DescendantNodes()
            .OfType<VariableDeclarationSyntax>()
            .Where(d => d.Parent is FieldDeclarationSyntax or LocalDeclarationStatementSyntax { Parent: GlobalStatementSyntax })
            .SelectMany(d => d.Variables.Select(v => v.Identifier.ValueText))
            .ToList();
    }

    /// <summary>
    /// A copy of <paramref name="notebook"/> with the override cell inserted after its parameters cell; the notebook itself
    /// when <paramref name="values"/> is empty. Throws <see cref="NotebookParameterException"/> naming <paramref name="fileName"/>
    /// and the parameter when the notebook has no parameters cell, the name is not declared there, or the value is not a C# expression.
    /// </summary>
    public static JsonObject Inject(JsonObject notebook, IReadOnlyDictionary<string, string> values, string fileName)
    {
        if (values.Count == 0) return notebook;
        var copy = notebook.DeepClone().AsObject();
        var cells = copy["cells"] as JsonArray ?? throw new NotebookParameterException($"{fileName}: no cells array.");
        int index = ParametersCellIndex(cells);
        if (index < 0) throw ParameterRules.NoParametersCell(fileName, values.Keys, Tag);
        var declared = Declared(Source(cells[index]!));
        var lines = new List<string> { "// Parameters injected by FromScratch.Runner (--param / --quick)" };
        foreach (var (name, value) in values)
        {
            ParameterRules.CheckDeclared(fileName, name, index + 1, declared);
            ParameterRules.CheckExpression(fileName, name, value);
            lines.Add($"{name} = {value.Trim()};");
        }
        var injected = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = UniqueId(cells, "injected-parameters"),
            ["metadata"] = new JsonObject
            {
                ["tags"] = new JsonArray(InjectedTag),
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
            },
            ["outputs"] = new JsonArray(),
            ["source"] = new JsonArray(lines.Select((l, i) => (JsonNode?)(i < lines.Count - 1 ? l + "\n" : l)).ToArray()),
        };
        cells.Insert(index + 1, injected);
        return copy;
    }

    /// <summary><c>name=value</c> → (name, value); the value may contain '=' (the rules shared with the apps: <see cref="ParameterRules"/>).</summary>
    public static KeyValuePair<string, string> ParseAssignment(string text) => ParameterRules.ParseAssignment(text);

    internal static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };

    private static string UniqueId(JsonArray cells, string id)
    {
        var ids = cells.Select(c => (string?)c?["id"]).ToHashSet();
        var candidate = id;
        for (int n = 2; ids.Contains(candidate); n++) candidate = $"{id}-{n}";
        return candidate;
    }
}
