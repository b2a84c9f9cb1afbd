using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FromScratch.Bench;

/// <summary>One cell of the scaling table as a reference script timed it.</summary>
internal sealed record GridCell(int Hidden, int Batch, int Iterations, double Seconds);

/// <summary>What the numpy reference (bench/reference/two_layer_net.py) measured.</summary>
internal sealed record NumpyResult(string Version, string Blas, bool ReferenceBlas, string Libraries,
    double TrainSeconds, double TrainCpuSeconds, double TestAccuracy, double LoadSeconds,
    double? NumgradSeconds, IReadOnlyList<GridCell> Grid)
{
    /// <summary>The best of the loads after the first in the same process (<see cref="LoadRepeats"/> of them), as the C# bench times <c>Mnist.Load</c>.</summary>
    public double? LoadRepeatedSeconds { get; init; }

    /// <summary>The first of those loads: the one that still replaces the arrays of the load in a fresh process.</summary>
    public double? LoadRepeatedFirstSeconds { get; init; }

    /// <summary>How many loads were timed after the first (3 in scripts older than the count).</summary>
    public int LoadRepeats { get; init; } = 3;

    /// <summary>Milliseconds to allocate and fill 47,040,000 float32, with numpy's 2 MiB page advice and without (best and worst of 3).</summary>
    public FreshMemory? FreshMemoryMs { get; init; }

    /// <summary>How many 2 MiB pages the kernel handed out while numpy's first load ran (from /proc/vmstat; null when unknown).</summary>
    public int? LoadHugePages { get; init; }

    /// <summary>Every training time measured, in order (the row shows the best, as for the C# rows).</summary>
    public IReadOnlyList<double> TrainTimes { get; init; } = [TrainSeconds];

    /// <summary>This result with one more training run (time and CPU time) of the same script: the best of all of them counts.</summary>
    public NumpyResult WithRun(double seconds, double cpuSeconds)
        => (seconds < TrainSeconds ? this with { TrainSeconds = seconds, TrainCpuSeconds = cpuSeconds } : this) with { TrainTimes = [.. TrainTimes, seconds] };
}

/// <summary>
/// Milliseconds numpy takes to allocate and fill 188 MB of float32 in fresh memory: the best of 3 with its 2 MiB page advice
/// and without it, and the worst of each (null from a script that timed only the best).
/// </summary>
internal sealed record FreshMemory(double HugePages, double Without, double? HugePagesWorst, double? WithoutWorst);

/// <summary>What the PyTorch reference (bench/reference/two_layer_net_torch.py) measured, per thread count.</summary>
internal sealed record TorchResult(string Version, IReadOnlyList<(int Threads, double Seconds, double Cpu)> Runs, double TestAccuracy,
    IReadOnlyList<GridCell> Grid)
{
    public (int Threads, double Seconds, double Cpu) Best => Runs.MinBy(r => r.Seconds);

    /// <summary>How many runs each thread count had (one each, unless <see cref="WithRun"/> added some).</summary>
    public IReadOnlyDictionary<int, int> RunsPerThreads { get; init; } = new Dictionary<int, int>();

    /// <summary>This result with one more run at <paramref name="threads"/>: that thread count's row keeps its best run.</summary>
    public TorchResult WithRun(int threads, double seconds, double cpu)
    {
        var runs = Runs.Select(r => r.Threads == threads && seconds < r.Seconds ? (Threads: threads, Seconds: seconds, Cpu: cpu) : r).ToList();
        if (!runs.Any(r => r.Threads == threads)) runs.Add((threads, seconds, cpu));
        var counts = Runs.Select(r => r.Threads).Distinct().ToDictionary(t => t, t => RunsPerThreads.GetValueOrDefault(t, 1));
        counts[threads] = counts.GetValueOrDefault(threads, 0) + 1;
        return this with { Runs = runs, RunsPerThreads = counts };
    }
}

/// <summary>Runs the Python references with Debian's /usr/bin/python3 and reads the JSON line they print.</summary>
internal static class PythonReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Null and why, when <paramref name="module"/> cannot be imported: the row says "skipped" and names the install command.</summary>
    public static string? Missing(string repo, string module)
    {
        string install = $"sudo apt-get install {string.Join(' ', BenchPackages(repo))}";
        if (!File.Exists(Python)) return $"skipped: {Python} not found ({install})";
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", $"import {module}"]) { RedirectStandardError = true, UseShellExecute = false })!;
        check.StandardError.ReadToEnd();
        check.WaitForExit();
        return check.ExitCode == 0 ? null : $"skipped: {module} is not installed for {Python} ({install})";
    }

    /// <summary>
    /// The bench's own set-up: the Debian packages marked <c>bench</c> that dpkg does not have installed are installed with
    /// apt-get when the bench runs as root, first from the package lists there are and, when that fails (a fresh machine
    /// has none), after <c>apt-get update</c>; otherwise the exact command is printed and the peers' rows say "skipped".
    /// Returns what it did, one line.
    /// </summary>
    public static string Setup(string repo, bool install, TextWriter log)
    {
        var missing = BenchPackages(repo).Where(p => !Installed(p)).ToList();
        if (missing.Count == 0) return "set-up: the peers' Debian packages are installed";
        string packages = string.Join(' ', missing);
        if (!install) return $"set-up: not installing {packages} (--no-install); to install: sudo apt-get install -y --no-install-recommends {packages}";
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
            return $"set-up: missing Debian packages {packages}; install them with: sudo apt-get install -y --no-install-recommends {packages}";
        log.WriteLine($"set-up: installing {packages} (apt-get, once) …");
        string[] lockWait = ["-o", "DPkg::Lock::Timeout=600"];     // another apt-get on the machine: wait for it, not fail
        string[] installArgs = ["install", "-y", "-q", "--no-install-recommends", .. lockWait, .. missing];
        if (AptGet(installArgs, log) != 0)
        {
            log.WriteLine("set-up: apt-get could not install from the package lists there are; apt-get update, then again …");
            if (AptGet(["update", "-q", .. lockWait], log) != 0 || AptGet(installArgs, log) != 0)
                return $"set-up: apt-get could not install {packages} (see its output above); the peers' rows say skipped";
        }
        var still = missing.Where(p => !Installed(p)).ToList();
        return still.Count == 0 ? $"set-up: installed {packages}" : $"set-up: apt-get ran but {string.Join(' ', still)} is still not installed";
    }

    /// <summary>Whether dpkg has <paramref name="package"/> installed.</summary>
    public static bool Installed(string package)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("dpkg-query", ["-W", "-f=${Status}", package])
                { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var error = p.StandardError.ReadToEndAsync();
            string status = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 && status.Contains("install ok installed", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception) { return false; }   // no dpkg: not a Debian machine
    }

    private static int AptGet(IEnumerable<string> arguments, TextWriter log)
    {
        var psi = new ProcessStartInfo("/usr/bin/apt-get") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is { } line) log.WriteLine($"  {line}"); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) log.WriteLine($"  {line}"); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>The Debian packages marked <c>bench</c> in the one list, <c>.config/debian-packages.txt</c>.</summary>
    public static IReadOnlyList<string> BenchPackages(string repo) =>
        File.ReadLines(Path.Combine(repo, ".config", "debian-packages.txt"))
            .Where(line => !line.TrimStart().StartsWith('#'))
            .Select(line => line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && f[1].Split(',').Contains("bench"))
            .Select(f => f[0]).ToList();

    /// <summary>Runs <paramref name="script"/> and returns its JSON, or the error as text.</summary>
    public static (JsonElement? Json, string Error) Run(string repo, string script, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(repo, "bench", "reference", script));
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // A fair baseline: no OpenBLAS core or cache overrides from this environment in the child (the parent is untouched).
        foreach (var v in new[] { "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS" }) psi.Environment.Remove(v);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) return (null, $"failed (exit {p.ExitCode}): {LastLine(stderr.Result)}");
        try { return (JsonDocument.Parse(LastLine(stdout)).RootElement.Clone(), ""); }
        catch (JsonException e) { return (null, $"failed: unreadable output ({e.Message})"); }
    }

    public static NumpyResult ReadNumpy(JsonElement json)
    {
        var blas = json.GetProperty("blas");
        var libs = blas.GetProperty("libraries").EnumerateArray().Select(e => e.GetString()!).ToList();
        bool reference = !blas.TryGetProperty("openblas_core", out _) && libs.Any(l => l.Contains("/blas/libblas", StringComparison.Ordinal));
        string name = blas.TryGetProperty("openblas_core", out var core)
            ? $"OpenBLAS{Version(blas)}, core {core.GetString()}{Threads(blas)}"
            : reference ? "reference BLAS (netlib)" : string.Join(", ", libs.Select(Path.GetFileName));
        return new NumpyResult(json.GetProperty("numpy").GetString()!, name, reference, string.Join(", ", libs),
            json.GetProperty("train_seconds").GetDouble(), json.GetProperty("train_cpu_seconds").GetDouble(),
            json.GetProperty("final_test_accuracy").GetDouble(), json.GetProperty("load_seconds").GetDouble(),
            json.TryGetProperty("numgrad_seconds", out var ng) ? ng.GetDouble() : null, Grid(json))
        {
            LoadRepeatedSeconds = json.TryGetProperty("load_repeated_seconds", out var lr) ? lr.GetDouble() : null,
            LoadRepeatedFirstSeconds = Number(json, "load_repeated_first_seconds"),
            LoadRepeats = json.TryGetProperty("load_repeats", out var repeats) && repeats.ValueKind == JsonValueKind.Number ? repeats.GetInt32() : 3,
            FreshMemoryMs = json.TryGetProperty("fresh_memory_ms", out var fm) && fm.TryGetProperty("huge_page_advice", out var h)
                && fm.TryGetProperty("without", out var w)
                ? new FreshMemory(h.GetDouble(), w.GetDouble(), Number(fm, "huge_page_advice_worst"), Number(fm, "without_worst")) : null,
            LoadHugePages = json.TryGetProperty("load_huge_pages", out var hp) && hp.ValueKind == JsonValueKind.Number ? hp.GetInt32() : null,
        };

        static double? Number(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        static string Version(JsonElement blas)
            => blas.TryGetProperty("threadpoolctl", out var t) && t.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? $" {v.GetString()}" : "";
        static string Threads(JsonElement blas)
            => blas.TryGetProperty("openblas_threads", out var n) ? $", {n.GetInt32()} threads" : "";
    }

    public static TorchResult ReadTorch(JsonElement json)
    {
        var runs = json.GetProperty("runs").EnumerateArray()
            .Select(r => (r.GetProperty("threads").GetInt32(), r.GetProperty("seconds").GetDouble(), r.GetProperty("cpu_seconds").GetDouble())).ToList();
        var best = json.GetProperty("runs").EnumerateArray().MinBy(r => r.GetProperty("seconds").GetDouble());
        return new TorchResult(json.GetProperty("torch").GetString()!, runs, best.GetProperty("final_test_accuracy").GetDouble(), Grid(json));
    }

    private static List<GridCell> Grid(JsonElement json)
        => json.TryGetProperty("grid", out var g)
            ? g.EnumerateArray().Select(c => new GridCell(c.GetProperty("hidden").GetInt32(), c.GetProperty("batch").GetInt32(),
                c.GetProperty("iterations").GetInt32(), c.GetProperty("seconds").GetDouble())).ToList()
            : [];

    public static string Grid(IEnumerable<(int Hidden, int Batch)> cells)
        => string.Join(",", cells.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Hidden}x{c.Batch}")));

    private static string LastLine(string text) => text.Trim().Split('\n')[^1].Trim();
}
