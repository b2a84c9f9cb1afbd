using System.Reflection;
using FromScratch.Notebook;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The compiled notebook setup (lib/FromScratch.Notebook) on small made-up repositories.</summary>
public sealed class NotebookSetupTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("fromscratch-setup-test-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Project = "lib/Tiny/Tiny.csproj";

    private void WriteTinyProject(string code = "namespace Tiny; public static class Answer { public static int Value => 42; }")
    {
        Write("FromScratch.slnx", "<Solution />");
        Write(Project, """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>""");
        Write("lib/Tiny/Answer.cs", code);
    }

    [Fact]
    public void The_source_hash_follows_sources_and_build_files_only()
    {
        WriteTinyProject();
        var first = LibBuild.SourceHash(_root.FullName, [Project]);
        Assert.Matches("^[0-9a-f]{12}$", first);
        Write("lib/Tiny/bin/Release/Tiny.dll", "built output");
        Write("lib/Tiny/obj/project.assets.json", "{}");
        Write("lib/Tiny/README.md", "notes");
        Assert.Equal(first, LibBuild.SourceHash(_root.FullName, [Project]));

        Write("lib/Tiny/Answer.cs", "namespace Tiny; public static class Answer { public static int Value => 43; }");
        var edited = LibBuild.SourceHash(_root.FullName, [Project]);
        Assert.NotEqual(first, edited);
        Write("Directory.Build.props", "<Project />");
        Assert.NotEqual(edited, LibBuild.SourceHash(_root.FullName, [Project]));
        Write("lib/Tiny/Sub/More.cs", "// a new file counts too");
        Assert.NotEqual(edited, LibBuild.SourceHash(_root.FullName, [Project]));
    }

    [Fact]
    public void A_missing_project_folder_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LibBuild.SourceHash(_root.FullName, ["lib/Nothing/Nothing.csproj"]));
        Assert.Contains(Path.Combine(_root.FullName, "lib", "Nothing"), e.Message);
    }

    [Fact]
    public void Builds_once_into_a_complete_folder_and_then_finds_it()
    {
        WriteTinyProject();
        var bin = LibBuild.Folder(_root.FullName, [Project]);
        var log = new StringWriter();
        Assert.True(LibBuild.EnsureBuilt(_root.FullName, [Project], bin, log));
        Assert.Contains($"Building {Project}", log.ToString());
        Assert.True(File.Exists(Path.Combine(bin, "Tiny.dll")));
        Assert.True(File.Exists(Path.Combine(bin, ".complete")));
        Assert.Equal([bin], Directory.GetDirectories(Path.GetDirectoryName(bin)!)); // no staging folder left

        var again = new StringWriter();
        Assert.False(LibBuild.EnsureBuilt(_root.FullName, [Project], bin, again));
        Assert.Equal("", again.ToString());
    }

    [Fact]
    public void The_build_does_not_take_its_output_folder_from_the_environment()
    {   // found when a shell had OUTDIR set: MSBuild read it as $(OutDir), and the build "succeeded" into that folder instead of -o
        var environment = new Dictionary<string, string?>
        {
            ["OUTDIR"] = "/tmp/elsewhere", ["OutputPath"] = "x", ["baseoutputpath"] = "y", ["IntermediateOutputPath"] = "z",
            ["MSBuildExtensionsPath"] = "m", ["MSBUILD_EXE_PATH"] = "n", ["Platform"] = "ARM",
            ["PATH"] = "/usr/bin", ["HOME"] = "/root", ["OUTPUT_STYLE"] = "kept",
        };
        LibBuild.CleanEnvironment(environment);
        Assert.Equal(["DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO", "HOME", "OUTPUT_STYLE", "PATH"], environment.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_setup_script_removes_the_same_output_variables_as_the_lib_build()
    {   // setup.csx builds FromScratch.Notebook before LibBuild exists in the kernel, so it keeps its own copy of the list
        var script = File.ReadAllText(Path.Combine(Repo.NotebooksDir, "setup.csx"));
        var list = System.Text.RegularExpressions.Regex.Match(script, @"string\[\] outputVariables = \[(?<names>[^\]]*)\]");
        Assert.True(list.Success, "setup.csx has no outputVariables list");
        var names = list.Groups["names"].Value.Split(',').Select(n => n.Trim().Trim('"')).ToArray();
        Assert.Equal(LibBuild.OutputVariables, names);
    }

    [Fact]
    public void A_failing_build_names_the_project_and_the_compiler_error_and_leaves_no_build_folder()
    {
        WriteTinyProject("namespace Tiny; public static class Answer { public static int Value => undefinedName; }");
        var bin = LibBuild.Folder(_root.FullName, [Project]);
        var e = Assert.Throws<InvalidOperationException>(() => LibBuild.EnsureBuilt(_root.FullName, [Project], bin, TextWriter.Null));
        Assert.Contains($"dotnet build {Project} failed", e.Message);
        Assert.Contains("CS0103", e.Message);
        Assert.False(Directory.Exists(bin));
    }

    [Fact]
    public void The_build_lock_is_exclusive_and_waits()
    {
        var path = Path.Combine(_root.FullName, ".build.lock");
        using (LibBuild.AcquireLock(path, TimeSpan.FromSeconds(1)))
        {
            Assert.Throws<IOException>(() => LibBuild.AcquireLock(path, TimeSpan.FromMilliseconds(300)));
        }
        using var second = LibBuild.AcquireLock(path, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_request_for_a_loaded_assembly_gets_it_whatever_version_it_asks_for()
    {
        // Plotly.NET 6 asks for FSharp.Core 10.1; the stock kernel has 10.0 loaded: that one must serve.
        var loaded = typeof(System.Text.Json.JsonSerializer).Assembly;
        var request = new AssemblyName($"{loaded.GetName().Name}, Version=99.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51");
        Assert.Same(loaded, AssemblyResolver.Resolve(request, [typeof(object).Assembly, loaded], folder: null)?.Loaded);
    }

    [Fact]
    public void Other_requests_are_served_from_the_build_folder_or_not_at_all()
    {
        var dll = Write("bin/Some.Dependency.dll", "not really a DLL");
        var folder = Path.GetDirectoryName(dll)!;
        Assert.Equal(dll, AssemblyResolver.Resolve(new AssemblyName("Some.Dependency, Version=1.0.0.0"), [], folder)?.Path);
        Assert.Null(AssemblyResolver.Resolve(new AssemblyName("Not.There"), [], folder));
        Assert.Null(AssemblyResolver.Resolve(new AssemblyName("Some.Dependency"), [], folder: null));
    }

    [Fact]
    public void A_second_setup_with_another_build_says_to_restart_the_kernel()
    {
        // No DLLs in these folders: nothing is loaded, only the bookkeeping runs.
        var first = Directory.CreateDirectory(Path.Combine(_root.FullName, "obj", "notebooks", "aaaaaaaaaaaa")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_root.FullName, "obj", "notebooks", "bbbbbbbbbbbb")).FullName;
        Assert.Null(NotebookSetup.Load(first));
        Assert.Null(NotebookSetup.Load(first));
        var note = NotebookSetup.Load(second);
        Assert.NotNull(note);
        Assert.Contains("aaaaaaaaaaaa → bbbbbbbbbbbb", note);
        Assert.Contains("Restart the kernel", note);
    }
}
