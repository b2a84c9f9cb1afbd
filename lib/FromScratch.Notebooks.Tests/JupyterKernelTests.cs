using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// Issue 21 §3: a learner who installs the .NET kernel the usual way and opens a notebook of a fresh clone in Jupyter (or VS
/// Code's Jupyter extension) gets a running kernel. Jupyter runs the kernelspec's argv (<c>dotnet interactive jupyter …</c>)
/// in the notebook's folder; a tool manifest above notebooks/ that names dotnet-interactive would shadow the global tool and
/// the kernel would die printing only <c>Run "dotnet tool restore"</c>.
/// </summary>
public sealed class JupyterKernelTests(ITestOutputHelper output)
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_fresh_clone_opened_in_Jupyter_starts_the_kernel_installed_the_usual_way()
    {
        var temp = Directory.CreateTempSubdirectory("fromscratch-jupyter-test-");
        var home = Directory.CreateDirectory(Path.Combine(temp.FullName, "home")).FullName;
        var tools = Path.Combine(home, ".dotnet", "tools");
        void FreshUser(IDictionary<string, string?> env)
        {
            // A new user: empty HOME and NuGet cache; the global tools folder on PATH, as the installer asks.
            Repo.ApplyNotebookEnvironment(env);
            env["HOME"] = home;
            env["NUGET_PACKAGES"] = Path.Combine(temp.FullName, "nuget-packages");
            env.Remove("DOTNET_CLI_HOME");
            env["PATH"] = $"{Environment.GetEnvironmentVariable("PATH")}:{tools}";
        }
        try
        {
            var clone = Path.Combine(temp.FullName, "clone");
            Assert.Equal(0, (await ChildProcess.RunAsync("git", ["clone", "-q", Repo.Root, clone], temp.FullName, TimeSpan.FromMinutes(2))).ExitCode);

            // The README's way: dotnet tool install -g …, dotnet interactive jupyter install (here into a folder of ours).
            var install = await ChildProcess.RunAsync("dotnet", ["tool", "install", "-g", "Microsoft.dotnet-interactive", "--version", "1.0.712001"],
                temp.FullName, TimeSpan.FromMinutes(5), FreshUser);
            output.WriteLine(install.Output);
            Assert.Equal(0, install.ExitCode);
            var kernels = Directory.CreateDirectory(Path.Combine(temp.FullName, "kernels")).FullName;
            var spec = await ChildProcess.RunAsync("dotnet", ["interactive", "jupyter", "install", "--path", kernels], temp.FullName, TimeSpan.FromMinutes(2), FreshUser);
            output.WriteLine(spec.Output);
            Assert.Equal(0, spec.ExitCode);
            var argv = JsonNode.Parse(File.ReadAllText(Path.Combine(kernels, ".net-csharp", "kernel.json")))!["argv"]!.AsArray().Select(a => (string)a!).ToList();

            // Jupyter's part: a connection file, then the kernelspec's argv in the notebook's folder.
            var ports = Enumerable.Range(0, 5).Select(_ => FreePort()).ToList();
            var connection = Path.Combine(temp.FullName, "kernel-connection.json");
            File.WriteAllText(connection, new JsonObject
            {
                ["shell_port"] = ports[0], ["iopub_port"] = ports[1], ["stdin_port"] = ports[2], ["control_port"] = ports[3], ["hb_port"] = ports[4],
                ["ip"] = "127.0.0.1", ["key"] = Guid.NewGuid().ToString("N"), ["transport"] = "tcp", ["signature_scheme"] = "hmac-sha256", ["kernel_name"] = ".net-csharp",
            }.ToJsonString());
            var psi = new ProcessStartInfo(argv[0])
            {
                WorkingDirectory = Path.Combine(clone, "notebooks"),
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            };
            foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a.Replace("{connection_file}", connection, StringComparison.Ordinal));
            FreshUser(psi.Environment);
            var log = new StringBuilder();
            var alreadyRunning = ProcessLeaks.Live().ToHashSet();
            using var kernel = new Process { StartInfo = psi };
            kernel.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
            kernel.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
            try
            {
                kernel.Start();
                kernel.BeginOutputReadLine();
                kernel.BeginErrorReadLine();
                // Running: it listens on the heartbeat and shell ports of the connection file, and stays up.
                var stopwatch = Stopwatch.StartNew();
                while (!(Listening(ports[4]) && Listening(ports[0])))
                {
                    Assert.False(kernel.HasExited, $"the kernel exited (code {(kernel.HasExited ? kernel.ExitCode : 0)}) in {psi.WorkingDirectory}:\n{log}");
                    Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(2), $"the kernel did not open its ports within 2 minutes:\n{log}");
                    await Task.Delay(200);
                }
                await Task.Delay(2000);
                Assert.False(kernel.HasExited, $"the kernel exited after opening its ports:\n{log}");
                output.WriteLine($"kernel listening after {stopwatch.Elapsed.TotalSeconds:0.0} s\n{log}");
                Assert.DoesNotContain("dotnet tool restore", log.ToString());
            }
            finally
            {
                ChildProcess.KillTree(kernel);
                ProcessLeaks.Sweep(alreadyRunning);
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether some process listens on TCP <paramref name="port"/> (state 0A in /proc/net/tcp).</summary>
    private static bool Listening(int port)
    {
        var hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length > 3 && f[1].EndsWith(hex, StringComparison.Ordinal) && f[3] == "0A");
    }
}
