using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FromScratch.Runner;

/// <summary>A notebook that cannot be written as an app: the cell and why.</summary>
public sealed class NotebookExportException(string message) : Exception(message);

/// <summary>
/// A notebook as a C# file-based app (issue 24): the code cells in order as top-level statements, <c>#:project</c>
/// directives for the library instead of the setup cell, the markdown cells as comments, and each cell's displayed value
/// (its last expression) sent to <c>FromScratch.Apps.App.Show</c>. The cells' code is copied as it is; what a file-based app
/// cannot take is moved (<c>using</c> directives to the top, type declarations to the end) or refused with the cell's number:
/// a magic command, <c>#load</c> of anything but the setup, <c>#r</c> of a file, a second cell declaring the same top-level name
/// (a notebook lets a later cell redeclare a variable; an app's top-level statements share one scope).
/// </summary>
public static partial class NotebookExport
{
    /// <summary>The projects an app references (relative to the repository root): the library, its engine, charts, the app helper.</summary>
    public static readonly string[] Projects =
    [
        "lib/FromScratch/FromScratch.csproj", "lib/FromScratch.Fast/FromScratch.Fast.csproj",
        "lib/FromScratch.Charts/FromScratch.Charts.csproj", "lib/FromScratch.Apps/FromScratch.Apps.csproj",
    ];

    private static readonly CSharpParseOptions s_script = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*([^,"\s]+)\s*(?:,\s*([^"\s]+))?\s*"\s*$""")]
    private static partial Regex NugetReference();

    /// <summary>The app's source for <paramref name="notebook"/> (read from <paramref name="path"/>), to be written into <paramref name="appDir"/>.</summary>
    public static string Export(string path, JsonObject notebook, string root, string appDir)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var file = Path.GetFileName(path);
        var cells = notebook["cells"]!.AsArray();
        int parametersIndex = NotebookParameters.ParametersCellIndex(cells);
        var usings = new List<string>();
        var packages = new List<string>();
        var types = new StringBuilder();
        var body = new StringBuilder();
        var declared = new Dictionary<string, int>(StringComparer.Ordinal);   // top-level name → cell that declared it
        string[]? parameterNames = null;

        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!.AsObject();
            int number = i + 1;
            var type = (string?)cell["cell_type"] ?? "code";
            var source = NotebookParameters.Source(cell).Replace("\r\n", "\n");
            if (type == "markdown")
            {
                body.Append($"// ─── cell {number} · markdown ───\n");
                foreach (var line in source.TrimEnd().Split('\n')) body.Append(("// " + line).TrimEnd()).Append('\n');
                body.Append('\n');
                continue;
            }
            if (type != "code" || string.IsNullOrWhiteSpace(source)) continue;
            var language = (string?)cell["metadata"]?["polyglot_notebook"]?["kernelName"] ?? (string?)cell["metadata"]?["dotnet_interactive"]?["language"];
            if (language is not null and not "csharp")
                throw new NotebookExportException($"{file}: cell {number} is in '{language}', not C#: an app runs C# only.");

            body.Append($"// ─── cell {number}{(i == parametersIndex ? " · parameters (set them with --param NAME=VALUE)" : "")} ───\n");
            body.Append($"App.Cell({number});\n");
            // Directives a kernel reads before the C#: the setup's #load becomes the #:project lines; #r "nuget:" a #:package.
            var code = new StringBuilder();
            foreach (var line in source.Split('\n'))
            {
                var trimmed = line.TrimStart();
                if (trimmed.StartsWith("#!", StringComparison.Ordinal))
                    throw new NotebookExportException($"{file}: cell {number} has the magic command {trimmed.Split(' ')[0]}, which needs a notebook kernel.");
                if (trimmed.StartsWith("#load", StringComparison.Ordinal))
                {
                    if (!trimmed.Contains("setup.csx", StringComparison.Ordinal))
                        throw new NotebookExportException($"{file}: cell {number} loads a script ({trimmed}): an app cannot #load; put the code into lib/.");
                    code.Append("// #load \"setup.csx\": the #:project lines at the top of this file take its place.\n");
                    continue;
                }
                if (trimmed.StartsWith("#r ", StringComparison.Ordinal))
                {
                    if (NugetReference().Match(trimmed) is { Success: true } m)
                    {
                        packages.Add(m.Groups[2].Success ? $"{m.Groups[1].Value}@{m.Groups[2].Value}" : m.Groups[1].Value);
                        code.Append("// " + trimmed + ": a #:package line at the top of this file.\n");
                        continue;
                    }
                    throw new NotebookExportException($"{file}: cell {number} references a file ({trimmed}): an app takes packages and projects only.");
                }
                code.Append(line).Append('\n');
            }
            Translate(file, number, code.ToString(), usings, types, body, declared);
            if (i == parametersIndex)
            {
                parameterNames = [.. NotebookParameters.Declared(source)];
                foreach (var p in parameterNames) body.Append($"{p} = App.Param(nameof({p}), {p});\n");
            }
            body.Append('\n');
        }

        var app = new StringBuilder();
        app.Append($"// {name}: the notebook notebooks/{file} as a C# file-based app, generated by FromScratch.Runner — do not edit, the\n");
        app.Append("// notebook is the source. Regenerate: dotnet run --project lib/FromScratch.Runner -c Release -- export\n");
        app.Append($"// Run: dotnet run -c Release {Relative(root, Path.Combine(appDir, name + ".cs"))}{(parameterNames is { Length: > 0 } ? $" -- --param {parameterNames[0]}=…" : "")}\n");
        app.Append($"// Text goes to the console; charts and pictures to {name}.html next to this file (offline).\n");
        foreach (var project in Projects) app.Append($"#:project {Relative(appDir, Path.Combine(root, project))}\n");
        foreach (var package in packages.Distinct()) app.Append($"#:package {package}\n");
        app.Append("#:property NoWarn=$(NoWarn);CS8321;CS0168;CS0219;CS1998\n");   // notebooks define helpers they do not all call
        app.Append("#:property PublishAot=false\n");   // a file-based app's default turns off reflection-based JSON, which the charts use
        app.Append("\nusing System.Text;\nusing FromScratch.Apps;\nusing static FromScratch.Apps.Notebook;\n");
        foreach (var u in usings.Distinct()) app.Append(u).Append('\n');
        app.Append('\n');
        var parameters = parameterNames is null ? "null" : $"({parametersIndex + 1}, [{string.Join(", ", parameterNames.Select(p => $"\"{p}\""))}])";
        app.Append($"App.Start(\"{name}\", args, {parameters});\ntry\n{{\n");
        foreach (var line in body.ToString().TrimEnd().Split('\n')) app.Append(line.Length == 0 ? "\n" : "    " + line + "\n");
        app.Append("    App.End();\n}\ncatch (Exception e)\n{\n    App.Fail(e);\n}\n");
        if (types.Length > 0) app.Append("\n// ─── types the cells declare (an app's types follow its statements) ───\n").Append(types);
        return app.ToString();
    }

    /// <summary>One cell's C#: usings and types moved out, the rest as statements, the last expression shown.</summary>
    private static void Translate(string file, int number, string code, List<string> usings, StringBuilder types, StringBuilder body,
        Dictionary<string, int> declared)
    {
        var tree = CSharpSyntaxTree.ParseText(code, s_script);
        var root = (CompilationUnitSyntax)tree.GetRoot();
        if (root.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
            throw new NotebookExportException($"{file}: cell {number} is not valid C#: {error.GetMessage()} (line {error.Location.GetLineSpan().StartLinePosition.Line + 1}).");
        foreach (var u in root.Usings)
        {
            var text = u.ToString().Trim();
            if (u.Name?.ToString().StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal) == true)
            {
                body.Append($"// {text}  (the kernel's; FromScratch.Apps answers KernelInvocationContext.Current.Display here)\n");
                continue;
            }
            usings.Add(text);
        }
        var members = root.Members;
        for (int m = 0; m < members.Count; m++)
        {
            var member = members[m];
            if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax)
            {
                types.Append($"// cell {number}\n").Append(member.ToFullString().Trim('\n')).Append("\n\n");
                continue;
            }
            foreach (var (name, _) in Declares(member))
            {
                if (declared.TryGetValue(name, out var first))
                    throw new NotebookExportException(
                        $"{file}: cell {number} declares '{name}' again (cell {first} declared it first): a notebook lets a later cell redeclare a " +
                        "name, an app's top-level statements share one scope. Rename it in one of the cells (or assign instead of declaring).");
                declared[name] = number;
            }
            var text = member.ToFullString();
            if (member is MethodDeclarationSyntax method)
                text = method.WithModifiers(SyntaxFactory.TokenList(method.Modifiers.Where(t => !t.IsKind(SyntaxKind.PublicKeyword) && !t.IsKind(SyntaxKind.PrivateKeyword) && !t.IsKind(SyntaxKind.InternalKeyword)))).ToFullString();
            else if (member is FieldDeclarationSyntax field)
                text = field.Modifiers.Any(t => t.IsKind(SyntaxKind.ConstKeyword))
                    ? field.ToFullString()
                    : SyntaxFactory.LocalDeclarationStatement(field.Declaration).WithTriviaFrom(field).ToFullString();
            else if (m == members.Count - 1 && member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last })
                text = last.GetLeadingTrivia().ToFullString() + $"App.Show({last.Expression.WithoutTrivia().ToFullString()});" + last.Expression.GetTrailingTrivia().ToFullString() + last.GetTrailingTrivia().ToFullString();
            body.Append(text.Trim('\n')).Append('\n');
        }
        if (root.EndOfFileToken.LeadingTrivia.ToFullString().Trim('\n') is { Length: > 0 } trailing) body.Append(trailing).Append('\n');   // comments after the last statement
    }

    /// <summary>The top-level names a cell's member declares: variables and local functions.</summary>
    private static IEnumerable<(string Name, SyntaxNode Node)> Declares(MemberDeclarationSyntax member) => member switch
    {
        FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => (v.Identifier.ValueText, (SyntaxNode)v)),
        MethodDeclarationSyntax m => [(m.Identifier.ValueText, m)],
        GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax l } => l.Declaration.Variables.Select(v => (v.Identifier.ValueText, (SyntaxNode)v)),
        GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax f } => [(f.Identifier.ValueText, f)],
        // Expression variables that reach the top-level scope: a deconstruction or out variable of an expression statement, a
        // pattern variable of an if's condition. Those of foreach, for, using, lambdas and blocks stay inside them.
        GlobalStatementSyntax { Statement: ExpressionStatementSyntax e } => Designations(e.Expression),
        GlobalStatementSyntax { Statement: IfStatementSyntax i } => Designations(i.Condition),
        _ => [],
    };

    private static IEnumerable<(string, SyntaxNode)> Designations(SyntaxNode node) =>
        node.DescendantNodesAndSelf(n => n is not (LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or StatementSyntax) || n == node)
            .OfType<SingleVariableDesignationSyntax>().Select(d => (d.Identifier.ValueText, (SyntaxNode)d));

    private static string Relative(string fromDir, string path) => Path.GetRelativePath(fromDir, path).Replace('\\', '/');
}
