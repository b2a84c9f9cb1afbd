extern alias runner;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// Issue 24: every notebook also runs as a C# file-based app (<c>export</c>), with the same outputs: the app's printed text
/// equals the runner's text outputs cell by cell (timings excepted), and its page holds the same charts with the same traces
/// and data. Both runs use the notebook's quick set and seed 1 (<see cref="RunnerRuns"/>).
/// </summary>
public sealed partial class AppExportTests(ITestOutputHelper output)
{
    private static string AppsDir => Path.Combine(Repo.OutDir, "apps-test");

    /// <summary>Exports <paramref name="notebooks"/> (paths) into <see cref="AppsDir"/> with the built runner.</summary>
    private static Task<ProcessResult> ExportAsync(string outDir, params string[] notebooks) =>
        ChildProcess.RunAsync("dotnet", [Repo.RunnerDll, "export", "--out", outDir, .. notebooks], Repo.Root, TimeSpan.FromMinutes(2), Repo.ApplyNotebookEnvironment);

    private static Task<ProcessResult> RunAppAsync(string app, IEnumerable<string> args, TimeSpan timeout) =>
        ChildProcess.RunAsync("dotnet", ["run", "-c", "Release", app, "--", .. args], Path.GetDirectoryName(app)!, timeout, env =>
        {
            Repo.ApplyNotebookEnvironment(env);
            env["FROMSCRATCH_APP_CELLS"] = "1";
        });

    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public async Task The_exported_app_prints_what_the_runner_shows_cell_by_cell_and_draws_the_same_charts(string notebook)
    {
        var runnerRun = await RunnerRuns.RunAsync(notebook);
        Assert.True(runnerRun.ExitCode == 0, $"runner exited {runnerRun.ExitCode}:\n{runnerRun.Tail()}");
        var export = await ExportAsync(AppsDir, Repo.NotebookPath(notebook));
        Assert.True(export.ExitCode == 0, export.Output);
        var app = Path.Combine(AppsDir, notebook + ".cs");
        var source = File.ReadAllText(app);
        Assert.DoesNotContain("#load", source.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        Assert.DoesNotContain("Microsoft.DotNet.Interactive", source.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        Assert.Contains("#:project ../../lib/FromScratch/FromScratch.csproj", source);
        Assert.Contains("#:project ../../lib/FromScratch.Fast/FromScratch.Fast.csproj", source);
        Assert.Contains("#:project ../../lib/FromScratch.Charts/FromScratch.Charts.csproj", source);

        var notebookJson = JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(notebook)))!.AsObject();
        var args = runner::FromScratch.Runner.NotebookParameters.Quick(notebookJson).SelectMany(p => new[] { "--param", $"{p.Key}={p.Value}" })
            .Concat(RunnerRuns.SeedArguments(notebook)).ToList();
        var page = Path.Combine(AppsDir, notebook + ".html");
        File.Delete(page);
        var run = await RunAppAsync(app, args, TimeSpan.FromMinutes(12));
        output.WriteLine($"app: {run.Elapsed.TotalSeconds:0.0} s, exit {run.ExitCode}\n{run.Tail(80)}");
        Assert.True(run.ExitCode == 0, $"the app exited {run.ExitCode}:\n{run.Tail()}");
        Assert.Empty(run.Leaked);

        // Text, cell by cell. The app's lines (but its "▸" notes of pictures and the page) must be the runner's: a stream or
        // plain-text line equal (timings masked), the text of an HTML value (a table of an object, a sequence) in the same order.
        var appCells = AppCells(run.Output);
        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.OutDir, notebook + ".ipynb")))!["cells"]!.AsArray();
        var problems = new List<string>();
        var runnerCharts = new List<JsonObject>();
        int number = 0;   // the cell's number in the notebook: the runner's executed copy has its injected-parameters cell too
        for (int i = 0; i < executed.Count; i++)
        {
            var cell = executed[i]!.AsObject();
            if (cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == runner::FromScratch.Runner.NotebookParameters.InjectedTag)) continue;
            number++;
            if ((string?)cell["cell_type"] != "code") continue;
            if (RunnerTests.Join(cell["source"]).Contains("#load \"setup.csx\"", StringComparison.Ordinal)) continue;   // the app's #:project lines
            var exact = new List<string>();
            var live = new List<string>();
            var html = new StringBuilder();
            foreach (var o in cell["outputs"]!.AsArray().Select(o => o!.AsObject()))
            {
                if ((string?)o["output_type"] == "stream" && (string?)o["name"] == "stdout") exact.AddRange(Lines(RunnerTests.Join(o["text"])));
                if (o["data"] is not JsonObject data) continue;
                var htmlText = RunnerTests.Join(data["text/html"]);
                bool chart = htmlText.Contains("class=\"fromscratch-chart\"", StringComparison.Ordinal);
                if (chart) runnerCharts.AddRange(Figures(htmlText));
                // A live view (training): the notebook shows its final state where it was displayed, the app when its cell ends.
                if (chart && data["text/plain"] is not null) live.AddRange(Lines(RunnerTests.Join(data["text/plain"])));
                else if (data["text/plain"] is not null) exact.AddRange(Lines(RunnerTests.Join(data["text/plain"])));
                else html.Append(NotebookExpectations.TextOf("text/html", htmlText));
            }
            var mine = appCells.GetValueOrDefault(number, []).Where(l => !l.StartsWith("▸ ", StringComparison.Ordinal)).ToList();
            var theirs = Tokens(string.Join(" ", exact) + " " + html);
            foreach (var line in exact.Where(l => !mine.Select(Mask).Contains(Mask(l))))
                problems.Add($"cell {number}: the runner printed \"{line}\", the app did not");
            var notes = appCells.GetValueOrDefault(number, []).Where(l => l.StartsWith("▸ ", StringComparison.Ordinal)).Select(l => Mask(l[2..])).ToList();
            foreach (var line in live.Where(l => !notes.Contains(Mask(l))))
                problems.Add($"cell {number}: the runner's live view ended with \"{line}\", the app's did not");
            if (!IsSubsequence(Tokens(string.Join(" ", mine)), theirs))
                problems.Add($"cell {number}: the app's text is not the runner's:\n  app:    {string.Join(" | ", mine)}\n  runner: {string.Join(" ", theirs)}");
        }
        Assert.True(problems.Count == 0, $"{notebook}: {string.Join("\n", problems)}");

        // Charts: the same number, each with the same traces (type, name) and data (x, y, z).
        var appCharts = File.Exists(page) ? Figures(File.ReadAllText(page)).ToList() : [];
        Assert.Equal(runnerCharts.Count, appCharts.Count);
        for (int c = 0; c < runnerCharts.Count; c++)
        {
            Assert.Equal(Traces(runnerCharts[c]), Traces(appCharts[c]));
        }
    }

    [Fact]
    public async Task A_failing_cell_names_its_number_and_message_without_a_stack_trace_and_exits_1()
    {
        var dir = Directory.CreateTempSubdirectory("fromscratch-app-test-").FullName;
        try
        {
            var notebook = Path.Combine(dir, "09-broken.ipynb");
            File.WriteAllText(notebook, RunnerTests.NotebookWith("{}", ParametersCell("int itersNum = 10;"),
                "Console.WriteLine($\"itersNum={itersNum}\");",
                "double F(double x) => x < 0 ? throw new ArgumentException(\"x must not be negative\") : Math.Sqrt(x);\nF(-1)"));
            var outDir = Path.Combine(Repo.OutDir, "apps-test");
            Assert.Equal(0, (await ExportAsync(outDir, notebook)).ExitCode);
            var app = Path.Combine(outDir, "09-broken.cs");
            var run = await RunAppAsync(app, ["--param", "itersNum=3"], TimeSpan.FromMinutes(5));
            output.WriteLine(run.Output);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("itersNum=3", run.Output);
            Assert.Contains("cell 3 failed: x must not be negative", run.Output);
            Assert.DoesNotContain("   at ", run.Output);
            Assert.DoesNotContain("Unhandled exception", run.Output);

            // --param: the runner's rules and messages, exit code 2 (the build is done: these are quick).
            var unknown = await RunAppAsync(app, ["--param", "nope=1"], TimeSpan.FromMinutes(2));
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("error: 09-broken.ipynb: --param nope is not declared in its parameters cell (cell 1 declares itersNum).", unknown.Output);
            var malformed = await RunAppAsync(app, ["--param", "itersNum"], TimeSpan.FromMinutes(2));
            Assert.Equal(2, malformed.ExitCode);
            Assert.Contains("error: --param itersNum: expected name=value, e.g. --param itersNum=1200.", malformed.Output);
            var notCSharp = await RunAppAsync(app, ["--param", "itersNum=1 +"], TimeSpan.FromMinutes(2));
            Assert.Equal(2, notCSharp.ExitCode);
            Assert.Contains("error: 09-broken.ipynb: --param itersNum=1 +: the value is not a C# expression.", notCSharp.Output);
            var wrongType = await RunAppAsync(app, ["--param", "itersNum=\"ten\""], TimeSpan.FromMinutes(2));
            Assert.Equal(2, wrongType.ExitCode);
            Assert.Contains("--param itersNum=\"ten\": not a value of type Int32", wrongType.Output);
            var help = await RunAppAsync(app, ["--help"], TimeSpan.FromMinutes(2));
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("cell 1 declares: itersNum", help.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_notebook_with_a_magic_command_or_a_redeclared_variable_is_named_with_the_cell_and_why()
    {
        var dir = Directory.CreateTempSubdirectory("fromscratch-export-test-").FullName;
        try
        {
            var magic = Path.Combine(dir, "magic.ipynb");
            File.WriteAllText(magic, RunnerTests.Notebook("var a = 1;", "#!time\nConsole.WriteLine(a);"));
            var twice = Path.Combine(dir, "twice.ipynb");
            File.WriteAllText(twice, RunnerTests.Notebook("var a = 1;", "Console.WriteLine(a);", "var a = 2;"));
            var fine = Path.Combine(dir, "fine.ipynb");
            File.WriteAllText(fine, RunnerTests.Notebook("var a = 1;\nif (a is int b) Console.WriteLine(b);", "record P(int X);\nnew P(a)"));
            var run = await ExportAsync(Path.Combine(dir, "apps"), magic, twice, fine);
            output.WriteLine(run.Output);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("✗ magic.ipynb: cell 2 has the magic command #!time, which needs a notebook kernel.", run.Output);
            Assert.Contains("✗ twice.ipynb: cell 3 declares 'a' again (cell 1 declared it first)", run.Output);
            Assert.Contains("✓ ", run.Output);
            Assert.False(File.Exists(Path.Combine(dir, "apps", "magic.cs")));
            var app = File.ReadAllText(Path.Combine(dir, "apps", "fine.cs"));
            Assert.Contains("App.Show(new P(a));", app);
            Assert.True(app.IndexOf("record P(int X);", StringComparison.Ordinal) > app.IndexOf("App.End();", StringComparison.Ordinal),
                "a type declared in a cell follows the top-level statements");

            var bad = await ExportAsync(Path.Combine(dir, "apps"), "--bogus");
            Assert.Equal(2, bad.ExitCode);
            Assert.StartsWith("error: unknown option --bogus", bad.Output);
            var help = await ExportAsync(Path.Combine(dir, "apps"), "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("file-based app", help.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void No_NET_Interactive_in_the_apps_dependency_closure()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var deps = File.ReadAllText(Path.Combine(Repo.Root, "lib", "FromScratch.Apps", "bin", configuration, "net10.0", "FromScratch.Apps.deps.json"));
        Assert.Contains("FromScratch.Charts", deps);
        Assert.Contains("FromScratch", deps);
        Assert.DoesNotContain("Microsoft.DotNet.Interactive", deps);
        foreach (var project in runner::FromScratch.Runner.NotebookExport.Projects)
            Assert.DoesNotContain("Microsoft.DotNet.Interactive", File.ReadAllText(Path.Combine(Repo.Root, project)));
    }

    private static string ParametersCell(string source) => new JsonObject
    {
        ["cell_type"] = "code", ["id"] = "p", ["execution_count"] = null, ["outputs"] = new JsonArray(),
        ["metadata"] = new JsonObject { ["tags"] = new JsonArray("parameters") }, ["source"] = source,
    }.ToJsonString();

    /// <summary>The app's lines by cell number (<c>##cell N</c> markers).</summary>
    private static Dictionary<int, List<string>> AppCells(string text)
    {
        var cells = new Dictionary<int, List<string>>();
        List<string>? current = null;
        foreach (var line in Lines(text))
        {
            if (line.StartsWith("##cell ", StringComparison.Ordinal)) cells[int.Parse(line[7..], System.Globalization.CultureInfo.InvariantCulture)] = current = [];
            else current?.Add(line);
        }
        return cells;
    }

    private static IEnumerable<string> Lines(string text) => text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0);

    /// <summary>Timings masked ("12.3 s", "45 ms", "0:12", ratios of timings as "13,403×"), the runner's temporary folder, padding.</summary>
    private static string Mask(string line) => Spaces().Replace(Timing().Replace(RunnerTemp().Replace(line, ""), "#t"), " ");

    /// <summary>Runs of spaces (a timing's width pads a column differently).</summary>
    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();

    /// <summary>The runner's private temporary folder (its TMPDIR) in a path: the app's is the system's.</summary>
    [GeneratedRegex(@"/fromscratch-runner-[A-Za-z0-9]+(?=/)")]
    private static partial Regex RunnerTemp();

    [GeneratedRegex(@"\d+(?:\.\d+)?\s*(?:ms|s)\b|\d+:\d\d(?::\d\d)?|\d[\d,.]*×")]
    private static partial Regex Timing();

    private static List<string> Tokens(string text) =>
        Mask(text).Split([' ', '\n', '\t', ',', ';', '|', ':'], StringSplitOptions.RemoveEmptyEntries).ToList();

    private static bool IsSubsequence(List<string> small, List<string> large)
    {
        int j = 0;
        foreach (var token in small)
        {
            while (j < large.Count && large[j] != token) j++;
            if (j++ >= large.Count) return false;
        }
        return true;
    }

    [GeneratedRegex(@"var figure = (\{.*?\});\n", RegexOptions.Singleline)]
    private static partial Regex Figure();

    private static IEnumerable<JsonObject> Figures(string html) =>
        Figure().Matches(html).Select(m => JsonNode.Parse(m.Groups[1].Value.Replace("<\\/", "</", StringComparison.Ordinal))!.AsObject());

    private static List<string> Traces(JsonObject figure) =>
        figure["data"]!.AsArray().Select(t => string.Join(" ", new[] { "type", "name", "x", "y", "z" }.Select(k => $"{k}={t?[k]?.ToJsonString()}"))).ToList();
}
