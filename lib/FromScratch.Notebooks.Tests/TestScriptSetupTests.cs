using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>Issue 10 §1: test.sh does its own set-up, and names the exact command for what it cannot install.</summary>
public sealed class TestScriptSetupTests(ITestOutputHelper output)
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Without_root_the_missing_packages_are_named_with_the_exact_command_before_any_test_runs()
    {
        // A machine where nothing of the list is installed and the user is not root: a PATH of shims only.
        var shims = Directory.CreateTempSubdirectory("fromscratch-setup-test-");
        try
        {
            void Shim(string name, string script)
            {
                var path = Path.Combine(shims.FullName, name);
                File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            }
            Shim("id", "echo 1000");
            Shim("dpkg-query", "exit 1");
            Shim("dotnet", "echo \"fake dotnet $*\"");
            foreach (var tool in new[] { "dirname", "mktemp", "grep", "rm", "tee", "awk", "cat" })
                File.CreateSymbolicLink(Path.Combine(shims.FullName, tool), "/usr/bin/" + tool);
            var run = await ChildProcess.RunAsync("/bin/bash", [Path.Combine(Repo.Root, "test.sh"), "--setup-only"], Repo.Root, TimeSpan.FromMinutes(1),
                env => env["PATH"] = shims.FullName);
            output.WriteLine(run.Output);
            Assert.Equal(1, run.ExitCode);
            var packages = File.ReadLines(Path.Combine(Repo.Root, ".config", "debian-packages.txt"))
                .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f[1].Split(',').Contains("tests")).Select(f => f[0]).ToList();   // the bench's peers are its own
            Assert.Contains("chromium", packages);
            Assert.DoesNotContain("python3-torch", packages);
            Assert.Contains($"sudo apt-get install -y --no-install-recommends {string.Join(' ', packages)}", run.Output);
            Assert.Contains("dotnet tool restore", run.Output);
            Assert.Contains("fake dotnet tool restore", run.Output);
            Assert.DoesNotContain("fake dotnet test", run.Output);
        }
        finally
        {
            shims.Delete(recursive: true);
        }
    }
}
