using System.CommandLine;
using FromScratch.Apps;
using FromScratch.Cli;

namespace FromScratch.Runner;

/// <summary>
/// <c>export [NOTEBOOK…]</c>: each notebook as a C# file-based app in <c>out/apps/NN-name.cs</c> (issue 24), to run with
/// <c>dotnet run out/apps/NN-name.cs</c> without any notebook kernel. Generated on demand, never committed.
/// </summary>
public static class ExportCli
{
    private static readonly Argument<string[]> s_notebooks = new("notebook")
    {
        Description = "notebooks to export (default: notebooks/*.ipynb of the repository)",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private static readonly Option<string?> s_out = new("--out") { Description = "output folder (default: out/apps/ at the repository root)", HelpName = "DIR" };

    public static RootCommand Command { get; } = new(
        "export: writes each notebook as a C# file-based app (NN-name.cs) that runs with `dotnet run -c Release out/apps/NN-name.cs` without a " +
        "notebook kernel: its code cells as top-level statements, the library through #:project lines, the markdown as comments; " +
        "text to the console, charts and pictures into NN-name.html next to it. The app takes --param NAME=VALUE as the runner does. " +
        "Exit code: 0 when every notebook was exported, 1 when one cannot be (the cell and why are named), 2 for bad arguments.")
    {
        s_notebooks, s_out,
    };

    public static int Main(string[] args)
    {
        CliOption.RejectUnknownOptions(s_notebooks);
        Command.SetAction(_ => 0);
        return CliApp.Run(Command, args, Run, KnownError.Of<NotebookFormatException>(CliApp.BadInput));
    }

    private static int Run(ParseResult parse)
    {
        var root = RepositoryRoot.Find();
        if (root is null) return CliApp.Fail(Command, $"no repository ({RepositoryRoot.Marker}) found above {Environment.CurrentDirectory}: the apps reference its lib/ projects.");
        var notebooks = (parse.GetValue(s_notebooks) ?? []).Select(Path.GetFullPath).ToList();
        if (notebooks.Count == 0) notebooks.AddRange(Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal));
        if (notebooks.FirstOrDefault(n => !File.Exists(n)) is { } missing) return CliApp.Fail(Command, $"notebook not found: {missing}");
        var outDir = Path.GetFullPath(parse.GetValue(s_out) ?? Path.Combine(root, "out", "apps"));
        if (RunnerCli.CheckOutDir(outDir) is { } problem) return CliApp.Fail(Command, problem);
        var read = notebooks.Select(n => (Path: n, Notebook: NotebookFile.Read(n))).ToList();   // every file checked before one is written
        int failed = 0;
        foreach (var (path, notebook) in read)
        {
            var app = Path.Combine(outDir, Path.GetFileNameWithoutExtension(path) + ".cs");
            try
            {
                AtomicFile.WriteAllText(app, NotebookExport.Export(path, notebook, root, outDir));
                Console.WriteLine($"✓ {Path.GetRelativePath(Environment.CurrentDirectory, app)}");
            }
            catch (NotebookExportException e)
            {
                failed++;
                Console.WriteLine($"✗ {e.Message}");
            }
        }
        if (read.Count > 1) Console.WriteLine($"{read.Count - failed} of {read.Count} notebook(s) exported to {outDir}; run one with: dotnet run -c Release {Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(outDir, "NN-name.cs"))}");
        return failed == 0 ? 0 : 1;
    }
}
