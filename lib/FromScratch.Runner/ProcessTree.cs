using System.Globalization;
using System.Runtime.InteropServices;

namespace FromScratch.Runner;

/// <summary>
/// The processes this run started. The runner makes itself a child subreaper (Linux <c>PR_SET_CHILD_SUBREAPER</c>), so a
/// process that detaches (a build server, a double fork) is re-parented to the runner and stays among its descendants.
/// </summary>
public static partial class ProcessTree
{
    private const int PR_SET_CHILD_SUBREAPER = 36, SIGKILL = 9;

    public static void BecomeSubreaper()
    {
        if (OperatingSystem.IsLinux()) _ = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }

    /// <summary>Kills every descendant of this process (children first found, then theirs), best effort.</summary>
    public static void KillDescendants()
    {
        if (!OperatingSystem.IsLinux()) return;
        for (int round = 0; round < 3; round++)
        {
            var descendants = Descendants(Environment.ProcessId);
            if (descendants.Count == 0) return;
            foreach (var pid in descendants) _ = kill(pid, SIGKILL);
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// The processes below <paramref name="root"/> (children, their children, ...), read from /proc; zombies only when
    /// <paramref name="zombies"/> (a reaper needs them, a killer does not).
    /// </summary>
    public static List<int> Descendants(int root, bool zombies = false)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (zombies || fields[0] is not ("Z" or "X")) parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var result = new List<int> { root };
        for (int i = 0; i < result.Count; i++) result.AddRange(parents.Where(kv => kv.Value == result[i]).Select(kv => kv.Key));
        result.RemoveAt(0);
        return result;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
