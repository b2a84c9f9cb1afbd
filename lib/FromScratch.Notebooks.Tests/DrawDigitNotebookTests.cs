using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>Notebook 08's exported page: both pads work offline, from the weights embedded in the page, with no kernel.</summary>
public sealed class DrawDigitNotebookTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_exported_page_of_08_has_two_working_pads_that_read_a_drawn_1()
    {
        var run = await RunnerRuns.RunAsync("08-draw-digit");
        Assert.True(run.ExitCode == 0, $"the runner failed for 08-draw-digit:\n{run.Tail()}");
        var html = File.ReadAllText(Path.Combine(Repo.OutDir, "08-draw-digit.html"));
        Assert.Equal(2, Regex.Matches(html, "class=\"fromscratch-draw-digit\"").Count);
        Assert.DoesNotMatch("<script[^>]+src=\"https?:", html);   // nothing is fetched from the network

        // Draw a slanted "1" on the MNIST pad with pointer events, as a learner would, after the page's own scripts ran.
        var drawn = html.Replace("</body>", """
            <script>
            (function () {
              var pads = document.querySelectorAll(".fromscratch-draw-digit"), el = pads[0], result = { ready: [] };
              pads.forEach(function (p) { result.ready.push(p.getAttribute("data-ready")); });
              var pad = el.querySelector(".fs-pad"), r = pad.getBoundingClientRect();
              function fire(type, x, y) {
                pad.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 1, pointerType: "mouse", isPrimary: true,
                  buttons: type === "pointerup" ? 0 : 1, clientX: r.left + x * r.width / 280, clientY: r.top + y * r.height / 280 }));
              }
              fire("pointerdown", 150, 40);
              for (var i = 1; i <= 20; i++) { fire("pointermove", 150 - i, 40 + i * 10); }
              fire("pointerup", 130, 240);
              result.prediction = el.getAttribute("data-prediction");
              result.fashionState = pads[1].getAttribute("data-state");
              var pre = document.createElement("pre"); pre.id = "result"; pre.textContent = JSON.stringify(result); document.body.appendChild(pre);
            })();
            </script>
            </body>
            """, StringComparison.Ordinal);
        var dom = await ChromiumTests.DumpDomOfPage(drawn, height: 1200);
        var match = Regex.Match(dom, "<pre id=\"result\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(match.Success, "the test script did not run");
        var json = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement;
        output.WriteLine(json.ToString());
        Assert.Equal(["true", "true"], json.GetProperty("ready").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("1", json.GetProperty("prediction").GetString());
        Assert.Equal("empty", json.GetProperty("fashionState").GetString());
    }
}
