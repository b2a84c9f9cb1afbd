using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// Finds and ends processes that the tests started and that outlived them. The test host makes itself a child subreaper
/// (Linux <c>PR_SET_CHILD_SUBREAPER</c>) as soon as this assembly loads, so a process that detaches — double fork, setsid,
/// as Chromium's crash handler does and as a build server would — is re-parented to the test host instead of to init and
/// stays among its descendants, where <see cref="Sweep"/> sees it. A process group would not catch those: they leave it.
/// </summary>
public static partial class ProcessLeaks
{
    private const int PR_SET_CHILD_SUBREAPER = 36, SIGKILL = 9, WNOHANG = 1;

    /// <summary>True when the test host is a subreaper, so detached grandchildren stay visible.</summary>
    public static bool IsSubreaper { get; private set; }

    [ModuleInitializer]
    internal static void BecomeSubreaper()
    {
        if (OperatingSystem.IsLinux()) IsSubreaper = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
    }

    /// <summary>The live (not zombie) descendants of the test host, excluding <paramref name="except"/>.</summary>
    public static IReadOnlyList<int> Live(IReadOnlySet<int>? except = null) =>
        ProcFs.Descendants(Environment.ProcessId).Skip(1)
            .Where(p => (except is null || !except.Contains(p)) && ProcFs.State(p) is not (null or 'Z' or 'X'))
            .ToList();

    /// <summary>
    /// Waits up to <paramref name="grace"/> for the test host's descendants (other than <paramref name="except"/>) to exit by
    /// themselves, then kills whatever is still alive and reaps the zombies re-parented to the test host.
    /// Returns a description ("pid command line") of each process that had to be killed: the leaks.
    /// </summary>
    public static IReadOnlyList<string> Sweep(IReadOnlySet<int>? except = null, TimeSpan? grace = null)
    {
        var deadline = DateTime.UtcNow + (grace ?? TimeSpan.FromSeconds(3));
        var live = Live(except);
        while (live.Count > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
            live = Live(except);
        }
        var leaked = live.Select(p => $"{p} {ProcFs.CommandLine(p)}").ToList();
        foreach (var pid in live) kill(pid, SIGKILL);
        for (int i = 0; i < 20 && Live(except).Count > 0; i++) Thread.Sleep(50);
        ReapOrphans(except);
        return leaked;
    }

    /// <summary>
    /// Reaps zombies whose parent is the test host and that <see cref="System.Diagnostics.Process"/> does not track
    /// (orphans re-parented here). Call only when none of the tests' own child processes is still being waited for.
    /// </summary>
    private static void ReapOrphans(IReadOnlySet<int>? except)
    {
        int self = Environment.ProcessId;
        foreach (var pid in ProcFs.Descendants(self).Skip(1))
            if ((except is null || !except.Contains(pid)) && ProcFs.State(pid) == 'Z' && ProcFs.Parent(pid) == self)
                waitpid(pid, out _, WNOHANG);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);
}
