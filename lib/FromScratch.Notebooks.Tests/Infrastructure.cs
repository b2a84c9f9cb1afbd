extern alias runner;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using runner::FromScratch.Runner;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace FromScratch.Notebooks.Tests;

/// <summary>Paths of the repository under test.</summary>
public static class Repo
{
    public static string Root { get; } = FromScratch.RepositoryRoot.Above(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{FromScratch.RepositoryRoot.Marker} not found above {AppContext.BaseDirectory}");
    public static string NotebooksDir => Path.Combine(Root, "notebooks");

    /// <summary>The folder of the pinned kernel's tool manifest (not the root's .config/: that would shadow a learner's kernel in notebooks/).</summary>
    public static string KernelManifestDir => Path.Combine(Root, ".config", "kernel");
    public static string OutDir => Path.Combine(Root, "out");

    /// <summary>Every notebooks/*.ipynb, by name (e.g. "01-functions").</summary>
    public static IEnumerable<object[]> Notebooks() =>
        Directory.EnumerateFiles(NotebooksDir, "*.ipynb").Order(StringComparer.Ordinal)
            .Select(p => new object[] { Path.GetFileNameWithoutExtension(p) });

    public static string NotebookPath(string name) => Path.Combine(NotebooksDir, name + ".ipynb");

    /// <summary>
    /// The notebook as the tests run it: its quick parameter set (<c>metadata.fromscratch.quick</c>) injected after its
    /// parameters cell, by the same code as the runner's <c>--quick</c>.
    /// </summary>
    public static JsonObject QuickNotebook(string name)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(NotebookPath(name)))!.AsObject();
        return NotebookParameters.Inject(notebook, NotebookParameters.Quick(notebook), name + ".ipynb");
    }

    /// <summary>The runner built next to these tests (same configuration).</summary>
    public static string RunnerDll => Built("FromScratch.Runner");

    /// <summary>The console trainer built next to these tests (same configuration).</summary>
    public static string TrainDll => Built("FromScratch.Train");

    private static string Built(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var dll = Path.Combine(Root, "lib", project, "bin", configuration, "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{project} not built: {dll}", dll);
        return dll;
    }

    /// <summary>Environment for notebook processes: no telemetry, no build servers left behind.</summary>
    public static void ApplyNotebookEnvironment(IDictionary<string, string?> env)
    {
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        env["MSBUILDDISABLENODEREUSE"] = "1";
        env["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        env["UseSharedCompilation"] = "false";
        foreach (var key in env.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && k != "MSBUILDDISABLENODEREUSE").ToList())
            env.Remove(key);
    }
}

/// <summary>The result of a finished child process; <see cref="Leaked"/> lists processes it left running (they were killed).</summary>
public sealed record ProcessResult(int ExitCode, string Output, TimeSpan Elapsed, IReadOnlyList<string> Leaked)
{
    public string Tail(int lines = 60) => string.Join("\n", Output.Split('\n').TakeLast(lines));
}

/// <summary>
/// Runs a child process with a hard timeout. Afterwards — also on timeout or any failure — its whole process tree is killed, and
/// so is every process it started that is still running (see <see cref="ProcessLeaks"/>).
/// </summary>
public static class ChildProcess
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        Action<IDictionary<string, string?>>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        environment?.Invoke(psi.Environment);
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        var alreadyRunning = ProcessLeaks.Live().ToHashSet();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        IReadOnlyList<string> leaked = [];
        try
        {
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                KillTree(process);
                lock (output) throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s; killed. Output:\n{output}");
            }
            process.WaitForExit(); // drain the output readers
        }
        finally
        {
            KillTree(process);                            // a no-op when it exited by itself
            leaked = ProcessLeaks.Sweep(alreadyRunning);  // what it started and left behind, detached or not
        }
        lock (output) return new ProcessResult(process.ExitCode, output.ToString(), stopwatch.Elapsed, leaked);
    }

    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
    }
}
