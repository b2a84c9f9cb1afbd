using System.Diagnostics;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace FromScratch.Notebook;

/// <summary>What every notebook's first cell does (through <c>notebooks/setup.csx</c>).</summary>
public static class NotebookSetup
{
    /// <summary>The assemblies a notebook's cells can use after the setup, from the build folder.</summary>
    internal static readonly string[] Referenced = ["FromScratch", "FromScratch.Fast", "FromScratch.Charts", "MathNet.Numerics"];

    /// <summary>The build folder whose assemblies this process loaded (the first setup in a process loads them).</summary>
    private static string? s_loaded;

    /// <summary>
    /// Builds lib/FromScratch, lib/FromScratch.Fast and lib/FromScratch.Charts when their sources changed (else nothing is built), references
    /// them in the running C# kernel, and displays plotly.js once so that charts draw with no network. Prints one line
    /// saying what it did, and a note to restart the kernel when lib/ changed after this kernel loaded it.
    /// </summary>
    /// <param name="root">The repository's root folder (the one with <c>FromScratch.slnx</c>).</param>
    public static void Run(string root)
    {
        var stopwatch = Stopwatch.StartNew();
        var context = KernelInvocationContext.Current
            ?? throw new InvalidOperationException("The FromScratch setup runs in a notebook cell (#load \"setup.csx\").");
        var kernel = context.HandlingKernel as CSharpKernel
            ?? throw new InvalidOperationException("The FromScratch setup must run in a C# (csharp) kernel cell.");
        if (!File.Exists(Path.Combine(root, "FromScratch.slnx")))
            throw new InvalidOperationException($"{root} is not the FromScratch repository (no FromScratch.slnx there).");

        var bin = LibBuild.Folder(root, LibBuild.Projects);
        var built = LibBuild.EnsureBuilt(root, LibBuild.Projects, bin, Console.Out);
        var note = Load(bin);
        // Every kernel needs the references (the runner starts one kernel per notebook in one process).
        kernel.AddAssemblyReferences(ReferencePaths(s_loaded!));

        var plotly = AssemblyLoadContext.Default.Assemblies.First(a => a.GetName().Name == "FromScratch.Charts")
            .GetType("FromScratch.Charts.PlotlyJs", throwOnError: true)!;
        var loader = (string)plotly.GetMethod("LoaderHtml")!.Invoke(null, null)!;
        // A ready-made text/html value: no formatter involved, and nothing the script compiler has to bind.
        context.Publish(new DisplayedValueProduced(loader, context.Command, [new FormattedValue(HtmlFormatter.MimeType, loader)]));

        Console.WriteLine($"FromScratch setup: lib {(built ? "built" : "up to date")} (obj/notebooks/{Path.GetFileName(bin)}), " +
                          $"referenced {string.Join(", ", Referenced)}; plotly.js {plotly.GetProperty("Version")!.GetValue(null)} " +
                          $"loaded offline; {stopwatch.Elapsed.TotalSeconds:0.0} s");
        if (note is not null) Console.WriteLine(note);
    }

    /// <summary>
    /// Loads the assemblies of <paramref name="bin"/> into the default context the first time; later returns a restart
    /// note when <paramref name="bin"/> is another build than the loaded one (.NET cannot unload an assembly).
    /// </summary>
    internal static string? Load(string bin)
    {
        if (s_loaded is null)
        {
            s_loaded = bin;
            AssemblyResolver.Install(bin);
            // Loaded before the script compiler sees them, so that cells bind to these same assemblies.
            foreach (var path in ReferencePaths(bin)) AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
            return null;
        }
        return s_loaded == bin ? null
            : $"⚠ lib/ changed since this kernel loaded it ({Path.GetFileName(s_loaded)} → {Path.GetFileName(bin)}). " +
              "Restart the kernel and run the notebook again to use the new build; until then the old one stays loaded.";
    }

    internal static string[] ReferencePaths(string bin) =>
        Referenced.Select(n => Path.Combine(bin, n + ".dll")).Where(File.Exists).ToArray();
}
