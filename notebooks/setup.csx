// FromScratch notebook setup, shared by every notebook in this folder.
//
// Every notebook starts with this one cell (a relative #load resolves against the notebook's folder):
//
//     #r "nuget: MathNet.Numerics, 5.0.0"
//     #load "setup.csx"
//
// and its next code cell has the usings it needs, e.g.
//
//     using FromScratch;
//     using static FromScratch.Functions;
//     using FromScratch.Charts;          // Plot.Line / Lines / Function / Contour / Heatmap / Image / Images
//
// What it does:
//  1. builds lib/FromScratch and lib/FromScratch.Charts (Release) into obj/notebooks/<hash of their sources>/;
//     when the sources have not changed since the last build, nothing is built (about 0.2 s);
//  2. loads the built DLLs and references them, so the next cells can use FromScratch and FromScratch.Charts;
//     an AssemblyLoadContext.Resolving handler serves their dependencies and maps FSharp.Core to the one the
//     kernel already loaded (Polyglot's kernel ships FSharp.Core 10.0, Plotly.NET 6 asks for 10.1);
//  3. displays plotly.js (embedded in Plotly.NET) once, so charts draw with no network.
//
// After editing lib/: restart the kernel and run the notebook again. Re-running this cell without a restart
// builds the new version, but the kernel keeps the assemblies it already loaded (.NET cannot unload them); it says so.
// Tests set FROMSCRATCH_QUICK=1: read it with FromScratch.Charts.NotebookSettings.Quick / .Pick(full, quick).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;

static class FromScratchNotebookSetup
{
    const string BinKey = "FromScratch.Notebook.Bin";
    const string HandlerKey = "FromScratch.Notebook.ResolverInstalled";
    static readonly string[] Projects = ["lib/FromScratch/FromScratch.csproj", "lib/FromScratch.Charts/FromScratch.Charts.csproj"];
    static readonly string[] Referenced = ["FromScratch", "FromScratch.Charts", "MathNet.Numerics"];

    public static void Run()
    {
        var stopwatch = Stopwatch.StartNew();
        var root = FindRoot();
        var hash = HashSources(root);
        var bin = Path.Combine(root, "obj", "notebooks", hash);
        var built = EnsureBuilt(root, bin);
        InstallResolver();

        var notes = new List<string>();
        var loadedBin = AppDomain.CurrentDomain.GetData(BinKey) as string;
        if (loadedBin is null)
        {
            loadedBin = bin;
            AppDomain.CurrentDomain.SetData(BinKey, bin);
            // Load into the default context first: script code then binds to these same assemblies.
            foreach (var path in ReferencePaths(bin)) AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
        else if (!string.Equals(loadedBin, bin, StringComparison.Ordinal))
        {
            notes.Add($"⚠ lib/ changed since this kernel loaded it ({Path.GetFileName(loadedBin)} → {hash}). " +
                      "Restart the kernel and run the notebook again to use the new build; until then the old one stays loaded.");
        }
        // Every kernel (the runner starts one per notebook in the same process) needs the references and the formatter.
        var kernel = Microsoft.DotNet.Interactive.KernelInvocationContext.Current?.HandlingKernel as Microsoft.DotNet.Interactive.CSharp.CSharpKernel
            ?? throw new InvalidOperationException("setup.csx must run in a C# (csharp) kernel cell.");
        kernel.AddAssemblyReferences(ReferencePaths(loadedBin));
        RegisterChartFormatter();

        var charts = AppDomain.CurrentDomain.GetAssemblies().First(a => a.GetName().Name == "FromScratch.Charts");
        var plotly = charts.GetType("FromScratch.Charts.PlotlyJs", throwOnError: true)!;
        var loader = (string)plotly.GetMethod("LoaderHtml")!.Invoke(null, null)!;
        // Published as a ready-made text/html value (not via HTML(...), whose IHtmlContent type makes the compiler warn CS1701).
        var context = Microsoft.DotNet.Interactive.KernelInvocationContext.Current!;
        context.Publish(new Microsoft.DotNet.Interactive.Events.DisplayedValueProduced(loader, context.Command,
            [new Microsoft.DotNet.Interactive.Formatting.FormattedValue("text/html", loader)]));

        var quick = Environment.GetEnvironmentVariable("FROMSCRATCH_QUICK") is "1" or "true" ? " · FROMSCRATCH_QUICK=1 (short loops)" : "";
        var what = built ? "built" : "up to date";
        Console.WriteLine($"FromScratch setup: lib {what} (obj/notebooks/{hash}), referenced {string.Join(", ", Referenced)}; " +
                          $"plotly.js {plotly.GetProperty("Version")!.GetValue(null)} loaded offline; {stopwatch.Elapsed.TotalSeconds:0.0} s{quick}");
        foreach (var note in notes) Console.WriteLine(note);
    }

    static string[] ReferencePaths(string bin) =>
        Referenced.Select(n => Path.Combine(bin, n + ".dll")).Where(File.Exists).ToArray();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FromScratch.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException(
            $"FromScratch.slnx not found above the working directory {Directory.GetCurrentDirectory()}. Open the notebook from the repository's notebooks/ folder.");
    }

    /// <summary>A short hash of everything that affects the build of the lib projects.</summary>
    static string HashSources(string root)
    {
        var files = new List<string>();
        foreach (var project in Projects)
        {
            var dir = Path.GetDirectoryName(Path.Combine(root, project))!;
            if (!Directory.Exists(dir)) throw new InvalidOperationException($"Missing project folder {dir}.");
            files.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => !IsUnder(f, Path.Combine(dir, "bin")) && !IsUnder(f, Path.Combine(dir, "obj")))
                .Where(f => f.EndsWith(".cs") || f.EndsWith(".csproj") || f.EndsWith(".props") || f.EndsWith(".targets") || f.EndsWith(".json") || f.EndsWith(".resx")));
        }
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config",
                                     "lib/Directory.Build.props", "lib/Directory.Build.targets" })
        {
            var f = Path.Combine(root, name);
            if (File.Exists(f)) files.Add(f);
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(f + "\n"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, f)));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..12].ToLowerInvariant();
    }

    static bool IsUnder(string file, string dir) => file.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Builds into <paramref name="bin"/> unless it is complete already. Returns whether it built.</summary>
    static bool EnsureBuilt(string root, string bin)
    {
        var done = Path.Combine(bin, ".complete");
        if (File.Exists(done)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(bin)!);
        // One build at a time on this machine (two kernels, or a test run, may start together).
        using var buildLock = AcquireLock(Path.Combine(Path.GetDirectoryName(bin)!, ".build.lock"), TimeSpan.FromMinutes(10));
        if (File.Exists(done)) return false;
        var staging = bin + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        foreach (var project in Projects)
        {
            Console.WriteLine($"Building {project} …");
            Build(root, project, staging);
        }
        File.WriteAllText(Path.Combine(staging, ".complete"), DateTime.UtcNow.ToString("O"));
        if (Directory.Exists(bin)) Directory.Delete(bin, recursive: true);
        Directory.Move(staging, bin);
        CleanOldBuilds(bin);
        return true;
    }

    static void Build(string root, string project, string output)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "build", project, "-c", "Release", "-o", output, "--nologo", "-v", "q", "-clp:NoSummary", "--disable-build-servers", "-nodeReuse:false" })
            psi.ArgumentList.Add(arg);
        // The kernel's own MSBuild settings must not leak into the child build.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH").ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
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

    static FileStream AcquireLock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(250); }
        }
    }

    /// <summary>Removes builds older than a day (a running kernel may still use a recent one).</summary>
    static void CleanOldBuilds(string current)
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetDirectoryName(current)!))
        {
            if (dir == current || Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddDays(-1)) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Serves the lib's dependencies from the build folder; maps any version request to an already loaded assembly.</summary>
    static void InstallResolver()
    {
        if (AppDomain.CurrentDomain.GetData(HandlerKey) is true) return;
        AppDomain.CurrentDomain.SetData(HandlerKey, true);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name.Name);
            if (loaded is not null) return loaded;
            if (AppDomain.CurrentDomain.GetData(BinKey) is string dir)
            {
                var file = Path.Combine(dir, name.Name + ".dll");
                if (File.Exists(file)) return context.LoadFromAssemblyPath(file);
            }
            return null;
        };
    }

    /// <summary>
    /// Shows FromScratch.Charts.Chart values as HTML (a div and a Plotly.newPlot call), and TrainingView values as HTML
    /// plus their status line as text/plain (so a DisplayedValue of a view can be updated in place while training runs).
    /// </summary>
    static void RegisterChartFormatter()
    {
        var charts = AppDomain.CurrentDomain.GetAssemblies().First(a => a.GetName().Name == "FromScratch.Charts");
        var html = Microsoft.DotNet.Interactive.Formatting.HtmlFormatter.MimeType;
        var plain = Microsoft.DotNet.Interactive.Formatting.PlainTextFormatter.MimeType;
        foreach (var (name, mimeTypes) in new[] { ("FromScratch.Charts.Chart", new[] { html }), ("FromScratch.Charts.TrainingView", new[] { html, plain }) })
        {
            var type = charts.GetType(name, throwOnError: true)!;
            var toHtml = type.GetMethod("ToHtml")!;
            Microsoft.DotNet.Interactive.Formatting.Formatter.Register(type, (value, writer) => writer.Write((string)toHtml.Invoke(value, null)!), html);
            if (mimeTypes.Contains(plain))
                Microsoft.DotNet.Interactive.Formatting.Formatter.Register(type, (value, writer) => writer.Write(value.ToString()), plain);
            Microsoft.DotNet.Interactive.Formatting.Formatter.SetPreferredMimeTypesFor(type, mimeTypes);
        }
    }
}

FromScratchNotebookSetup.Run();
