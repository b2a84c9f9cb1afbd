namespace FromScratch.Tests;

/// <summary>Issue 10 §7: at 80 columns the console trainer's progress stays one self-rewriting line.</summary>
public sealed class ConsoleProgressWidthTests
{
    private sealed class Clock : TimeProvider
    {
        private long _ticks;
        public void Advance(double seconds) => _ticks += (long)(seconds * TimeSpan.TicksPerSecond);
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Theory]
    [InlineData(80)]
    [InlineData(40)]
    public void The_rewritten_line_never_reaches_the_terminal_width(int width)
    {
        var clock = new Clock();
        var progress = new TrainingProgress(10_000, TimeSpan.FromSeconds(0.5), clock);
        var writer = new StringWriter { NewLine = "\n" };
        var console = new ConsoleProgress(progress, writer, interactive: true, width: width);
        Assert.Equal(width, console.Width);
        for (int i = 0; i < 10_000; i++)
        {
            clock.Advance(0.01);
            progress.OnStep(i, 2.3 - i / 5000.0);
            if (i % 600 == 0) progress.OnEpoch(new EpochResult(i / 600, i, 0.9123, 0.9187, clock.GetElapsedTime(0)));
        }
        var text = writer.ToString();
        var lines = text.Split('\n');
        // Every line ends with an epoch line or the final line; the progress line rewritten in between (\r) must fit, or it
        // would wrap and every redraw would leave a line behind.
        var progressSegments = lines.SelectMany(l => l.Split('\r', StringSplitOptions.RemoveEmptyEntries))
            .Where(s => !s.StartsWith("Train Accuracy", StringComparison.Ordinal)).ToList();
        Assert.True(progressSegments.Count > 100, $"expected many redraws, got {progressSegments.Count}");
        var tooLong = progressSegments.Where(s => s.Length >= width).ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} redraw(s) of {width} or more columns, e.g. \"{tooLong.FirstOrDefault()}\" ({tooLong.FirstOrDefault()?.Length})");
        Assert.Equal(17 + 1, lines.Count(l => l.Length > 0)); // 17 epoch lines (0, 600, …, 9600) and the final line
        Assert.Contains(progressSegments, s => s.StartsWith("[####", StringComparison.Ordinal) || width < 60);
    }
}
