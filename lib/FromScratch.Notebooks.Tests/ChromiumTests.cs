using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>The runner's HTML pages, opened in headless Chromium with no network: every chart must have drawn its traces.</summary>
public sealed partial class ChromiumTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public async Task Runner_page_draws_every_chart_offline(string notebook)
    {
        var run = await RunnerRuns.RunAsync(notebook);
        Assert.True(run.ExitCode == 0, $"the runner failed for {notebook}, so its page is incomplete:\n{run.Tail()}");
        var page = Path.Combine(Repo.OutDir, notebook + ".html");
        var html = File.ReadAllText(page);
        int expected = ChartDiv().Matches(html).Count;
        Assert.True(Regex.Matches(html, "data-fromscratch-plotly=").Count <= 1, "plotly.js must be included at most once per page");

        var dom = await Chromium("--dump-dom", page, height: 1000);
        var status = Regex.Match(dom, "data-charts-rendered=\"(\\d+)/(\\d+)\"");
        Assert.True(status.Success, $"the page's check script did not run:\n{Excerpt(dom)}");
        Assert.True(expected == int.Parse(status.Groups[2].Value), $"{expected} chart(s) in the page, the browser saw {status.Value}:\n{Excerpt(dom)}");
        Assert.True(status.Groups[1].Value == status.Groups[2].Value, $"only {status.Groups[1].Value} of {expected} chart(s) drew in {notebook}.html");

        // Each chart's SVG must hold its data traces: scatter lines, bars, contour fills, heatmap images.
        var segments = ChartDiv().Split(dom).Skip(1).ToList();
        Assert.Equal(expected, segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            var declared = int.Parse(Regex.Match(segments[i], "data-traces=\"(\\d+)\"").Groups[1].Value);
            int drawn = TraceGroup().Matches(segments[i]).Count;
            Assert.True(drawn >= declared, $"{notebook} chart {i + 1}: {drawn} of {declared} trace(s) in its SVG");
        }

        // The whole page: its height as the browser laid it out at this width (capped; Chromium's limit is 16384).
        var measured = Regex.Match(dom, "data-page-height=\"(\\d+)\"");
        var height = Math.Min(16000, measured.Success ? int.Parse(measured.Groups[1].Value) + 40 : 800 + 560 * expected + 60 * Regex.Matches(html, "class=\"cell ").Count);
        var png = Path.Combine(Repo.OutDir, notebook + ".png");
        await Chromium($"--screenshot={png}", page, height);
        Assert.True(new FileInfo(png).Length > 10_000, "screenshot written");
        output.WriteLine($"{notebook}: {expected} chart(s) drawn; screenshot {png}");
    }

    private static string Excerpt(string dom) => dom.Length <= 3000 ? dom : dom[..1500] + "\n…\n" + dom[^1500..];

    /// <summary>Writes <paramref name="html"/> to a temporary page, opens it in Chromium and returns the DOM after its scripts ran.</summary>
    internal static async Task<string> DumpDomOfPage(string html, int height)
    {
        var dir = Directory.CreateTempSubdirectory("fromscratch-page-");
        try
        {
            var file = Path.Combine(dir.FullName, "page.html");
            File.WriteAllText(file, html);
            return await Chromium("--dump-dom", file, height);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    internal static async Task<string> Chromium(string action, string page, int height)
    {
        var profile = Directory.CreateTempSubdirectory("fromscratch-chromium-");
        try
        {
            var binary = Environment.GetEnvironmentVariable("CHROMIUM") ?? "chromium";
            ProcessResult result;
            try
            {
                result = await ChildProcess.RunAsync(binary,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                    "--disable-extensions", "--disable-sync", "--hide-scrollbars", "--mute-audio",
                    $"--user-data-dir={profile.FullName}", "--virtual-time-budget=30000", $"--window-size=1100,{height}",
                    action, new Uri(page).AbsoluteUri,
                ], Repo.Root, TimeSpan.FromMinutes(2));
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"'{binary}' not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM.", e);
            }
            Assert.True(result.Leaked.Count == 0, $"chromium left processes running (now killed): {string.Join("; ", result.Leaked)}");
            Assert.True(result.ExitCode == 0, $"chromium exited {result.ExitCode}:\n{result.Tail()}");
            return result.Output;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }

    // Plotly adds its own classes to the div after drawing ("fromscratch-chart js-plotly-plot").
    [GeneratedRegex("<div id=\"fromscratch-chart-[^\"]+\" class=\"fromscratch-chart[\" ]")]
    private static partial Regex ChartDiv();

    [GeneratedRegex("class=\"(trace scatter[^\"]*|trace bars|hm|contour)\"")]
    private static partial Regex TraceGroup();
}
