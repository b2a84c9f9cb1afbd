extern alias runner;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>Runs each notebook once in FromScratch.Runner (out of process) and caches the result for the other tests.</summary>
public static class RunnerRuns
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<ProcessResult>>> s_runs = new();

    public static Task<ProcessResult> RunAsync(string notebook) =>
        s_runs.GetOrAdd(notebook, n => new Lazy<Task<ProcessResult>>(() => ChildProcess.RunAsync(
            "dotnet", [Repo.RunnerDll, "--quick", .. SeedArguments(n), "--out", Repo.OutDir, "--cell-timeout", "600", Repo.NotebookPath(n)],
            Repo.Root, TimeSpan.FromMinutes(12), Repo.ApplyNotebookEnvironment))).Value;

    /// <summary>
    /// <c>--param seed=1</c> for a notebook whose parameters cell declares <c>seed</c>: the runs are repeatable, and the exported
    /// app run with the same quick set and seed must print the same numbers (<see cref="AppExportTests"/>).
    /// </summary>
    public static string[] SeedArguments(string notebook)
    {
        var cells = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(notebook)))!["cells"]!.AsArray();
        int index = runner::FromScratch.Runner.NotebookParameters.ParametersCellIndex(cells);
        return index >= 0 && runner::FromScratch.Runner.NotebookParameters.Declared(RunnerTests.Join(cells[index]!["source"])).Contains("seed")
            ? ["--param", "seed=1"] : [];
    }
}

public sealed class RunnerTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public async Task Notebook_runs_in_the_runner_with_its_key_outputs(string notebook)
    {
        var run = await RunnerRuns.RunAsync(notebook);
        output.WriteLine($"runner: {run.Elapsed.TotalSeconds:0.0} s\n{run.Tail(40)}");
        Assert.True(run.ExitCode == 0, $"runner exited {run.ExitCode} for {notebook}:\n{run.Tail()}");
        Assert.True(run.Leaked.Count == 0, $"the runner left processes running (now killed): {string.Join("; ", run.Leaked)}");

        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.OutDir, notebook + ".ipynb")))!.AsObject();
        Assert.Equal(4, (int)executed["nbformat"]!);
        Assert.Equal(5, (int)executed["nbformat_minor"]!);
        Assert.Equal(".net-csharp", (string?)executed["metadata"]?["kernelspec"]?["name"]);
        Assert.Equal("csharp", (string?)executed["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]);

        var text = new StringBuilder();
        int charts = 0;
        foreach (var cell in executed["cells"]!.AsArray().Select(c => c!.AsObject()))
        {
            Assert.False(string.IsNullOrEmpty((string?)cell["id"]), "every cell needs an id (nbformat 4.5)");
            if ((string?)cell["cell_type"] != "code") continue;
            var source = Join(cell["source"]);
            if (!string.IsNullOrWhiteSpace(source)) Assert.NotNull(cell["execution_count"]?.GetValue<int>());
            foreach (var o in cell["outputs"]!.AsArray().Select(o => o!.AsObject()))
            {
                Assert.NotEqual("error", (string?)o["output_type"]);
                Assert.False((string?)o["name"] == "stderr", $"{notebook}: a cell wrote to stderr: {Join(o["text"])}");
                text.Append(Join(o["text"]));
                if (o["data"] is JsonObject data)
                {
                    text.Append(NotebookExpectations.TextOf("text/plain", Join(data["text/plain"])));
                    if (data["text/plain"] is null) text.Append(NotebookExpectations.TextOf("text/html", Join(data["text/html"])));
                    if (Join(data["text/html"]).Contains("class=\"fromscratch-chart\"", StringComparison.Ordinal)) charts++;
                }
            }
        }
        var problems = NotebookExpectations.Verify(NotebookExpectations.For(notebook), text.ToString(), charts);
        Assert.True(problems.Count == 0, $"{notebook} (runner): {string.Join("; ", problems)}\n--- text outputs ---\n{text}");
        Assert.True(File.Exists(Path.Combine(Repo.OutDir, notebook + ".html")), "HTML page written");
    }

    [Fact]
    public async Task A_failing_notebook_does_not_stop_the_others_and_the_summary_names_each()
    {
        using var temp = await RunTempNotebooksAsync([], ("a-broken.ipynb", """
                {"cells":[
                 {"cell_type":"markdown","id":"a","metadata":{},"source":["# broken"]},
                 {"cell_type":"code","id":"b","execution_count":null,"metadata":{},"outputs":[],"source":["Console.WriteLine(\"first\");"]},
                 {"cell_type":"code","id":"c","execution_count":null,"metadata":{},"outputs":[],"source":["throw new InvalidOperationException(\"boom 42\");"]},
                 {"cell_type":"code","id":"d","execution_count":null,"metadata":{},"outputs":[],"source":["Console.WriteLine(\"never\");"]}],
                 "metadata":{},"nbformat":4,"nbformat_minor":5}
                """), ("b-fine.ipynb", Notebook("Console.WriteLine(\"fine 7\");")));
        var (run, outDir) = temp;
        output.WriteLine(run.Output);
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Leaked);
        Assert.Matches(@"✗ a-broken +\d+\.\d s  cell 3: boom 42", run.Output);
        Assert.Matches(@"✓ b-fine +\d+\.\d s", run.Output);
        Assert.Contains("1 of 2 notebook(s) failed.", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        var executed = File.ReadAllText(Path.Combine(outDir, "a-broken.ipynb"));
        Assert.Contains("first", executed);
        Assert.Contains("boom 42", executed);
        Assert.DoesNotContain("never\\n\"", executed);
        Assert.Contains("Cell 3 failed", File.ReadAllText(Path.Combine(outDir, "a-broken.html")));
        Assert.Contains("fine 7", File.ReadAllText(Path.Combine(outDir, "b-fine.ipynb")));
    }

    [Fact]
    public async Task A_dataset_that_cannot_be_had_is_named_at_the_start_with_the_loaders_text_and_the_other_notebooks_run()
    {
        var dir = Directory.CreateTempSubdirectory("fromscratch-runner-test-");
        try
        {
            var data = Directory.CreateDirectory(Path.Combine(dir.FullName, "data")).FullName;
            var other = Path.Combine(dir.FullName, "z.ipynb");
            File.WriteAllText(other, Notebook("Console.WriteLine(\"still ran\");"));
            var outDir = Path.Combine(dir.FullName, "out");
            // An empty data folder, and every source refused at once: the mirrors and npm's registry go through a closed port.
            var run = await ChildProcess.RunAsync("dotnet", [Repo.RunnerDll, "--out", outDir, Repo.NotebookPath("04-training"), other], dir.FullName,
                TimeSpan.FromMinutes(8), env =>
                {
                    Repo.ApplyNotebookEnvironment(env);
                    env["FROMSCRATCH_DATA"] = data;
                    env["HTTPS_PROXY"] = env["HTTP_PROXY"] = "http://127.0.0.1:1";
                    env["npm_config_registry"] = "http://127.0.0.1:1/";
                    env["npm_config_fetch_retries"] = "0";
                });
            output.WriteLine(run.Output);
            Assert.Equal(1, run.ExitCode);
            Assert.Empty(run.Leaked);
            var warning = run.Output.IndexOf("⚠ MNIST cannot be had, so 04-training will not run. The loader says:", StringComparison.Ordinal);
            Assert.True(warning >= 0 && warning < run.Output.IndexOf("▶ z", StringComparison.Ordinal), "the missing dataset is named before any notebook runs");
            Assert.Contains("To fix: ", run.Output);
            Assert.DoesNotContain("   at ", run.Output);
            Assert.DoesNotContain("DatasetException", run.Output);
            Assert.Contains("still ran", run.Output);
            Assert.Matches(@"✗ 04-training +0\.0 s  not run: MNIST cannot be had \(Could not get MNIST file", run.Output);
            Assert.Matches(@"✓ z +\d+\.\d s", run.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Updated_outputs_are_replaced_in_place_also_from_a_later_cell()
    {
        using var temp = await RunTempNotebooksAsync([], ("updates.ipynb", """
                {"cells":[
                 {"cell_type":"code","id":"a","execution_count":null,"metadata":{},"outputs":[],"source":[
                  "using Microsoft.DotNet.Interactive;\n",
                  "var shown = KernelInvocationContext.Current.Display(\"step 0\", \"text/plain\");\n",
                  "for (int i = 1; i <= 5; i++) shown.Update($\"step {i}\");\n",
                  "Console.WriteLine(\"after the updates\");"]},
                 {"cell_type":"code","id":"b","execution_count":null,"metadata":{},"outputs":[],"source":["shown.Update(\"step 6, from the next cell\");"]}],
                 "metadata":{},"nbformat":4,"nbformat_minor":5}
                """));
        var (run, outDir) = temp;
        output.WriteLine(run.Output);
        Assert.Equal(0, run.ExitCode);
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "updates.ipynb")))!["cells"]!.AsArray();
        var outputs = cells[0]!["outputs"]!.AsArray();
        Assert.Equal(["display_data", "stream"], outputs.Select(o => (string?)o!["output_type"]));
        Assert.Equal("step 6, from the next cell", Join(outputs[0]!["data"]!["text/plain"]));
        Assert.Empty(cells[1]!["outputs"]!.AsArray());
        var html = File.ReadAllText(Path.Combine(outDir, "updates.html"));
        Assert.Contains("step 6, from the next cell", html);
        Assert.DoesNotContain("step 5", html);
    }

    [Fact]
    public async Task Printed_text_and_displays_keep_their_order_also_from_tasks_and_partial_writes()
    {
        using var temp = await RunTempNotebooksAsync([], ("order.ipynb", Notebook(
            "Console.Write(\"a\"); Console.WriteLine(\"b\");\n" +
            "display(\"shown\");\n" +
            "Console.Error.WriteLine(\"warn\");\n" +
            "Console.WriteLine(7); System.Threading.Tasks.Task.Run(() => Console.Out.WriteLine(\"from a task\")).Wait();\n" +
            "\"done\"")));
        var (run, outDir) = temp;
        output.WriteLine(run.Output);
        Assert.Equal(0, run.ExitCode);
        var outputs = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "order.ipynb")))!["cells"]![0]!["outputs"]!.AsArray();
        Assert.Equal(["stream", "display_data", "stream", "stream", "execute_result"], outputs.Select(o => (string?)o!["output_type"]));
        Assert.Equal(["ab\n", "warn\n", "7\nfrom a task\n"], outputs.Where(o => (string?)o!["output_type"] == "stream").Select(o => Join(o!["text"])));
        Assert.Equal(["stdout", "stderr", "stdout"], outputs.Where(o => (string?)o!["output_type"] == "stream").Select(o => (string?)o!["name"]));
        Assert.Equal("shown", Join(outputs[1]!["data"]!["text/plain"]));
        Assert.Equal("done", Join(outputs[4]!["data"]!["text/plain"]));
        Assert.Contains("│ ab", run.Output);
        Assert.Contains("│ stderr: warn", run.Output);
    }

    /// <summary>A notebook of C# code cells (each string one cell); <paramref name="metadata"/> is its metadata JSON.</summary>
    internal static string Notebook(params string[] cells) => NotebookWith("{}", cells);

    internal static string NotebookWith(string metadata, params string[] cells) =>
        new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select((c, i) => (JsonNode?)JsonNode.Parse(c.StartsWith("{", StringComparison.Ordinal) ? c :
                new JsonObject { ["cell_type"] = "code", ["id"] = $"c{i}", ["execution_count"] = null, ["metadata"] = new JsonObject(),
                                 ["outputs"] = new JsonArray(), ["source"] = c }.ToJsonString())).ToArray()),
            ["metadata"] = JsonNode.Parse(metadata),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        }.ToJsonString();

    /// <summary>
    /// Runs the runner on notebooks written into their own temporary folder (deleted on Dispose), with <paramref name="args"/>
    /// before them and <c>--out DIR/out</c>.
    /// </summary>
    internal static async Task<TempNotebookRun> RunTempNotebooksAsync(string[] args, params (string FileName, string Json)[] notebooks)
    {
        var dir = Directory.CreateTempSubdirectory("fromscratch-runner-test-");
        try
        {
            var paths = notebooks.Select(n => Path.Combine(dir.FullName, n.FileName)).ToList();
            foreach (var (path, (_, json)) in paths.Zip(notebooks)) File.WriteAllText(path, json);
            var outDir = Path.Combine(dir.FullName, "out");
            var run = await ChildProcess.RunAsync("dotnet", [Repo.RunnerDll, "--out", outDir, .. args, .. paths], dir.FullName,
                TimeSpan.FromMinutes(5), Repo.ApplyNotebookEnvironment);
            return new TempNotebookRun(dir, run, outDir);
        }
        catch
        {
            dir.Delete(recursive: true);
            throw;
        }
    }

    internal sealed record TempNotebookRun(DirectoryInfo Dir, ProcessResult Run, string OutDir) : IDisposable
    {
        public void Deconstruct(out ProcessResult run, out string outDir) => (run, outDir) = (Run, OutDir);
        public void Dispose() => Dir.Delete(recursive: true);
    }

    internal static string Join(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(l => (string?)l)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };
}
