using System.Globalization;

namespace FromScratch;

/// <summary>Why <see cref="TrainingProgress.Refresh"/> was raised.</summary>
public enum RefreshReason
{
    /// <summary>Steps went by and the refresh interval has passed since the last refresh.</summary>
    Steps,
    /// <summary>A new evaluation (에폭, epoch) arrived (also when it is the last iteration's, after <see cref="Finished"/>).</summary>
    Epoch,
    /// <summary>The last iteration is done, or <see cref="TrainingProgress.Finish"/> was called.</summary>
    Finished,
    /// <summary>Training stopped early (<see cref="TrainingProgress.Stop"/>), e.g. because it diverged.</summary>
    Stopped,
}

/// <summary>
/// The state of a running training loop, fed by the trainers' callbacks (<c>onStep: progress.OnStep, onEpoch: progress.OnEpoch</c>):
/// iteration i of N, elapsed time, the latest loss and accuracies, and a loss curve averaged over buckets of steps.
/// It raises <see cref="Refresh"/> at most once per <see cref="RefreshInterval"/> while steps go by, and at every epoch and at
/// the end, so that whoever redraws a progress display (a notebook output, a console line) does not slow the loop down.
/// </summary>
/// <remarks>The clock starts when the object is created: create it just before training.</remarks>
public sealed class TrainingProgress
{
    /// <summary>The loss curve keeps at most about this many points, whatever the number of iterations.</summary>
    public const int MaxLossPoints = 400;

    private readonly TimeProvider time;
    private readonly long start;
    private long lastRefresh;
    private readonly List<(int Iteration, double Loss)> lossCurve = [];
    private readonly List<EpochResult> epochs = [];
    private double bucketSum;
    private int bucketCount;
    private long? stoppedAt;
    private long firstStepDone;

    /// <param name="iterations">How many iterations the training will run (<see cref="TrainingOptions.Iterations"/>).</param>
    /// <param name="refreshInterval">The least time between two <see cref="RefreshReason.Steps"/> refreshes; 0.5 s when omitted.</param>
    /// <param name="time">The clock; the system clock when omitted (tests pass a fake one).</param>
    public TrainingProgress(int iterations, TimeSpan? refreshInterval = null, TimeProvider? time = null)
    {
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), $"iterations must be at least 1; got {iterations}.");
        RefreshInterval = refreshInterval ?? TimeSpan.FromSeconds(0.5);
        if (RefreshInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(refreshInterval), $"refreshInterval must not be negative; got {RefreshInterval}.");
        Iterations = iterations;
        this.time = time ?? TimeProvider.System;
        start = lastRefresh = this.time.GetTimestamp();
        LossBucket = Math.Max(1, (iterations + MaxLossPoints - 1) / MaxLossPoints);
    }

    /// <summary>Raised (on the training thread) when a progress display should redraw.</summary>
    public event Action<RefreshReason>? Refresh;

    /// <summary>How many iterations the training runs in all.</summary>
    public int Iterations { get; }

    /// <summary>The least time between two refreshes while steps go by.</summary>
    public TimeSpan RefreshInterval { get; }

    /// <summary>How many steps each point of <see cref="LossCurve"/> averages (1 for up to <see cref="MaxLossPoints"/> iterations).</summary>
    public int LossBucket { get; }

    /// <summary>How many steps are done.</summary>
    public int Completed { get; private set; }

    /// <summary>The latest batch loss, or <see langword="null"/> before the first step.</summary>
    public double? LastLoss { get; private set; }

    /// <summary>The loss averaged over each <see cref="LossBucket"/> steps; x is the last iteration of the bucket.</summary>
    public IReadOnlyList<(int Iteration, double Loss)> LossCurve => lossCurve;

    /// <summary>Every evaluation so far.</summary>
    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>The latest evaluation, or <see langword="null"/> before the first.</summary>
    public EpochResult? LastEpoch => epochs.Count > 0 ? epochs[^1] : null;

    /// <summary>All iterations are done (or <see cref="Finish"/> was called).</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Why training stopped early (the exception's message), or <see langword="null"/>.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Time since this object was created, frozen when training finishes or stops.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(start, stoppedAt ?? time.GetTimestamp());

    /// <summary>
    /// The time the remaining iterations should take at the pace since the first step (so one-off set-up work before it does
    /// not count), or <see langword="null"/> while fewer than max(10, 1% of the iterations) steps give a pace, and after the end.
    /// </summary>
    public TimeSpan? Remaining
    {
        get
        {
            int paced = Completed - 1;
            if (IsFinished || StopReason is not null || paced < Math.Max(10, Iterations / 100)) return null;
            return time.GetElapsedTime(firstStepDone) * ((double)(Iterations - Completed) / paced);
        }
    }

    /// <summary>Completed / Iterations, 0..1.</summary>
    public double Fraction => (double)Completed / Iterations;

    /// <summary>Call after each step (the trainers' <c>onStep</c>).</summary>
    public void OnStep(int iteration, double loss)
    {
        if (iteration < 0 || iteration >= Iterations)
            throw new ArgumentOutOfRangeException(nameof(iteration), $"iteration must be in 0..{Iterations - 1}; got {iteration}.");
        Completed = iteration + 1;
        if (Completed == 1) firstStepDone = time.GetTimestamp();
        LastLoss = loss;
        bucketSum += loss;
        bucketCount++;
        if (bucketCount == LossBucket || Completed == Iterations) FlushBucket(iteration);
        if (Completed == Iterations)
        {
            Finish();
            return;
        }
        long now = time.GetTimestamp();
        if (time.GetElapsedTime(lastRefresh, now) >= RefreshInterval)
        {
            lastRefresh = now;
            Refresh?.Invoke(RefreshReason.Steps);
        }
    }

    /// <summary>Call after each evaluation (the trainers' <c>onEpoch</c>).</summary>
    public void OnEpoch(EpochResult epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        epochs.Add(epoch);
        lastRefresh = time.GetTimestamp();
        Refresh?.Invoke(RefreshReason.Epoch);
    }

    /// <summary>Marks the training as done (the last <see cref="OnStep"/> does this by itself) and raises a final refresh.</summary>
    public void Finish()
    {
        if (IsFinished || StopReason is not null) return;
        if (bucketCount > 0) FlushBucket(Completed - 1);
        IsFinished = true;
        stoppedAt = time.GetTimestamp();
        Refresh?.Invoke(RefreshReason.Finished);
    }

    /// <summary>Marks the training as stopped early, e.g. with a <see cref="TrainingDivergedException"/>'s message, and raises a final refresh.</summary>
    public void Stop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (IsFinished || StopReason is not null) return;
        if (bucketCount > 0) FlushBucket(Completed - 1);
        StopReason = reason;
        stoppedAt = time.GetTimestamp();
        Refresh?.Invoke(RefreshReason.Stopped);
    }

    /// <summary>
    /// One line with everything so far, e.g.
    /// <c>iteration 3600/10000 (36%) · 2.1 s, ~3.7 s left · loss 0.3120 · train acc 0.9120 · test acc 0.9150 (epoch 6)</c>.
    /// </summary>
    public string StatusLine()
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>
        {
            string.Create(c, $"iteration {Completed}/{Iterations} ({Fraction:0%})"),
            Remaining is { } left
                ? string.Create(c, $"{Seconds(Elapsed)}, ~{Seconds(left)} left")
                : Seconds(Elapsed),
        };
        if (LastLoss is { } loss) parts.Add(string.Create(c, $"loss {loss:0.0000}"));
        if (LastEpoch is { } e) parts.Add(string.Create(c, $"train acc {e.TrainAccuracy:0.0000} · test acc {e.TestAccuracy:0.0000} (epoch {e.Epoch})"));
        var line = string.Join(" · ", parts);
        if (StopReason is not null) return "stopped: " + line;
        return IsFinished ? "done: " + line : line;
    }

    /// <inheritdoc />
    public override string ToString() => StatusLine();

    internal static string Seconds(TimeSpan t) =>
        t.TotalSeconds < 60
            ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
            : $"{(int)t.TotalMinutes} min {t.Seconds:00} s";

    private void FlushBucket(int iteration)
    {
        lossCurve.Add((iteration, bucketSum / bucketCount));
        bucketSum = 0;
        bucketCount = 0;
    }
}

/// <summary>
/// A console progress display for <see cref="TrainingProgress"/>: on an interactive console one line rewritten in place
/// (<c>\r</c>) with a bar; when the output is redirected (a log file, CI) a plain line per epoch and one at the end.
/// </summary>
internal sealed class ConsoleProgress
{
    private readonly TrainingProgress progress;
    private readonly TextWriter writer;
    private int lastLength;

    /// <param name="progress">The progress to show.</param>
    /// <param name="writer">Where to write; <see cref="Console.Out"/> when omitted.</param>
    /// <param name="interactive">Rewrite one line in place; by default, when the console output is not redirected.</param>
    /// <param name="width">The terminal's width in columns; by default the console's (80 when it cannot tell), unlimited for a given writer.</param>
    public ConsoleProgress(TrainingProgress progress, TextWriter? writer = null, bool? interactive = null, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(progress);
        this.progress = progress;
        this.writer = writer ?? Console.Out;
        Interactive = interactive ?? !Console.IsOutputRedirected;
        Width = Math.Max(20, width ?? (writer is null ? ConsoleWidth() : int.MaxValue));
        progress.Refresh += OnRefresh;
    }

    /// <summary>Whether the line is rewritten in place.</summary>
    public bool Interactive { get; }

    /// <summary>
    /// The terminal's width. The rewritten line stays shorter than this: a line that wrapped could not be rewritten with
    /// <c>\r</c>, and every redraw would add a line.
    /// </summary>
    public int Width { get; }

    /// <summary>A text bar, e.g. <c>[########------------]</c> for 40% with width 20.</summary>
    public static string Bar(double fraction, int width = 20)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('-', width - filled) + "]";
    }

    private void OnRefresh(RefreshReason reason)
    {
        bool ended = progress.IsFinished || progress.StopReason is not null;
        if (Interactive)
        {
            // The tutorial's line per epoch stays on screen; the progress line below it is rewritten in place.
            if (reason is RefreshReason.Epoch) WriteOver(EpochLine(), newLine: true);
            WriteOver(Fit(Bar(progress.Fraction), progress.StatusLine()), newLine: ended);
            writer.Flush();
        }
        else if (reason is RefreshReason.Epoch)
        {
            writer.WriteLine(EpochLine());
        }
        else if (reason is RefreshReason.Finished or RefreshReason.Stopped)
        {
            writer.WriteLine(progress.StatusLine());
        }
    }

    /// <summary>The tutorial's line (<see cref="EpochResult.ToString"/>) with where and when it was measured.</summary>
    private string EpochLine()
    {
        var e = progress.LastEpoch!;
        return string.Create(CultureInfo.InvariantCulture,
            $"{e}   (epoch {e.Epoch}, iteration {e.Iteration}/{progress.Iterations}, {TrainingProgress.Seconds(e.Elapsed)})");
    }

    /// <summary>
    /// The bar and the status in <see cref="Width"/> − 1 columns: the status's last parts (accuracies, loss) go first,
    /// then the bar; what still does not fit is cut.
    /// </summary>
    private string Fit(string bar, string status)
    {
        int room = Width - 1;
        var parts = status.Split(" · ");
        for (int keep = parts.Length; keep >= 1; keep--)
        {
            var line = bar + " " + string.Join(" · ", parts[..keep]);
            if (line.Length <= room) return line;
        }
        return status.Length <= room ? status : status[..(room - 1)] + "…";
    }

    private static int ConsoleWidth()
    {
        try
        {
            return Console.IsOutputRedirected || Console.WindowWidth <= 0 ? 80 : Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private void WriteOver(string line, bool newLine)
    {
        // Pad with spaces to wipe the rest of a longer previous line.
        writer.Write("\r" + line.PadRight(lastLength));
        lastLength = newLine ? 0 : line.Length;
        if (newLine) writer.WriteLine();
    }
}
