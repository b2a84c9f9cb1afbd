namespace FromScratch.Tests;

/// <summary>A clock that only moves when the test says so.</summary>
internal sealed class FakeClock : TimeProvider
{
    private long ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => ticks;
    public void Advance(double seconds) => ticks += (long)(seconds * TimeSpan.TicksPerSecond);
}

public sealed class TrainingProgressTests
{
    private static EpochResult Epoch(int epoch, int iteration, double train, double test, double seconds = 0) =>
        new(epoch, iteration, train, test, TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Steps_refresh_at_most_once_per_interval_but_every_epoch_and_the_end_refresh()
    {
        var clock = new FakeClock();
        var progress = new TrainingProgress(100, TimeSpan.FromSeconds(0.5), clock);
        var reasons = new List<RefreshReason>();
        progress.Refresh += reasons.Add;

        for (int i = 0; i < 10; i++)
        {
            clock.Advance(0.1);
            progress.OnStep(i, 2.0);
        }
        // 1.0 s in steps of 0.1 s with a 0.5 s interval: refreshes at 0.5 s and 1.0 s only.
        Assert.Equal([RefreshReason.Steps, RefreshReason.Steps], reasons);

        progress.OnEpoch(Epoch(0, 9, 0.1, 0.1));   // an epoch always refreshes …
        clock.Advance(0.3);
        progress.OnStep(10, 1.9);                   // … and restarts the interval: 0.3 s later, no refresh yet
        Assert.Equal(3, reasons.Count);
        Assert.Equal(RefreshReason.Epoch, reasons[^1]);

        for (int i = 11; i < 100; i++) progress.OnStep(i, 1.0);   // the clock does not move: only the last step refreshes
        Assert.Equal(RefreshReason.Finished, reasons[^1]);
        Assert.Equal(4, reasons.Count);
        Assert.True(progress.IsFinished);
        Assert.Equal(100, progress.Completed);
    }

    [Fact]
    public void The_loss_curve_averages_buckets_so_it_stays_small()
    {
        var progress = new TrainingProgress(10_000, time: new FakeClock());
        Assert.Equal(25, progress.LossBucket);   // 10,000 / 400
        for (int i = 0; i < 10_000; i++) progress.OnStep(i, i % 25);   // each bucket holds 0..24, mean 12
        Assert.Equal(400, progress.LossCurve.Count);
        Assert.Equal((24, 12.0), progress.LossCurve[0]);
        Assert.Equal((9_999, 12.0), progress.LossCurve[^1]);

        var small = new TrainingProgress(7, time: new FakeClock());
        for (int i = 0; i < 7; i++) small.OnStep(i, i);
        Assert.Equal(1, small.LossBucket);
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6], small.LossCurve.Select(p => p.Loss));
    }

    [Fact]
    public void A_partial_bucket_is_kept_when_training_stops_early()
    {
        var progress = new TrainingProgress(1_000, time: new FakeClock());   // buckets of 3
        for (int i = 0; i < 5; i++) progress.OnStep(i, 1.0 + i);
        progress.Stop("Training diverged at iteration 4: boom.");
        Assert.Equal([(2, 2.0), (4, 4.5)], progress.LossCurve);
        Assert.Equal("Training diverged at iteration 4: boom.", progress.StopReason);
        Assert.False(progress.IsFinished);
        Assert.StartsWith("stopped: iteration 5/1000 ", progress.StatusLine());
    }

    [Fact]
    public void Status_line_shows_iteration_time_left_loss_and_accuracies()
    {
        var clock = new FakeClock();
        var progress = new TrainingProgress(10_000, time: clock);
        Assert.Equal("iteration 0/10000 (0%) · 0.0 s", progress.StatusLine());
        clock.Advance(0.5);   // set-up before the first step: not part of the pace
        for (int i = 0; i < 3600; i++)
        {
            clock.Advance(0.001);
            progress.OnStep(i, 0.3120);
            if (i == 50) Assert.Null(progress.Remaining);   // fewer than 100 steps (1%) give no pace yet
        }
        progress.OnEpoch(Epoch(6, 3599, 0.912, 0.915));
        Assert.Equal("iteration 3600/10000 (36%) · 4.1 s, ~6.4 s left · loss 0.3120 · train acc 0.9120 · test acc 0.9150 (epoch 6)",
            progress.StatusLine());
        for (int i = 3600; i < 10_000; i++)
        {
            clock.Advance(0.001);
            progress.OnStep(i, 0.25);
        }
        clock.Advance(5);   // frozen once finished
        Assert.Equal("done: iteration 10000/10000 (100%) · 10.5 s · loss 0.2500 · train acc 0.9120 · test acc 0.9150 (epoch 6)",
            progress.StatusLine());
        Assert.Null(progress.Remaining);
    }

    [Fact]
    public void Bad_arguments_name_the_value()
    {
        Assert.Contains("got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingProgress(0)).Message);
        var progress = new TrainingProgress(10);
        Assert.Contains("0..9; got 10", Assert.Throws<ArgumentOutOfRangeException>(() => progress.OnStep(10, 1)).Message);
    }

    [Fact]
    public void Redirected_console_gets_the_tutorial_line_per_epoch_and_a_final_line()
    {
        var clock = new FakeClock();
        var progress = new TrainingProgress(1_201, time: clock);
        var writer = new StringWriter { NewLine = "\n" };
        var console = new ConsoleProgress(progress, writer, interactive: false);
        Assert.False(console.Interactive);
        for (int i = 0; i < 1_201; i++)
        {
            clock.Advance(0.01);
            progress.OnStep(i, 0.5);
            if (i % 600 == 0) progress.OnEpoch(Epoch(i / 600, i, 0.1 + i / 1500.0, 0.1 + i / 1600.0, clock.GetElapsedTime(0).TotalSeconds));
        }
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "Train Accuracy : 0.1000  Test Accuracy : 0.1000   (epoch 0, iteration 0/1201, 0.0 s)",
            "Train Accuracy : 0.5000  Test Accuracy : 0.4750   (epoch 1, iteration 600/1201, 6.0 s)",
            "done: iteration 1201/1201 (100%) · 12.0 s · loss 0.5000 · train acc 0.5000 · test acc 0.4750 (epoch 1)",
            "Train Accuracy : 0.9000  Test Accuracy : 0.8500   (epoch 2, iteration 1200/1201, 12.0 s)",
        ], lines);
        Assert.DoesNotContain('\r', writer.ToString());
    }

    [Fact]
    public void Interactive_console_rewrites_one_line_with_a_bar()
    {
        var clock = new FakeClock();
        var progress = new TrainingProgress(10, TimeSpan.FromSeconds(1), clock);
        var writer = new StringWriter { NewLine = "\n" };
        _ = new ConsoleProgress(progress, writer, interactive: true);
        for (int i = 0; i < 10; i++)
        {
            clock.Advance(0.5);
            progress.OnStep(i, 1.0);
            if (i == 0) progress.OnEpoch(Epoch(0, 0, 0.1, 0.2));
        }
        var text = writer.ToString();
        Assert.StartsWith("\rTrain Accuracy : 0.1000  Test Accuracy : 0.2000   (epoch 0, iteration 0/10, 0.0 s)\n", text);
        // The epoch line stays; the progress line after it is rewritten with \r and padded over the previous one.
        var rewrites = text.Split('\n')[1].Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("[##------------------] iteration 1/10 (10%)", rewrites[0]);
        Assert.StartsWith("[######--------------] iteration 3/10 (30%)", rewrites[1]);   // 1 s after the epoch
        Assert.StartsWith("[####################] done: iteration 10/10 (100%) · 5.0 s", rewrites[^1]);
        Assert.True(rewrites.Skip(1).All(r => r.Length >= rewrites[0].TrimEnd().Length));
        Assert.EndsWith("\n", text);
        Assert.Equal("[##########----------]", ConsoleProgress.Bar(0.5));
        Assert.Equal("[----]", ConsoleProgress.Bar(-1, 4));
    }
}
