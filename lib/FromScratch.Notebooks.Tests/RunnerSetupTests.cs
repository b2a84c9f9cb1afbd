extern alias runner;
using System.Text.Json.Nodes;
using runner::FromScratch.Runner;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// Issue 21 §3: the runner installs what it needs on a fresh machine, where apt has no package lists yet and
/// <c>apt-get install</c> says "Unable to locate package" until <c>apt-get update</c> has run.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunnerSetupTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fromscratch-apt-test-");
    private string Lists => Path.Combine(_dir.FullName, "lists");
    private string Calls => Path.Combine(_dir.FullName, "calls.txt");


    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// An apt-get that behaves like Debian's on a machine without package lists: <c>install</c> fails with "Unable to locate
    /// package" until <c>update</c> has written the lists (or always, with <paramref name="updateFails"/>).
    /// </summary>
    private string FakeAptGet(bool updateFails = false)
    {
        Directory.CreateDirectory(Path.Combine(Lists, "partial"));
        var path = Path.Combine(_dir.FullName, "apt-get");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            echo "$*" >> '{{Calls}}'
            case "$1" in
              update) {{(updateFails ? "echo 'E: Failed to fetch InRelease'; exit 100" : $"touch '{Lists}/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4'; echo 'Reading package lists...'; exit 0")}} ;;
              install)
                if ls '{{Lists}}'/*_Packages* >/dev/null 2>&1; then echo "Setting up $5 ..."; exit 0; fi
                shift 4; for p in "$@"; do echo "E: Unable to locate package $p"; done; exit 100 ;;
            esac
            exit 1
            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void Without_package_lists_it_runs_apt_get_update_first_and_says_so()
    {
        var log = new StringWriter();
        Assert.True(DebianPackage.Install(["dataset-fashion-mnist", "npm"], log, FakeAptGet(), Lists), log.ToString());
        Assert.Equal(["update -q", "install -y -q --no-install-recommends dataset-fashion-mnist npm"], File.ReadAllLines(Calls));
        Assert.Contains($"apt-get update (this machine has no package lists in {Lists} yet)", log.ToString());
        Assert.Contains("Installed dataset-fashion-mnist, npm.", log.ToString());
    }

    [Fact]
    public void Stale_lists_that_do_not_know_the_package_get_one_update_and_a_second_try()
    {
        var fake = FakeAptGet();
        File.WriteAllText(Path.Combine(Lists, "old_Packages"), "");   // lists exist, but the fake's install wants the fresh ones
        File.WriteAllText(fake, File.ReadAllText(fake).Replace("*_Packages*", "*_Packages.lz4"));
        var log = new StringWriter();
        Assert.True(DebianPackage.Install(["dataset-fashion-mnist"], log, fake, Lists), log.ToString());
        Assert.Equal(["install -y -q --no-install-recommends dataset-fashion-mnist", "update -q", "install -y -q --no-install-recommends dataset-fashion-mnist"],
            File.ReadAllLines(Calls));
        Assert.Contains("apt-get does not know dataset-fashion-mnist: its package lists are out of date.", log.ToString());
    }

    [Fact]
    public void A_failing_update_is_reported_with_apt_gets_own_words_and_nothing_is_installed()
    {
        var log = new StringWriter();
        Assert.False(DebianPackage.Install(["dataset-fashion-mnist"], log, FakeAptGet(updateFails: true), Lists));
        Assert.Equal(["update -q"], File.ReadAllLines(Calls));
        Assert.Contains("apt-get update failed (exit code 100):", log.ToString());
        Assert.Contains("E: Failed to fetch InRelease", log.ToString());
    }

    [Fact]
    public void The_real_lists_folder_counts_package_lists_only()
    {
        Directory.CreateDirectory(Path.Combine(Lists, "partial"));
        Assert.False(DebianPackage.HasPackageLists(Lists));                          // partial/ alone: a fresh machine
        File.WriteAllText(Path.Combine(Lists, "lock"), "");
        Assert.False(DebianPackage.HasPackageLists(Lists));
        File.WriteAllText(Path.Combine(Lists, "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"), "");
        Assert.True(DebianPackage.HasPackageLists(Lists));
        Assert.False(DebianPackage.HasPackageLists(Path.Combine(_dir.FullName, "absent")));
    }

    [Fact]
    public void Notebook_08_runs_in_part_without_Fashion_MNIST_and_06_does_not()
    {
        JsonObject Read(string name) => JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(name)))!.AsObject();
        Assert.Equal(["FashionMnist", "Mnist"], DatasetCheck.Needed(Read("08-draw-digit")));
        Assert.True(DatasetCheck.CanRunInPart(Read("08-draw-digit"), ["FashionMnist"]));   // trains on MNIST first
        Assert.False(DatasetCheck.CanRunInPart(Read("08-draw-digit"), ["Mnist"]));
        Assert.False(DatasetCheck.CanRunInPart(Read("06-fashion-mnist"), ["FashionMnist"]));
    }

    [Fact]
    public async Task Cells_from_the_first_load_of_a_missing_dataset_on_are_left_out_and_named()
    {
        var notebook = Path.Combine(_dir.FullName, "part.ipynb");
        File.WriteAllText(notebook, RunnerTests.Notebook(
            "Console.WriteLine(\"mnist part ran\");",
            "// var fashion = FashionMnist.Load();\nConsole.WriteLine(\"fashion part ran\");",
            "Console.WriteLine(\"after it\");"));
        var outDir = Path.Combine(_dir.FullName, "out");
        var run = await ChildProcess.RunAsync("dotnet", [Repo.RunnerDll, "--child", "--out", outDir, "--missing-dataset", "FashionMnist=not installed (apt-get install dataset-fashion-mnist)", notebook],
            _dir.FullName, TimeSpan.FromMinutes(3), Repo.ApplyNotebookEnvironment);
        output.WriteLine(run.Output);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("mnist part ran", run.Output);
        Assert.DoesNotContain("fashion part ran", run.Output);
        Assert.DoesNotContain("after it", run.Output);
        const string Why = "cells 2–3 not run: Fashion-MNIST cannot be had (not installed (apt-get install dataset-fashion-mnist))";
        Assert.Contains(Why, run.Output);
        Assert.Contains("\"Skipped\":\"cells 2\\u20133 not run: Fashion-MNIST", run.Output);   // the result line the parent reads for its summary
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "part.ipynb")))!["cells"]!.AsArray();
        Assert.Contains("⚠ not run by FromScratch.Runner: Fashion-MNIST cannot be had", RunnerTests.Join(cells[1]!["outputs"]![0]!["text"]));
        Assert.Contains(Why, File.ReadAllText(Path.Combine(outDir, "part.html")));
    }
}
