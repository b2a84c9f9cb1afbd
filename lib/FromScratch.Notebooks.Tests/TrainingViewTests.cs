using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FromScratch.Charts;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The live training view: its HTML, its chart, its throttled redraws, and a browser that replaces it in place.</summary>
public sealed class TrainingViewTests
{
    private sealed class FakeClock : TimeProvider
    {
        private long ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => ticks;
        public void Advance(double seconds) => ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    /// <summary>A view fed like the trainers feed it: a step per iteration, an evaluation every 600.</summary>
    private static TrainingView Run(int iterations, int upTo, FakeClock clock, Action? onRedraw = null)
    {
        var view = new TrainingView(iterations, "Training <test>", time: clock);
        if (onRedraw is not null) view.Redraw += onRedraw;
        for (int i = 0; i < upTo; i++)
        {
            clock.Advance(0.001);
            view.OnStep(i, 2.3 * Math.Exp(-i / 300.0));
            if (i % 600 == 0) view.OnEpoch(new EpochResult(i / 600, i, 0.1 + i / 20000.0, 0.1 + i / 21000.0, TimeSpan.FromMilliseconds(i)));
        }
        return view;
    }

    [Fact]
    public void Html_has_the_bar_the_status_line_and_a_chart_of_loss_and_accuracies()
    {
        var view = Run(10_000, 3_600, new FakeClock());
        var html = view.ToHtml();
        Assert.Contains("class=\"fromscratch-training-view\" data-state=\"running\" data-iteration=\"3600\" data-iterations=\"10000\"", html);
        Assert.Contains("Training &lt;test&gt;", html);                  // the title is encoded
        Assert.Contains("aria-valuenow=\"3600\"", html);
        Assert.Contains("width:36.0%", html);
        Assert.Matches(@"iteration 3600/10000 \(36%\) &#183; 3\.6 s, ~6\.4 s left &#183; loss 0\.\d{4} &#183; train acc 0\.2500 &#183; test acc 0\.2429 \(epoch 5\)", html);
        Assert.Single(Regex.Matches(html, "class=\"fromscratch-chart\""));

        var data = view.Chart().Figure["data"]!.AsArray();
        Assert.Equal(["loss (손실), mean of 25 steps", "train accuracy", "test accuracy"], data.Select(t => (string?)t!["name"]));
        Assert.Equal(144, data[0]!["x"]!.AsArray().Count);                  // 3,600 steps in buckets of 25
        Assert.Equal(24, (int)data[0]!["x"]![0]!);
        Assert.Equal([0, 600, 1200, 1800, 2400, 3000], data[2]!["x"]!.AsArray().Select(v => (int)v!));
        Assert.Equal("y2", (string?)data[1]!["yaxis"]);
        Assert.Equal(10_000, (int)view.Chart().Figure["layout"]!["xaxis"]!["range"]![1]!);   // the x axis spans the whole run from the start
        Assert.Matches(@"^Training <test>: iteration 3600/10000", view.ToString());
    }

    [Fact]
    public void Redraws_are_throttled_and_the_final_view_says_done_or_why_it_stopped()
    {
        var clock = new FakeClock();
        int redraws = 0;
        var view = Run(10_000, 10_000, clock, () => redraws++);
        // 10 s at 1 ms per step, a redraw at most every 0.5 s: about 20, plus 17 epochs and the end; never one per step.
        Assert.InRange(redraws, 17 + 1, 17 + 1 + 20);
        Assert.Contains("data-state=\"done\"", view.ToHtml());
        Assert.Contains("background:#1a7f37", view.ToHtml());
        Assert.StartsWith("Training <test>: done: iteration 10000/10000 (100%) · 10.0 s", view.ToString());

        var stopped = Run(10_000, 50, new FakeClock());
        stopped.Stop("Training diverged at iteration 49: the loss is NaN. <try 0.1>");
        var html = stopped.ToHtml();
        Assert.Contains("data-state=\"stopped\"", html);
        Assert.Contains("Training diverged at iteration 49: the loss is NaN. &lt;try 0.1&gt;", html);
        Assert.Contains("background:#cf222e", html);
    }

    /// <summary>
    /// What a notebook front end does with an updated output: it replaces the output's HTML (and runs its scripts) each time.
    /// After several replacements the page holds one view whose chart drew the final data.
    /// </summary>
    [Fact]
    public async Task A_view_replaced_in_place_redraws_its_chart_each_time()
    {
        var clock = new FakeClock();
        var versions = new[] { 0, 1, 700, 1_500 }.Select(n => Run(1_500, n, clock).ToHtml()).ToList();
        var page = $$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
            <div id="output"></div>
            <script>
            var versions = {{JsonSerializer.Serialize(versions).Replace("</", "<\\/")}};
            var output = document.getElementById("output");
            function show(html) { output.replaceChildren(document.createRange().createContextualFragment(html)); }   // runs the output's scripts
            show(versions[0]);
            </script>
            {{PlotlyJs.LoaderHtml()}}
            <script>
            var next = 1;
            (function update() {
              if (next < versions.length) { show(versions[next++]); setTimeout(update, 50); return; }
              (function check() {
                var charts = document.querySelectorAll(".fromscratch-chart");
                var drawn = document.querySelectorAll(".fromscratch-chart[data-rendered=true]").length;
                document.body.setAttribute("data-charts-rendered", drawn + "/" + charts.length);
                if (drawn < charts.length) setTimeout(check, 100);
              })();
            })();
            </script>
            </body></html>
            """;
        var dom = await ChromiumTests.DumpDomOfPage(page, height: 900);
        Assert.Contains("data-charts-rendered=\"1/1\"", dom);
        Assert.Single(Regex.Matches(dom, "class=\"fromscratch-training-view\""));
        Assert.Contains("data-state=\"done\" data-iteration=\"1500\"", dom);
        Assert.Equal(3, Regex.Matches(dom, "class=\"trace scatter").Count);   // loss, train and test accuracy drawn
    }
}
