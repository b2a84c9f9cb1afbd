using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FromScratch.Runner;

/// <summary>A Debian package from <c>.config/debian-packages.txt</c>, the one list of what the README's commands need.</summary>
internal sealed record DebianPackage(string Name, IReadOnlyList<string> NeededBy, string Purpose)
{
    public const string ListPath = ".config/debian-packages.txt";

    public static IReadOnlyList<DebianPackage> Read(string root)
    {
        var path = Path.Combine(root, ListPath);
        if (!File.Exists(path)) return [];
        return File.ReadLines(path)
            .Where(l => l.Trim() is { Length: > 0 } t && !t.StartsWith('#'))
            .Select(l => Regex.Split(l.Trim(), @"\s+", RegexOptions.None, TimeSpan.FromSeconds(1)))
            .Where(f => f.Length >= 2)
            .Select(f => new DebianPackage(f[0], f[1].Split(','), string.Join(' ', f.Skip(2))))
            .ToList();
    }

    /// <summary>Installed as a Debian package, or a command of that name is on PATH (npm also comes with nodejs packages).</summary>
    public static bool IsInstalled(string name) =>
        OnPath(name) is not null || Run("dpkg-query", ["-W", "-f=${Status}", name], TimeSpan.FromSeconds(20)) is (0, var status) && status.Contains("install ok installed");

    public static bool CanInstall => OperatingSystem.IsLinux() && Environment.UserName == "root" && OnPath("apt-get") is not null;

    /// <summary>Where apt keeps its package lists; a fresh machine has none there (only <c>partial/</c> and <c>lock</c>).</summary>
    public const string AptLists = "/var/lib/apt/lists";

    /// <summary>Whether <paramref name="listsDir"/> holds any package list (<c>*_Packages*</c>) that <c>apt-get install</c> can use.</summary>
    public static bool HasPackageLists(string listsDir) =>
        Directory.Exists(listsDir) && Directory.EnumerateFiles(listsDir, "*_Packages*").Any();

    /// <summary>
    /// Installs <paramref name="names"/> with apt-get (as root), saying what it does; false when that failed. A machine without
    /// package lists (a fresh one: nothing ran <c>apt-get update</c>) gets <c>apt-get update</c> first; lists that do not know a
    /// package ("Unable to locate package", stale lists) get one <c>apt-get update</c> and a second try.
    /// </summary>
    public static bool Install(IReadOnlyList<string> names, TextWriter log, string aptGet = "apt-get", string listsDir = AptLists)
    {
        bool updated = false;
        bool Update(string why)
        {
            updated = true;
            log.WriteLine($"apt-get update ({why}) …");
            var (code, output) = Run(aptGet, ["update", "-q"], TimeSpan.FromMinutes(10));
            if (code != 0) log.WriteLine($"apt-get update failed (exit code {code}):\n" + Tail(output));
            return code == 0;
        }
        if (!HasPackageLists(listsDir) && !Update($"this machine has no package lists in {listsDir} yet")) return false;
        log.WriteLine($"Installing {string.Join(", ", names)} with apt-get (once; running as root) …");
        var (code, output) = Run(aptGet, ["install", "-y", "-q", "--no-install-recommends", .. names], TimeSpan.FromMinutes(10));
        if (code != 0 && !updated && (output.Contains("Unable to locate package", StringComparison.Ordinal) || output.Contains("has no installation candidate", StringComparison.Ordinal)))
        {
            log.WriteLine("apt-get does not know " + string.Join(", ", names.Where(n => output.Contains(n, StringComparison.Ordinal))) + ": its package lists are out of date.");
            if (!Update("to refresh the package lists")) return false;
            log.WriteLine($"Installing {string.Join(", ", names)} with apt-get (second try) …");
            (code, output) = Run(aptGet, ["install", "-y", "-q", "--no-install-recommends", .. names], TimeSpan.FromMinutes(10));
        }
        log.WriteLine(code == 0 ? $"Installed {string.Join(", ", names)}." : $"apt-get install failed (exit code {code}):\n" + Tail(output));
        return code == 0;
    }

    private static string Tail(string output) => string.Join("\n", output.TrimEnd().Split('\n').TakeLast(5).Select(l => "    " + l));

    /// <summary>The full path of <paramref name="command"/> on PATH, or null.</summary>
    public static string? OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, command)).FirstOrDefault(File.Exists);

    private static (int Code, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout)) { process.Kill(entireProcessTree: true); return (-1, "timed out"); }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>
/// What the selected notebooks need before the first one runs: the datasets they load, checked through the library's own
/// loaders (in a child runner, like a notebook), so a missing one is named with the loader's how-to-fix text at the start.
/// </summary>
internal static partial class DatasetCheck
{
    private const string Missing = "##dataset-missing ", End = "##dataset-end";

    [GeneratedRegex(@"(?<![\w.])(?:FromScratch\.Data\.)?(Mnist|FashionMnist)\.Load\b")]
    private static partial Regex LoadCall();

    /// <summary>The loader classes (<c>Mnist</c>, <c>FashionMnist</c>) a notebook's code cells call.</summary>
    public static IReadOnlyList<string> Needed(JsonObject notebook) =>
        notebook["cells"]!.AsArray()
            .Where(c => (string?)c?["cell_type"] == "code")
            .SelectMany(c => Loaders(NotebookParameters.Source(c!)))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The loader classes one cell's code calls.</summary>
    public static IEnumerable<string> Loaders(string source) => LoadCall().Matches(source).Select(m => m.Groups[1].Value);

    /// <summary>
    /// Whether the notebook can run in part without the <paramref name="missing"/> datasets: a code cell loads a dataset that is
    /// there before the first cell that loads a missing one (notebook 08 trains on MNIST, then on Fashion-MNIST). The cells from
    /// that first cell on are then left out (<see cref="NotebookRunner"/>); a notebook whose first load is of a missing dataset
    /// is not run at all.
    /// </summary>
    public static bool CanRunInPart(JsonObject notebook, IReadOnlyCollection<string> missing)
    {
        foreach (var cell in notebook["cells"]!.AsArray().Where(c => (string?)c?["cell_type"] == "code"))
        {
            var loaders = Loaders(NotebookParameters.Source(cell!)).ToList();
            if (loaders.Any(missing.Contains)) return false;
            if (loaders.Count > 0) return true;
        }
        return false;
    }

    /// <summary>A notebook of two cells: the given notebook's first code cell (its setup) and a cell that loads each dataset.</summary>
    public static JsonObject Notebook(JsonObject like, IReadOnlyList<string> loaders)
    {
        var setup = like["cells"]!.AsArray().First(c => (string?)c?["cell_type"] == "code")!.DeepClone();
        var code = string.Concat(loaders.Select(l =>
            $"try {{ FromScratch.Data.{l}.Load(); }} catch (FromScratch.Data.DatasetException e) " +
            $"{{ System.Console.WriteLine(\"{Missing}{l}\\n\" + e.Message + \"\\n{End}\"); }}\n"));
        return new JsonObject
        {
            ["cells"] = new JsonArray(setup, new JsonObject
            {
                ["cell_type"] = "code", ["id"] = "check", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(),
                ["execution_count"] = null, ["source"] = code,
            }),
            ["metadata"] = like["metadata"]?.DeepClone() ?? new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
    }

    /// <summary>The loaders' messages for the datasets that are missing, by loader, read from the check notebook's log.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> logLines)
    {
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var message = new List<string>();
        foreach (var raw in logLines)
        {
            var line = raw.StartsWith("    │ ", StringComparison.Ordinal) ? raw[6..] : raw;
            if (line.StartsWith(Missing, StringComparison.Ordinal)) { current = line[Missing.Length..].Trim(); message.Clear(); }
            else if (current is not null && line == End) { missing[current] = string.Join("\n", message).Trim(); current = null; }
            else if (current is not null) message.Add(line);
        }
        return missing;
    }

    public static string DatasetName(string loader) => loader == "FashionMnist" ? "Fashion-MNIST" : "MNIST";
}
