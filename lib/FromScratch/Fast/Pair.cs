using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace FromScratch.Fast;

/// <summary>
/// Runs a small piece of work in two halves at once: half 0 on the calling thread, half 1 on one helper thread that
/// stays awake briefly between calls. A training step of the fast path takes tens of microseconds, too short for a
/// thread-pool round trip each time; the helper spins for up to <see cref="SpinTime"/> waiting for the next half,
/// then sleeps until it is asked again.
/// </summary>
/// <remarks>One pair of halves runs at a time in the whole process; a call made while another runs does both halves itself.</remarks>
internal static class Pair
{
    /// <summary>How long the helper keeps spinning for the next call before it sleeps.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(1);

    /// <summary>Whether there is a second core to use.</summary>
    public static bool Available { get; } = Environment.ProcessorCount > 1;

    private static readonly object Gate = new();
    private static readonly ManualResetEventSlim Wake = new(false, spinCount: 1);
    private static Action<int>? _work;
    private static int _generation, _finished, _sleeping;   // written with Interlocked (full fences), read with Volatile
    private static ExceptionDispatchInfo? _failure;
    private static Thread? _helper;

    /// <summary>Runs <c>work(0)</c> here and <c>work(1)</c> on the helper; returns when both are done (rethrows the first failure).</summary>
    public static void Run(Action<int> work)
    {
        if (!Available || !Monitor.TryEnter(Gate)) { work(0); work(1); return; }
        try
        {
            _helper ??= StartHelper();
            _failure = null;
            _work = work;
            int generation = _generation + 1;
            Interlocked.Exchange(ref _generation, generation);     // publishes _work to the helper
            if (Volatile.Read(ref _sleeping) == 1) Wake.Set();
            ExceptionDispatchInfo? mine = null;
            try { work(0); }
            catch (Exception e) { mine = ExceptionDispatchInfo.Capture(e); }
            var spin = new SpinWait();
            while (Volatile.Read(ref _finished) != generation) spin.SpinOnce(sleep1Threshold: -1);
            _work = null;
            (mine ?? _failure)?.Throw();
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static Thread StartHelper()
    {
        var t = new Thread(HelperLoop) { IsBackground = true, Name = "FromScratch.Fast.Pair" };
        t.Start();
        return t;
    }

    private static void HelperLoop()
    {
        int seen = 0;
        var clock = new Stopwatch();
        while (true)
        {
            clock.Restart();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (clock.Elapsed < SpinTime) { Thread.SpinWait(20); continue; }
                Wake.Reset();
                Interlocked.Exchange(ref _sleeping, 1);            // then look again: a caller that missed the flag has already published
                if (Volatile.Read(ref _generation) == seen) Wake.Wait();
                Interlocked.Exchange(ref _sleeping, 0);
                clock.Restart();
            }
            seen = Volatile.Read(ref _generation);
            try { _work!(1); }
            catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
            Interlocked.Exchange(ref _finished, seen);
        }
    }
}
