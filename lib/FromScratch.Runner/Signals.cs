using System.Globalization;
using System.Runtime.InteropServices;

namespace FromScratch.Runner;

/// <summary>
/// SIGINT and SIGTERM, honoured from the runner's first statement to its exit (issue 21 §3).
/// <para>
/// A process started with SIGINT ignored — a background job of a non-interactive shell, which is how CI and scripts start
/// <c>dotnet test</c>, whose test host passes the ignore on to every process it starts — keeps it ignored under .NET: a
/// <see cref="PosixSignalRegistration"/> for SIGINT then never fires, and <c>kill -INT</c> does nothing. So
/// <see cref="Install"/> first gives an inherited ignored SIGINT/SIGTERM back its default action, then registers the handlers.
/// Until a run has something to clean up (<see cref="OnStop"/>), a signal ends the process at once with 130/143.
/// </para>
/// </summary>
internal static partial class Signals
{
    private const int SIGINT = 2, SIGTERM = 15;
    private static readonly object s_gate = new();
    private static Action<int>? s_stop;
    private static int s_received;
    private static PosixSignalRegistration? s_int, s_term;

    /// <summary>The exit code of the signal received (130 SIGINT, 143 SIGTERM), or 0.</summary>
    public static int Received => Volatile.Read(ref s_received);

    /// <summary>The signals this process inherited as ignored that <see cref="Install"/> took back (for tests and messages).</summary>
    public static IReadOnlyList<string> TakenBack { get; private set; } = [];

    /// <summary>Call first thing in Main.</summary>
    public static void Install()
    {
        if (s_int is not null) return;
        if (OperatingSystem.IsLinux())
        {
            var taken = new List<string>();
            foreach (var (signal, name) in new[] { (SIGINT, "SIGINT"), (SIGTERM, "SIGTERM") })
            {
                if (!IgnoredAtStart(signal)) continue;     // not ignored: .NET has its own handler there; leave it
                _ = signal_native(signal, 0);              // SIG_DFL, then .NET's registration below takes it
                taken.Add(name);
            }
            TakenBack = taken;
        }
        s_int = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; Raise(130); });
        s_term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; Raise(143); });
    }

    /// <summary>
    /// From now on a signal calls <paramref name="stop"/> (which cleans up and exits) instead of exiting at once; if one came
    /// already, it is called right away. Pass null when the run has nothing left to clean up.
    /// </summary>
    public static void OnStop(Action<int>? stop)
    {
        int pending;
        lock (s_gate)
        {
            s_stop = stop;
            pending = Received;
        }
        if (pending != 0 && stop is not null) stop(pending);
    }

    private static void Raise(int exitCode)
    {
        Action<int>? stop;
        lock (s_gate)
        {
            if (Interlocked.CompareExchange(ref s_received, exitCode, 0) != 0 && s_stop is null) return;
            stop = s_stop;
        }
        if (stop is not null) stop(exitCode);
        else
        {
            Console.Error.WriteLine($"\nStopped by {(exitCode == 130 ? "SIGINT" : "SIGTERM")}.");
            Environment.Exit(exitCode);
        }
    }

    /// <summary>Whether <paramref name="signal"/> is ignored in this process now (the SigIgn mask of /proc/self/status).</summary>
    private static bool IgnoredAtStart(int signal)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static partial nint signal_native(int signum, nint handler);
}
