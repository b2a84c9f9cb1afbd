using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FromScratch.Notebook;

/// <summary>
/// Builds the lib projects a notebook uses into <c>obj/notebooks/&lt;hash of their sources&gt;/</c>, once per version of
/// the sources: a folder is complete (it has a <c>.complete</c> file) or it is not used. One build at a time on the
/// machine (a lock file), built in a staging folder and renamed, so two kernels starting together never see half a build.
/// </summary>
internal static class LibBuild
{
    /// <summary>The projects the notebooks reference, relative to the repository root.</summary>
    public static readonly string[] Projects = ["lib/FromScratch/FromScratch.csproj", "lib/FromScratch.Fast/FromScratch.Fast.csproj",
        "lib/FromScratch.Charts/FromScratch.Charts.csproj"];

    /// <summary>Repository files outside the projects that change how they build.</summary>
    private static readonly string[] s_buildFiles = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props",
        "global.json", "NuGet.config", "nuget.config", "lib/Directory.Build.props", "lib/Directory.Build.targets"];

    private static readonly string[] s_sourceExtensions = [".cs", ".csproj", ".props", ".targets", ".json", ".resx"];

    /// <summary>The folder of a build of <paramref name="projects"/>: <c>obj/notebooks/&lt;hash&gt;</c> under <paramref name="root"/>.</summary>
    public static string Folder(string root, IReadOnlyList<string> projects) =>
        Path.Combine(root, "obj", "notebooks", SourceHash(root, projects));

    /// <summary>
    /// A short hash of every file that affects the build of <paramref name="projects"/> (their folders without bin/ and
    /// obj/, and the repository's build files): names and contents, in a fixed order.
    /// </summary>
    public static string SourceHash(string root, IReadOnlyList<string> projects)
    {
        var files = new List<string>();
        foreach (var project in projects)
        {
            var dir = Path.GetDirectoryName(Path.Combine(root, project))!;
            if (!Directory.Exists(dir)) throw new InvalidOperationException($"Missing project folder {dir}.");
            files.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => !IsUnder(f, Path.Combine(dir, "bin")) && !IsUnder(f, Path.Combine(dir, "obj")))
                .Where(f => s_sourceExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)));
        }
        files.AddRange(s_buildFiles.Select(f => Path.Combine(root, f)).Where(File.Exists));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var relative in files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Distinct().Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, relative)));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..12].ToLowerInvariant();
    }

    /// <summary>Builds <paramref name="projects"/> into <paramref name="bin"/> unless it is complete already; returns whether it built.</summary>
    public static bool EnsureBuilt(string root, IReadOnlyList<string> projects, string bin, TextWriter log)
    {
        var done = Path.Combine(bin, ".complete");
        if (File.Exists(done)) return false;
        var parent = Path.GetDirectoryName(bin)!;
        Directory.CreateDirectory(parent);
        using var buildLock = AcquireLock(Path.Combine(parent, ".build.lock"), TimeSpan.FromMinutes(10));
        if (File.Exists(done)) return false; // built by another kernel while this one waited
        var staging = bin + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        foreach (var project in projects)
        {
            log.WriteLine($"Building {project} …");
            Build(root, project, staging);
        }
        File.WriteAllText(Path.Combine(staging, ".complete"), DateTime.UtcNow.ToString("O"));
        if (Directory.Exists(bin)) Directory.Delete(bin, recursive: true);
        Directory.Move(staging, bin);
        RemoveOldBuilds(bin);
        return true;
    }

    /// <summary>
    /// <c>dotnet build</c> of one project into <paramref name="output"/>, quietly and leaving no build server behind;
    /// a failure throws with the compiler's messages.
    /// </summary>
    public static void Build(string root, string project, string output)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "build", project, "-c", "Release", "-o", output, "--nologo", "-v", "q", "-clp:NoSummary",
                                    "--disable-build-servers", "-nodeReuse:false" })
            psi.ArgumentList.Add(arg);
        CleanEnvironment(psi.Environment);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build {project} took more than 10 minutes.");
        }
        if (process.ExitCode != 0)
        {
            var lines = (stdout.Result + stderr.Result).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).Distinct().Take(40);
            throw new InvalidOperationException($"dotnet build {project} failed (exit {process.ExitCode}):\n" + string.Join("\n", lines));
        }
    }

    /// <summary>
    /// Environment variables that MSBuild would read as properties saying where a build goes (names ignore case).
    /// notebooks/setup.csx, which builds this project, removes the same ones (a test keeps the two lists equal).
    /// </summary>
    internal static readonly string[] OutputVariables = ["OutDir", "OutputPath", "BaseOutputPath", "IntermediateOutputPath",
        "BaseIntermediateOutputPath", "Platform", "RuntimeIdentifier"];   // (MSBuild… variables go anyway)

    /// <summary>
    /// The environment of a lib build, cleaned in place: no MSBuild variables of the process that started the kernel (the runner is
    /// started by <c>dotnet run</c>), and no variable MSBuild would take as an output property. MSBuild reads every environment
    /// variable as a property, so a shell's <c>OUTDIR=…</c> would send the build's files there instead of to <c>-o</c>.
    /// </summary>
    internal static void CleanEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var key in environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                                                        OutputVariables.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList())
            environment.Remove(key);
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
    }

    private static bool IsUnder(string file, string dir) => file.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>An exclusive lock on <paramref name="path"/>, waiting up to <paramref name="timeout"/> for another holder.</summary>
    internal static FileStream AcquireLock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(250); }
        }
    }

    /// <summary>Removes builds older than a day (a running kernel may still use a recent one).</summary>
    private static void RemoveOldBuilds(string current)
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetDirectoryName(current)!))
        {
            if (dir == current || Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddDays(-1)) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
