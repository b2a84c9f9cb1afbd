using System.Diagnostics;

namespace FromScratch.Runner;

/// <summary>Command line: <c>FromScratch.Runner [--out DIR] [--quick] [--cell-timeout SECONDS] [notebook.ipynb ...]</c>.</summary>
public static class RunnerCli
{
    public const string Usage = """
        Usage: dotnet run --project lib/FromScratch.Runner -c Release -- [options] [notebook.ipynb ...]

        Runs C# notebooks headless, in order, each in a fresh kernel with the notebook's folder as working directory.
        Writes the executed notebook (outputs included) and a self-contained HTML page per notebook.
        With no notebook given, runs notebooks/*.ipynb of the repository in name order.

        Options:
          --out DIR              output folder (default: out/ at the repository root)
          --quick                set FROMSCRATCH_QUICK=1 so notebooks shorten long loops (tests only)
          --cell-timeout SECONDS fail a cell that runs longer (default 3600)
          -h, --help             show this help

        Exit code: 0 when every cell of every notebook succeeded, 1 on the first failing cell
        (the notebook, the cell number and the error are printed; what ran is still written), 2 on bad arguments.
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        // Child processes (#r "nuget:" restores, the setup cell's dotnet build) must not leave build servers behind.
        foreach (var (key, value) in new[] { ("MSBUILDDISABLENODEREUSE", "1"), ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"), ("DOTNET_NOLOGO", "1") })
        {
            if (Environment.GetEnvironmentVariable(key) is null) Environment.SetEnvironmentVariable(key, value);
        }
        var notebooks = new List<string>();
        string? outDir = null;
        var cellTimeout = TimeSpan.FromHours(1);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    return 0;
                case "--out" when i + 1 < args.Length:
                    outDir = Path.GetFullPath(args[++i]);
                    break;
                case "--quick":
                    Environment.SetEnvironmentVariable("FROMSCRATCH_QUICK", "1");
                    break;
                case "--cell-timeout" when i + 1 < args.Length && double.TryParse(args[i + 1], out var seconds) && seconds > 0:
                    cellTimeout = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                default:
                    if (args[i].StartsWith('-'))
                    {
                        Console.Error.WriteLine($"Unknown or incomplete option {args[i]}.\n\n{Usage}");
                        return 2;
                    }
                    notebooks.Add(Path.GetFullPath(args[i]));
                    break;
            }
        }

        var root = FindRepositoryRoot();
        if (notebooks.Count == 0)
        {
            if (root is null)
            {
                Console.Error.WriteLine("No notebook given and no repository (FromScratch.slnx) found above the current directory.");
                return 2;
            }
            notebooks.AddRange(Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal));
        }
        var missing = notebooks.Where(n => !File.Exists(n)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine("Notebook not found: " + string.Join(", ", missing));
            return 2;
        }
        outDir ??= Path.Combine(root ?? Directory.GetCurrentDirectory(), "out");
        Directory.CreateDirectory(outDir);

        var quick = Environment.GetEnvironmentVariable("FROMSCRATCH_QUICK") is "1" or "true";
        Console.WriteLine($"Running {notebooks.Count} notebook(s){(quick ? " with FROMSCRATCH_QUICK=1" : "")}; output in {outDir}");
        var total = Stopwatch.StartNew();
        foreach (var path in notebooks)
        {
            var result = await NotebookRunner.RunAsync(path, cellTimeout, Console.Out);
            var name = Path.GetFileNameWithoutExtension(path);
            var ipynb = Path.Combine(outDir, name + ".ipynb");
            var html = Path.Combine(outDir, name + ".html");
            File.WriteAllText(ipynb, IpynbWriter.Write(result));
            File.WriteAllText(html, HtmlPage.Render(result));
            Console.WriteLine($"  wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), ipynb)} and {Path.GetFileName(html)} ({result.Elapsed.TotalSeconds:0.0} s)");
            if (result.Failure is { } failure)
            {
                // The cell's output (and the log above) keeps the stack trace; the summary keeps the message.
                var message = string.Join("\n", failure.Message.Replace("\r\n", "\n").Split('\n')
                    .Where(l => !l.StartsWith("   at ", StringComparison.Ordinal) && !l.StartsWith("--- End of", StringComparison.Ordinal)));
                Console.Error.WriteLine($"FAILED: {Path.GetFileName(path)}, cell {failure.CellNumber} of {result.Cells.Count}: {message.TrimEnd()}");
                return 1;
            }
        }
        Console.WriteLine($"All {notebooks.Count} notebook(s) ran without a failing cell in {total.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    internal static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FromScratch.slnx"))) return dir.FullName;
        }
        return null;
    }
}
