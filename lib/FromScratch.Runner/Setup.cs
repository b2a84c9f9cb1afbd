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
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, name)))
        || Run("dpkg-query", ["-W", "-f=${Status}", name], TimeSpan.FromSeconds(20)) is (0, var status) && status.Contains("install ok installed");

    public static bool CanInstall => OperatingSystem.IsLinux() && Environment.UserName == "root" && File.Exists("/usr/bin/apt-get");

    /// <summary>Installs <paramref name="names"/> with apt-get (as root); false when that failed.</summary>
    public static bool Install(IReadOnlyList<string> names, TextWriter log)
    {
        log.WriteLine($"Installing {string.Join(", ", names)} with apt-get (once; running as root) …");
        var (code, output) = Run("apt-get", ["install", "-y", "-q", "--no-install-recommends", .. names], TimeSpan.FromMinutes(10));
        if (code != 0) log.WriteLine(string.Join("\n", output.Split('\n').TakeLast(5)));
        return code == 0;
    }

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
            .SelectMany(c => LoadCall().Matches(NotebookParameters.Source(c!)).Select(m => m.Groups[1].Value))
            .Distinct().Order(StringComparer.Ordinal).ToList();

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
