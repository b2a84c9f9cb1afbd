extern alias runner;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace FromScratch.Notebooks.Tests;

/// <summary>The events of one submitted cell.</summary>
public sealed record CellEvents(IReadOnlyList<JsonObject> Events, bool Succeeded, string? Error);

/// <summary>
/// The stock kernel started as VS Code starts it (<c>dotnet tool run dotnet-interactive -- [vscode] stdio --working-dir DIR</c>,
/// from the pinned kernel's tool manifest, <c>.config/kernel/dotnet-tools.json</c>, which test.sh restores) and driven over its stdio JSON-lines protocol. No <c>--http-port</c> is given, so
/// the kernel opens no HTTP listener at all. Disposing kills the whole process tree.
/// </summary>
public sealed class StdioKernel : IDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly List<string> _log = [];
    private int _next;

    private StdioKernel(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public static StdioKernel Start(string workingDirectory)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repo.KernelManifestDir, // where the pinned kernel's dotnet-tools.json is
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "tool", "run", "dotnet-interactive", "--", "[vscode]", "stdio", "--working-dir", workingDirectory }) psi.ArgumentList.Add(a);
        Repo.ApplyNotebookEnvironment(psi.Environment);
        var kernel = new StdioKernel(new Process { StartInfo = psi });
        kernel._process.OutputDataReceived += (_, e) => kernel.OnLine(e.Data);
        kernel._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (kernel._log) kernel._log.Add("stderr: " + e.Data); };
        kernel._process.Start();
        kernel._process.BeginOutputReadLine();
        kernel._process.BeginErrorReadLine();
        return kernel;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _events.Writer.TryComplete();
            return;
        }
        if (line.StartsWith('{'))
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject envelope && envelope["eventType"] is not null)
                {
                    _events.Writer.TryWrite(envelope);
                    return;
                }
            }
            catch (System.Text.Json.JsonException) { }
        }
        lock (_log) _log.Add(line);
    }

    /// <summary>Submits C# code and waits for CommandSucceeded or CommandFailed of that submission.</summary>
    public async Task<CellEvents> SubmitAsync(string code, TimeSpan timeout)
    {
        var token = "fromscratch-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var envelope = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
        };
        await _process.StandardInput.WriteLineAsync(envelope.ToJsonString());
        await _process.StandardInput.FlushAsync();

        var events = new List<JsonObject>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(cts.Token);
                events.Add(e);
                var type = (string?)e["eventType"];
                if ((string?)e["command"]?["token"] != token || type is not ("CommandSucceeded" or "CommandFailed")) continue;
                return new CellEvents(events, type == "CommandSucceeded", type == "CommandFailed" ? (string?)e["event"]?["message"] : null);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the stock kernel did not finish the cell within {timeout.TotalSeconds:0} s.\n{Log()}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the stock kernel exited (code {(_process.HasExited ? _process.ExitCode : -1)}).\n{Log()}");
        }
    }

    /// <summary>What the kernel printed besides events (banner, stderr).</summary>
    public string Log()
    {
        lock (_log) return string.Join("\n", _log.TakeLast(50));
    }

    public void Dispose()
    {
        ChildProcess.KillTree(_process);
        _process.Dispose();
    }
}

/// <summary>Linux /proc helpers: the descendants of a process and the TCP ports they listen on.</summary>
public static class ProcFs
{
    /// <summary>The state letter of /proc/PID/stat (R, S, D, Z, …), or null when the process is gone.</summary>
    public static char? State(int pid) => Stat(pid) is { } f ? f[0][0] : null;

    /// <summary>The parent process id, or null when the process is gone.</summary>
    public static int? Parent(int pid) => Stat(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : null;

    /// <summary>A field of /proc/PID/status (e.g. <c>SigIgn</c>), or null when the process is gone.</summary>
    public static string? Status(int pid, string field)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..].Trim();
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The command line, for messages.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            var cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return cmd.Length > 0 ? (cmd.Length > 200 ? cmd[..200] + "…" : cmd) : $"[{File.ReadAllText($"/proc/{pid}/comm").Trim()}]";
        }
        catch (IOException) { return "(gone)"; }
        catch (UnauthorizedAccessException) { return "(hidden)"; }
    }

    // The fields after "(comm)": state, ppid, pgrp, …
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary><paramref name="pid"/> and every process below it, zombies included (the runner's own reading of /proc).</summary>
    public static IReadOnlyList<int> Descendants(int pid) => [pid, .. runner::FromScratch.Runner.ProcessTree.Descendants(pid, zombies: true)];

    /// <summary>Local addresses (hex, as /proc/net/tcp writes them) of listening TCP sockets owned by these processes.</summary>
    public static IReadOnlyList<string> ListeningAddresses(IEnumerable<int> pids)
    {
        var inodes = new HashSet<string>();
        foreach (var pid in pids)
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var listening = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == "0A" && inodes.Contains(f[9])) listening.Add(f[1]);
            }
        }
        return listening;
    }

    /// <summary>True for 127.x.x.x and ::1 in /proc/net/tcp{,6} hex notation.</summary>
    public static bool IsLoopback(string hexAddress)
    {
        var ip = hexAddress.Split(':')[0];
        return ip.Length == 8 ? ip.EndsWith("7F", StringComparison.Ordinal) : ip == "00000000000000000000000001000000";
    }
}
