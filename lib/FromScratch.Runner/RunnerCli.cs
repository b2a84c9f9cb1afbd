using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using FromScratch.Cli;

namespace FromScratch.Runner;

/// <summary>Everything a run is asked to do, read from the command line in one place.</summary>
/// <param name="Notebooks">Full paths of the notebooks, in run order.</param>
/// <param name="OutDir">Where the executed .ipynb and .html files go.</param>
/// <param name="Quick">Use each notebook's quick set (<c>metadata.fromscratch.quick</c>) under the explicit parameters.</param>
/// <param name="Parameters">The <c>--param name=value</c> overrides, in order given (a later one wins).</param>
/// <param name="CellTimeout">The longest one cell may run.</param>
/// <param name="Child">Internal: this process runs exactly one notebook for a parent runner.</param>
public sealed record RunnerOptions(IReadOnlyList<string> Notebooks, string OutDir, bool Quick,
    IReadOnlyList<KeyValuePair<string, string>> Parameters, TimeSpan CellTimeout, bool Child = false)
{
    /// <summary>Internal (child): datasets that cannot be had, loader class → why.</summary>
    public IReadOnlyDictionary<string, string> MissingDatasets { get; init; } = new Dictionary<string, string>();

    /// <summary>The default per-cell timeout: long enough for the tutorial's full runs, short enough for a CI job.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The overrides for one notebook: its quick set when <see cref="Quick"/>, then the explicit ones.</summary>
    public IReadOnlyDictionary<string, string> ParametersFor(JsonObject notebook)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Quick) foreach (var (k, v) in NotebookParameters.Quick(notebook)) values[k] = v;
        foreach (var (k, v) in Parameters) values[k] = v;
        return values;
    }
}

/// <summary>
/// The command line of the main job: runs notebooks headless, each in its own process (its working directory the
/// notebook's folder), then prints one summary row per notebook.
/// </summary>
public static class RunnerCli
{
    private const string ResultMarker = "##fromscratch-result ";

    private static readonly Argument<string[]> s_notebooks = new("notebook")
    {
        Description = "notebooks to run, in order (default: notebooks/*.ipynb of the repository, by name)",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private static readonly Option<string?> s_out = new("--out") { Description = "output folder (default: out/ at the repository root)", HelpName = "DIR" };
    private static readonly Option<bool> s_quick = new("--quick") { Description = "the short run the tests use: each notebook's quick parameter set (metadata fromscratch.quick)" };
    private static readonly Option<KeyValuePair<string, string>[]> s_param = new("--param", "-p")
    {
        Description = "override a variable of the notebook's parameters cell with a C# expression, e.g. --param itersNum=1200 (repeatable)",
        HelpName = "NAME=VALUE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        // Not name=value is an argument error (one line, then the usage); whether the notebook takes the name is checked later.
        CustomParser = result => result.Tokens.Select(token =>
        {
            try
            {
                return NotebookParameters.ParseAssignment(token.Value);
            }
            catch (NotebookParameterException e)
            {
                result.AddError(e.Message);
                return default;
            }
        }).ToArray(),
    };
    private static readonly Option<int> s_cellTimeout = CliOption.Int("--cell-timeout", "fail a cell that runs longer than this many seconds",
        (int)RunnerOptions.DefaultCellTimeout.TotalSeconds, min: 1, max: 24 * 3600, helpName: "SECONDS");
    private static readonly Option<bool> s_child = new("--child") { Hidden = true };
    // Internal (parent → child): a dataset that cannot be had, LOADER=why; the child leaves out the cells from its first load on.
    private static readonly Option<string[]> s_missingDataset = new("--missing-dataset") { Hidden = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };

    public static RootCommand Command { get; } = new(
        "Runs C# notebooks headless, each in a fresh kernel with the notebook's folder as working directory, and writes the " +
        "executed notebook and a self-contained HTML page per notebook. Exit code: 0 when every notebook ran, 1 when one failed " +
        "(all are still run; a summary names each failure), 2 for bad arguments or notebooks, 130/143 on SIGINT/SIGTERM.")
    {
        s_notebooks, s_out, s_quick, s_param, s_cellTimeout, s_child, s_missingDataset,
    };

    public static Task<int> MainAsync(string[] args)
    {
        Signals.Install(); // first: from here on SIGINT/SIGTERM end the process (and, once a run has started, clean it up)
        CliOption.RejectUnknownOptions(s_notebooks);
        Command.SetAction(_ => 0);
        return CliApp.RunAsync(Command, args, parse => RunAsync(parse),
            KnownError.Of<NotebookFormatException>(CliApp.BadInput), KnownError.Of<NotebookParameterException>(CliApp.BadInput));
    }

    private static async Task<int> RunAsync(ParseResult parse)
    {
        // Child processes (#r "nuget:" restores, the setup cell's dotnet build) must not leave build servers behind.
        foreach (var (key, value) in new[] { ("MSBUILDDISABLENODEREUSE", "1"), ("DOTNET_CLI_USE_MSBUILD_SERVER", "0"), ("UseSharedCompilation", "false"),
                                             ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"), ("DOTNET_NOLOGO", "1") })
        {
            if (Environment.GetEnvironmentVariable(key) is null) Environment.SetEnvironmentVariable(key, value);
        }
        var root = RepositoryRoot.Find();
        var notebooks = (parse.GetValue(s_notebooks) ?? []).Select(Path.GetFullPath).ToList();
        if (notebooks.Count == 0)
        {
            if (root is null) return CliApp.Fail(Command, $"no notebook given and no repository ({RepositoryRoot.Marker}) found above {Environment.CurrentDirectory}.");
            notebooks.AddRange(Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal));
        }
        var options = new RunnerOptions(
            notebooks,
            Path.GetFullPath(parse.GetValue(s_out) ?? Path.Combine(root ?? Environment.CurrentDirectory, "out")),
            parse.GetValue(s_quick),
            parse.GetValue(s_param) ?? [],
            TimeSpan.FromSeconds(parse.GetValue(s_cellTimeout)),
            parse.GetValue(s_child))
        {
            MissingDatasets = (parse.GetValue(s_missingDataset) ?? []).Select(NotebookParameters.ParseAssignment).ToDictionary(p => p.Key, p => p.Value),
        };

        if (options.Notebooks.FirstOrDefault(n => !File.Exists(n)) is { } missing) return CliApp.Fail(Command, $"notebook not found: {missing}");
        // Every notebook and every parameter is checked before the first cell runs.
        var prepared = options.Notebooks.Select(path =>
        {
            var notebook = NotebookFile.Read(path);
            return (Path: path, Notebook: NotebookParameters.Inject(notebook, options.ParametersFor(notebook), Path.GetFileName(path)));
        }).ToList();
        if (CheckOutDir(options.OutDir) is { } problem) return CliApp.Fail(Command, problem);

        return options.Child
            ? await RunChildAsync(options, prepared[0].Path, prepared[0].Notebook)
            : await RunAllAsync(options, root, prepared.Select(p => (p.Path, p.Notebook)).ToList());
    }

    /// <summary>Null when <paramref name="dir"/> is (or can be made) a writable folder, else what is wrong.</summary>
    internal static string? CheckOutDir(string dir)
    {
        if (File.Exists(dir)) return $"--out {dir} is a file, not a folder.";
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-test.{Environment.ProcessId}{AtomicFile.TempSuffix}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--out {dir} is not a writable folder ({e.Message}).";
        }
    }

    /// <summary>The parent: set-up check, then one child process per notebook, then the summary.</summary>
    private static async Task<int> RunAllAsync(RunnerOptions options, string? root, List<(string Path, JsonObject Notebook)> notebooks)
    {
        ProcessTree.BecomeSubreaper();
        // A private temporary folder for everything this run (and what it starts) creates; removed at the end and on a signal
        // (the run state takes the signals before it creates the folder, so no moment leaves it behind).
        using var run = new RunState(options.OutDir);
        try
        {
            return await RunNotebooksAsync(options, notebooks, root, run);
        }
        catch (Exception) when (run.Stopping)
        {
            // A signal is cleaning up under this thread's feet (the temporary folder is gone, the child killed): its exit code wins.
            return await run.Stopped;
        }
    }

    private static async Task<int> RunNotebooksAsync(RunnerOptions options, List<(string Path, JsonObject Notebook)> notebooks, string? root, RunState run)
    {
        Environment.SetEnvironmentVariable("TMPDIR", run.TempDir);
        AtomicFile.RemoveLeftovers(options.OutDir);

        var quick = options.Quick ? " (--quick)" : "";
        var overrides = options.Parameters.Count > 0 ? $", --param {string.Join(" ", options.Parameters.Select(p => $"{p.Key}={p.Value}"))}" : "";
        Console.WriteLine($"Running {notebooks.Count} notebook(s){quick}{overrides}; output in {options.OutDir}");
        var missing = await CheckDatasetsAsync(root, notebooks, run);
        if (run.Stopping) return await run.Stopped;

        var summary = new RunSummary();
        foreach (var (path, notebook) in notebooks)
        {
            var lacking = DatasetCheck.Needed(notebook).Where(missing.ContainsKey).ToList();
            if (lacking.Count > 0 && !DatasetCheck.CanRunInPart(notebook, lacking) && lacking[0] is var loader)
            {
                // It would fail at its first load after minutes of retries: the reason was printed at the start.
                summary.Add(Path.GetFileNameWithoutExtension(path), new ChildResult(false, null,
                    $"not run: {DatasetCheck.DatasetName(loader)} cannot be had ({RunSummary.FirstLine(missing[loader])})"), TimeSpan.Zero);
                continue;
            }
            var stopwatch = Stopwatch.StartNew();
            var args = ChildArguments(options, path);
            // It runs up to the first cell that loads a dataset that cannot be had, and says what it left out (notebook 08).
            foreach (var l in lacking) args.InsertRange(0, ["--missing-dataset", $"{l}={(RunSummary.FirstLine(missing[l]) is { Length: > 0 } why ? why : "missing")}"]);
            var (result, lines) = await run.ChildAsync(args, Path.GetDirectoryName(path)!, echo: true);
            // A signal ended the child: the handler cleans up and decides the exit code (130/143), not this loop.
            if (run.Stopping) return await run.Stopped;
            summary.Add(Path.GetFileNameWithoutExtension(path), result ?? new ChildResult(false, null,
                $"the notebook's runner process ended without a result (exit code {run.LastExitCode}): {lines.LastOrDefault() ?? ""}"), stopwatch.Elapsed);
        }
        Console.WriteLine();
        Console.Write(summary.Table());
        return summary.AllSucceeded ? 0 : 1;
    }

    private static List<string> ChildArguments(RunnerOptions options, string notebook)
    {
        var args = new List<string> { "--child", "--out", options.OutDir, "--cell-timeout", ((int)options.CellTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (options.Quick) args.Add("--quick");
        foreach (var (k, v) in options.Parameters) args.AddRange(["--param", $"{k}={v}"]);
        args.Add(notebook);
        return args;
    }

    /// <summary>Loads each dataset the notebooks need through the library's loaders; names what is missing and how to get it.</summary>
    /// <returns>The loader's message for each dataset that cannot be had, by loader class name.</returns>
    private static async Task<Dictionary<string, string>> CheckDatasetsAsync(string? root, List<(string Path, JsonObject Notebook)> notebooks, RunState run)
    {
        var needing = notebooks.Select(n => (n.Path, n.Notebook, Loaders: DatasetCheck.Needed(n.Notebook))).Where(n => n.Loaders.Count > 0).ToList();
        if (needing.Count == 0) return [];
        var loaders = needing.SelectMany(n => n.Loaders).Distinct().Order(StringComparer.Ordinal).ToList();
        var first = needing[0];
        string? checkFailure = null;
        async Task<Dictionary<string, string>> Check()
        {
            var temp = run.TempDir ?? throw new OperationCanceledException("stopped");
            var check = Path.Combine(temp, "setup-check.ipynb");
            File.WriteAllText(check, DatasetCheck.Notebook(first.Notebook, loaders).ToJsonString());
            var outDir = Path.Combine(temp, "setup-check-out");
            var (result, lines) = await run.ChildAsync(["--child", "--out", outDir, check], Path.GetDirectoryName(first.Path)!, echo: false);
            checkFailure = result is { Succeeded: true } ? null : result?.Error ?? $"exit code {run.LastExitCode}";
            return DatasetCheck.Parse(lines);
        }
        Console.WriteLine($"Checking the datasets the notebooks load ({string.Join(", ", loaders.Select(DatasetCheck.DatasetName))}) …");
        var missing = await Check();
        if (checkFailure is not null)
        {
            // The setup cell itself failed: the notebooks will show why; nothing is known about the datasets.
            Console.WriteLine($"⚠ could not check the datasets: the setup cell of {Path.GetFileName(first.Path)} failed ({checkFailure}).");
            return [];
        }
        var packages = root is null ? [] : DebianPackage.Read(root).Where(p => p.NeededBy.Contains("runner")).ToList();
        if (missing.Count > 0 && DebianPackage.CanInstall)
        {
            var toInstall = packages.Select(p => p.Name).Where(n => !DebianPackage.IsInstalled(n)).ToList();
            if (toInstall.Count > 0 && DebianPackage.Install(toInstall, Console.Out)) missing = await Check();
        }
        foreach (var (loader, message) in missing)
        {
            var users = needing.Where(n => n.Loaders.Contains(loader)).ToList();
            var notRun = users.Where(n => !DatasetCheck.CanRunInPart(n.Notebook, missing.Keys)).Select(n => Path.GetFileNameWithoutExtension(n.Path)).ToList();
            var inPart = users.Where(n => DatasetCheck.CanRunInPart(n.Notebook, missing.Keys)).Select(n => Path.GetFileNameWithoutExtension(n.Path)).ToList();
            var consequence = string.Join("; ", new[]
            {
                notRun.Count > 0 ? $"{string.Join(", ", notRun)} will not run" : null,
                inPart.Count > 0 ? $"{string.Join(", ", inPart)} will run without the cells that need it" : null,
            }.Where(c => c is not null));
            Console.WriteLine($"⚠ {DatasetCheck.DatasetName(loader)} cannot be had, so {consequence}. The loader says:");
            foreach (var line in message.Split('\n')) Console.WriteLine("    " + line);
        }
        if (missing.Count > 0 && packages.Count > 0 && !DebianPackage.CanInstall)
            Console.WriteLine($"  On Debian: sudo apt-get install -y {string.Join(" ", packages.Select(p => p.Name))}");
        if (missing.Count == 0) Console.WriteLine("Datasets: all present.");
        return missing;
    }

    /// <summary>The child: runs one notebook in this process and writes its outputs; the result goes to the parent as one line.</summary>
    private static async Task<int> RunChildAsync(RunnerOptions options, string path, JsonObject notebook)
    {
        // The kernel redirects Console while a cell runs (also one that timed out and still runs): log to the real stdout.
        var log = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var result = await NotebookRunner.RunAsync(path, notebook, options.CellTimeout, TextWriter.Synchronized(log), options.MissingDatasets);
        var name = result.Name;
        var ipynb = Path.Combine(options.OutDir, name + ".ipynb");
        var html = Path.Combine(options.OutDir, name + ".html");
        AtomicFile.WriteAllText(ipynb, IpynbWriter.Write(result));
        AtomicFile.WriteAllText(html, HtmlPage.Render(result));
        log.WriteLine($"  wrote {ipynb} and {Path.GetFileName(html)} ({result.Elapsed.TotalSeconds:0.0} s)");
        var failure = result.Failure;
        var childResult = new ChildResult(failure is null, failure?.CellNumber, failure is null ? null : RunSummary.FirstLine(failure.Message)) { Skipped = result.Skipped };
        log.WriteLine(ResultMarker + JsonSerializer.Serialize(childResult));
        log.Flush();
        // A cell that timed out may still be running on another thread: end the process, not just this method.
        Environment.Exit(0);
        return 0;
    }

    /// <summary>What one child reports.</summary>
    internal sealed record ChildResult(bool Succeeded, int? Cell, string? Error)
    {
        /// <summary>What the notebook left out and why (it ran in part), or null.</summary>
        public string? Skipped { get; init; }
    }

    /// <summary>The parent's running state: the current child, the temporary folder, and the signal handling.</summary>
    private sealed class RunState : IDisposable
    {
        private readonly string _outDir;
        private Process? _current;
        private int _stopping;
        private readonly TaskCompletionSource<int> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RunState(string outDir)
        {
            _outDir = outDir;
            Signals.OnStop(Stop);   // a signal from here on cleans up whatever of the run exists (it may call Stop at once)
            lock (this)
            {
                if (!Stopping) TempDir = Directory.CreateTempSubdirectory("fromscratch-runner-").FullName;
            }
        }

        /// <summary>A signal arrived: <see cref="Stop"/> is ending the run.</summary>
        public bool Stopping => Volatile.Read(ref _stopping) != 0;

        /// <summary>The exit code once <see cref="Stop"/> has cleaned up.</summary>
        public Task<int> Stopped => _stopped.Task;

        public string? TempDir { get; private set; }
        public int LastExitCode { get; private set; }

        public async Task<(ChildResult? Result, List<string> Lines)> ChildAsync(IEnumerable<string> args, string workingDirectory, bool echo)
        {
            var host = Environment.ProcessPath!;
            var psi = new ProcessStartInfo(host) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(RunnerCli).Assembly.Location);
            foreach (var a in args) psi.ArgumentList.Add(a);
            var lines = new List<string>();
            ChildResult? result = null;
            void OnLine(string? line)
            {
                if (line is null) return;
                if (line.StartsWith(ResultMarker, StringComparison.Ordinal))
                {
                    result = JsonSerializer.Deserialize<ChildResult>(line[ResultMarker.Length..]);
                    return;
                }
                lock (lines) lines.Add(line);
                if (echo) Console.WriteLine(line);
            }
            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            lock (this)
            {
                if (_stopping != 0) return (null, lines);
                process.Start();
                _current = process;
            }
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.WaitForExitAsync();
            process.WaitForExit();
            lock (this) _current = null;
            LastExitCode = process.ExitCode;
            ProcessTree.KillDescendants(); // whatever the notebook started and left behind
            return (result, lines);
        }

        /// <summary>On SIGINT/SIGTERM: stop the current notebook, end every process the run started, clean up, exit.</summary>
        public void Stop(int exitCode)
        {
            if (Interlocked.Exchange(ref _stopping, 1) != 0) return;
            Console.Error.WriteLine($"\nStopped by {(exitCode == 130 ? "SIGINT" : "SIGTERM")}: ending the current notebook and every process this run started.");
            lock (this)
            {
                try { _current?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
            ProcessTree.KillDescendants();
            Dispose();
            _stopped.TrySetResult(exitCode);
            Environment.Exit(exitCode);
        }

        public void Dispose()
        {
            if (!Stopping) Signals.OnStop(null);   // the run is over: a late signal just ends the process
            AtomicFile.RemoveLeftovers(_outDir);
            string? temp;
            lock (this) (temp, TempDir) = (TempDir, null);
            if (temp is null) return;
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
