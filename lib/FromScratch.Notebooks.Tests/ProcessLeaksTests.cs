using System.Net;
using System.Net.Sockets;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The checks the notebook tests rely on, each shown to catch what it is for.</summary>
public sealed class ProcessLeaksTests
{
    [Fact]
    public async Task A_detached_grandchild_is_found_killed_and_reaped()
    {
        Assert.True(ProcessLeaks.IsSubreaper, "the test host could not become a child subreaper (prctl)");
        // sh starts sleep in the background and exits at once: sleep is orphaned, as a daemonizing process would be.
        var run = await ChildProcess.RunAsync("sh", ["-c", "sleep 120 </dev/null >/dev/null 2>&1 & echo $!"], Repo.Root, TimeSpan.FromSeconds(30));
        int orphan = int.Parse(run.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var leaked = Assert.Single(run.Leaked);
        Assert.StartsWith($"{orphan} sleep 120", leaked);
        Assert.Null(ProcFs.State(orphan));                    // killed and reaped: not even a zombie remains
        Assert.Empty(ProcessLeaks.Live());
    }

    [Fact]
    public void The_loopback_check_sees_a_socket_bound_to_every_interface()
    {
        var everywhere = new TcpListener(IPAddress.Any, 0);
        var loopback = new TcpListener(IPAddress.Loopback, 0);
        everywhere.Start();
        loopback.Start();
        try
        {
            var listening = ProcFs.ListeningAddresses([Environment.ProcessId]);
            string Hex(TcpListener l) => $":{((IPEndPoint)l.LocalEndpoint).Port:X4}";
            Assert.Contains(listening, a => a.EndsWith(Hex(everywhere), StringComparison.Ordinal) && !ProcFs.IsLoopback(a));
            Assert.Contains(listening, a => a.EndsWith(Hex(loopback), StringComparison.Ordinal) && ProcFs.IsLoopback(a));
        }
        finally
        {
            everywhere.Stop();
            loopback.Stop();
        }
    }
}
