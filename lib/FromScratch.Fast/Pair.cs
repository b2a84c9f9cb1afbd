using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace FromScratch.Fast;

/// <summary>
/// Runs a small piece of work in two halves at once: half 0 on the calling thread, half 1 on one helper thread that
/// stays awake briefly between calls. A training step of the fast path takes tens of microseconds, too short for a
/// thread-pool round trip each time; the helper spins for up to <see cref="SpinTime"/> waiting for the next half,
/// then sleeps until it is asked again. When the helper has not started half 1 by the time half 0 is done (a busy machine
/// left it without a core), the caller takes half 1 back and runs it itself: a step never waits for a thread that is not running.
/// </summary>
/// <remarks>
/// One pair of halves runs at a time in the whole process; a call made while another runs does both halves itself.
/// <para>Everything that runs the halves — this class, the chooser, the callers' methods and the lambdas they pass — is marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/>. Otherwise .NET first runs them as tier-0 code that counts calls and
/// branches for profile-guided optimisation, and the two cores increment the same counters: every increment moves a cache
/// line between the cores. In a fresh process the fast path's steps on two cores were then slower than on one for the first
/// ~4,500 steps (measured: 80–165 µs against 75–80 µs per step and loss), until the final code replaced the counting code.</para>
/// </remarks>
internal static class Pair
{
    /// <summary>How long the helper keeps spinning for the next call before it sleeps.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(1);

    /// <summary>Whether there is a second core to use.</summary>
    public static bool Available { get; } = Environment.ProcessorCount > 1;

    private static int _busy;                                // 1 while a pair runs (not re-entrant, unlike a lock)
    private static readonly ManualResetEventSlim Wake = new(false, spinCount: 1);
    private static Action<int>? _work;                       // one phase, or
    private static Action<int>[]? _phases;                   // several, each started when both halves of the one before are done
    private static int _generation, _claimed, _finished, _sleeping;   // written with Interlocked (full fences), read with Volatile
    private static long _callerDone, _helperDone;            // generation·64 + phases done, for the barriers between phases
    private static ExceptionDispatchInfo? _failure, _callerFailure;
    private static Thread? _helper;

    /// <summary>Runs <c>work(0)</c> here and <c>work(1)</c> on the helper; returns when both are done (rethrows the first failure).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    public static void Run(Action<int> work)
    {
        if (!Available || Interlocked.CompareExchange(ref _busy, 1, 0) != 0) { work(0); work(1); return; }
        Start(work, null);
    }

    /// <summary>
    /// Runs the phases in order, each in two halves at once (<c>phase(0)</c> here, <c>phase(1)</c> on the helper): a phase
    /// starts on either core only when both halves of the phase before it are done, so a half may read what the other half
    /// of an earlier phase wrote. One handoff to the helper for all of them. When the helper has not started by the time
    /// half 0 of the first phase is done, every half runs here, in the same order. Rethrows the first failure; after a
    /// failure no later phase starts. At most 63 phases; the array is not copied (pass one made once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    public static void Run(Action<int>[] phases)
    {
        if (phases.Length is 0 or > 63) throw new ArgumentException($"Between 1 and 63 phases; got {phases.Length}.", nameof(phases));
        if (!Available || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            foreach (var phase in phases) { phase(0); phase(1); }
            return;
        }
        Start(null, phases);
    }

    /// <summary>The two-core run, with <see cref="_busy"/> taken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private static void Start(Action<int>? work, Action<int>[]? phases)
    {
        try
        {
            _helper ??= StartHelper();
            (_failure, _callerFailure) = (null, null);
            (_work, _phases) = (work, phases);
            int generation = _generation + 1;
            Interlocked.Exchange(ref _generation, generation);     // publishes the work to the helper
            if (Volatile.Read(ref _sleeping) == 1) Wake.Set();
            var first = work ?? phases![0];
            ExceptionDispatchInfo? mine = null;
            try { first(0); }
            catch (Exception e) { mine = ExceptionDispatchInfo.Capture(e); }
            if (Claim(generation))
            {   // the helper has not started: everything here, in order
                try
                {
                    if (mine is null) first(1);
                    for (int k = 1; mine is null && phases is not null && k < phases.Length; k++) { phases[k](0); phases[k](1); }
                }
                catch (Exception e) { mine = ExceptionDispatchInfo.Capture(e); }
            }
            else
            {
                var spin = new SpinWait();
                long at = (long)generation * 64;
                for (int k = 1; phases is not null && k < phases.Length; k++)
                {   // barrier: this half of phase k − 1 is done; wait for the helper's, then run this half of phase k
                    if (mine is not null) _callerFailure = mine;
                    Interlocked.Exchange(ref _callerDone, at + k);
                    while (Volatile.Read(ref _helperDone) < at + k) spin.SpinOnce(sleep1Threshold: -1);
                    if (mine is not null || Volatile.Read(ref _failure) is not null) break;
                    try { phases[k](0); }
                    catch (Exception e) { mine = ExceptionDispatchInfo.Capture(e); }
                }
                if (mine is not null) _callerFailure = mine;
                Interlocked.Exchange(ref _callerDone, at + 63);           // the helper may stop waiting for any later phase
                while (Volatile.Read(ref _finished) != generation) spin.SpinOnce(sleep1Threshold: -1);
            }
            (_work, _phases) = (null, null);
            (mine ?? _failure)?.Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Takes half 1 of <paramref name="generation"/>: true for exactly one of the caller and the helper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    private static bool Claim(int generation) => Interlocked.CompareExchange(ref _claimed, generation, generation - 1) == generation - 1;

    private static Thread StartHelper()
    {
        var t = new Thread(HelperLoop) { IsBackground = true, Name = "FromScratch.Fast.Pair" };
        t.Start();
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
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
            if (!Claim(seen)) continue;                              // the caller ran half 1 itself
            var phases = _phases;
            try { (_work ?? phases![0])(1); }
            catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
            long at = (long)seen * 64;
            var spin = new SpinWait();
            for (int k = 1; phases is not null && k < phases.Length; k++)
            {   // barrier: this half of phase k − 1 is done; wait for the caller's, then run this half of phase k
                Interlocked.Exchange(ref _helperDone, at + k);
                while (Volatile.Read(ref _callerDone) < at + k) spin.SpinOnce(sleep1Threshold: -1);
                if (_failure is not null || Volatile.Read(ref _callerFailure) is not null) break;
                try { phases[k](1); }
                catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
            }
            Interlocked.Exchange(ref _helperDone, at + 63);
            Interlocked.Exchange(ref _finished, seen);
        }
    }
}

/// <summary>
/// Chooses between one core and <see cref="Pair"/> by measuring both, again and again: in every round of
/// <see cref="Round"/> calls the first <see cref="Trials"/> alternate between the two, and the rest use the faster.
/// The rest are watched too, <see cref="Window"/> calls at a time: when the chosen way's mean becomes more than
/// <see cref="Slack"/> times the other way's trial mean (another process took the helper's core, so two-core calls wait for
/// it), a new round starts at once instead of at the round's end. A busy machine thus falls back to one core within a few
/// dozen calls; an idle one uses two. Both ways compute the same numbers, so the choice changes only the time.
/// </summary>
internal sealed class PairChooser
{
    public const int Round = 512, Trials = 16, Window = 16;

    /// <summary>How much slower than the other way's trials the chosen way may get before both are measured again.</summary>
    public const double Slack = 1.5;

    private int _call;
    private long _one, _two, _window;
    private double _otherMean;
    private bool _useTwo = true;

    /// <summary>Whether the next call should use two cores.</summary>
    public bool UseTwo
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
        get => _call % Round < Trials ? (_call & 1) == 1 : _useTwo;
    }

    /// <summary>Records how long the call took (in <see cref="System.Diagnostics.Stopwatch"/> ticks) with the choice it made.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call, never instrumented: see Pair
    public void Record(bool usedTwo, long ticks)
    {
        int inRound = _call % Round;
        if (inRound < Trials)
        {
            if (usedTwo) _two += ticks; else _one += ticks;
            if (inRound == Trials - 1)
            {
                _useTwo = _two < _one;
                _otherMean = (double)(_useTwo ? _one : _two) / (Trials / 2);
                _one = _two = _window = 0;
            }
        }
        else
        {
            _window += ticks;
            if ((inRound - Trials) % Window == Window - 1)
            {
                if (_window > Window * _otherMean * Slack) _call = _call - inRound + Round - 1;   // the next call starts a new round
                _window = 0;
            }
        }
        _call++;
    }
}
