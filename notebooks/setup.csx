// FromScratch notebook setup. Every notebook's first cell is  #load "setup.csx"
//
// It builds lib/FromScratch and lib/FromScratch.Charts when their sources changed (about 10 s; else nothing is built),
// references them and MathNet.Numerics for the next cells, and displays plotly.js once, so charts draw with no network.
// That work is compiled, tested code: lib/FromScratch.Notebook/NotebookSetup.cs. This file only builds that small
// project (the first time, or after it changed) and calls it.
//
// After editing lib/: restart the kernel and run the notebook again (.NET cannot unload the old build; the setup says so).
using System.IO;

static class FromScratchSetup
{
    public static void Run([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, ".."));
        var project = Path.Combine(root, "lib", "FromScratch.Notebook");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "FromScratch.Notebook.dll");
        if (!File.Exists(dll) || Directory.EnumerateFiles(project).Any(f => File.GetLastWriteTimeUtc(f) > File.GetLastWriteTimeUtc(dll)))
            Build(project);
        // Loaded from bytes, so that a later rebuild can replace the file while this kernel runs.
        var setup = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FromScratch.Notebook")
                    ?? System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(File.ReadAllBytes(dll)));
        setup.GetType("FromScratch.Notebook.NotebookSetup", throwOnError: true)!.GetMethod("Run")!
             .Invoke(null, System.Reflection.BindingFlags.DoNotWrapExceptions, null, [root], null);
    }

    static void Build(string project)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "q",
            "--disable-build-servers", "-nodeReuse:false"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // A kernel started by `dotnet run` has MSBuild variables of its own, and MSBuild reads every environment variable as a
        // property: a shell's OUTDIR would send the build elsewhere. The same list as LibBuild.CleanEnvironment, which this builds.
        string[] outputVariables = ["OutDir", "OutputPath", "BaseOutputPath", "IntermediateOutputPath", "BaseIntermediateOutputPath", "Platform", "RuntimeIdentifier"];
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                                                            outputVariables.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        using var build = System.Diagnostics.Process.Start(psi)!;
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0) throw new InvalidOperationException($"dotnet build {project} failed:\n{output.Result}{errors}");
    }
}

FromScratchSetup.Run();
