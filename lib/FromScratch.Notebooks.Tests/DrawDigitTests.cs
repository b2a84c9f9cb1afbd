using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FromScratch.Charts;
using FromScratch.Data;
using FromScratch.Fast;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>MNIST and the tutorial's network trained on it with the fast path (seed 1), once for all draw-digit tests.</summary>
public sealed class TrainedMnist
{
    public Dataset<float> Data { get; } = Mnist.Load(normalize: true, flatten: true, oneHotLabel: true);

    public TwoLayerNet<float> Net { get; }

    public TrainedMnist()
    {
        Net = new TwoLayerNet<float>(784, 20, 10, weightInitStd: 0.01, seed: 1);
        FastTrainer.Train(Net, Data, new TrainingOptions(Seed: 1));
    }
}

/// <summary>The draw-a-digit output in headless Chromium: its forward pass, its preprocessing, and pointer strokes read correctly.</summary>
public sealed partial class DrawDigitTests(TrainedMnist mnist, ITestOutputHelper output) : IClassFixture<TrainedMnist>
{
    /// <summary>A page with the pad and a script that runs after it; the script's results land in body attributes and a pre.</summary>
    private static string Page(DrawDigit pad, string script) => $$"""
        <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
        {{pad.ToHtml()}}
        <script>
        (function () {
          var el = document.querySelector(".fromscratch-draw-digit");
          var result = {};
          try {
        {{script}}
          } catch (e) { result.error = String(e && e.stack || e); }
          var pre = document.createElement("pre");
          pre.id = "result";
          pre.textContent = JSON.stringify(result);
          document.body.appendChild(pre);
        })();
        </script>
        </body></html>
        """;

    private static async Task<JsonElement> RunPage(string html)
    {
        var dom = await ChromiumTests.DumpDomOfPage(html, height: 900);
        var match = ResultPre().Match(dom);
        Assert.True(match.Success, $"the page's script wrote no result:\n{(dom.Length > 3000 ? dom[^3000..] : dom)}");
        var json = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement;
        if (json.TryGetProperty("error", out var error)) Assert.Fail("the page's script failed: " + error.GetString());
        return json;
    }

    [Fact]
    public async Task The_pages_forward_pass_equals_Predict_on_1000_MNIST_test_images()
    {
        const int count = 1000;
        var test = mnist.Data.Test;
        var pixels = new byte[count * 784];
        for (int i = 0; i < count; i++) test.RawImages.Pixels.AsSpan(i * 784, 784).CopyTo(pixels.AsSpan(i * 784));
        var html = Page(DrawDigit.Of(mnist.Net), $$"""
            var bytes = atob("{{Convert.ToBase64String(pixels)}}"), x = new Float64Array(784), all = [];
            for (var i = 0; i < {{count}}; i++) {
              for (var j = 0; j < 784; j++) { x[j] = bytes.charCodeAt(i * 784 + j) / 255; }
              all.push(el.fromScratchDigit.predict(x));
            }
            result.probabilities = all;
            """);
        var json = await RunPage(html);
        var js = json.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(count, js.Length);

        var expected = mnist.Net.Predict(test.X.SubMatrix(0, count, 0, 784));
        double maxDelta = 0;
        int argmaxDiffers = 0;
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(10, js[i].Length);
            for (int k = 0; k < 10; k++) maxDelta = Math.Max(maxDelta, Math.Abs(js[i][k] - expected[i, k]));
            int jsBest = Array.IndexOf(js[i], js[i].Max());
            if (jsBest != expected.Row(i).MaximumIndex()) argmaxDiffers++;
        }
        output.WriteLine($"max |JS − Predict| over {count} images × 10 classes = {maxDelta:E2}; argmax differs on {argmaxDiffers}");
        Assert.True(maxDelta <= 1e-5, $"max |JS − Predict| = {maxDelta:E2} > 1e-5");
        Assert.Equal(0, argmaxDiffers);
    }

    /// <summary>JavaScript that draws a stroke through canvas points (280×280 pad coordinates) with pointer events.</summary>
    private const string StrokeFunction = """
        function stroke(points) {
          var pad = el.querySelector(".fs-pad"), r = pad.getBoundingClientRect();
          function fire(type, p) {
            pad.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 1, pointerType: "pen", isPrimary: true,
              buttons: type === "pointerup" ? 0 : 1, clientX: r.left + p[0] * r.width / 280, clientY: r.top + p[1] * r.height / 280 }));
          }
          fire("pointerdown", points[0]);
          for (var i = 1; i < points.length; i++) { fire("pointermove", points[i]); }
          fire("pointerup", points[points.length - 1]);
        }
        function winner() { var w = el.querySelector(".fs-row.winner"); return w ? w.getAttribute("data-class") : null; }
        """;

    [Fact]
    public async Task Pointer_strokes_of_a_1_and_a_0_are_read_as_1_and_0()
    {
        var html = Page(DrawDigit.Of(mnist.Net), StrokeFunction + """
            var one = [];
            for (var i = 0; i <= 20; i++) { one.push([146 - i * 0.6, 45 + i * 9.5]); }   // a slightly slanted vertical line
            stroke(one);
            result.one = el.getAttribute("data-prediction"); result.oneWinner = winner(); result.oneState = el.getAttribute("data-state");
            el.querySelector(".fs-clear").click();
            result.cleared = el.getAttribute("data-state") + "/" + el.getAttribute("data-prediction") + "/" + winner();
            var zero = [];
            for (var k = 0; k <= 48; k++) { var a = 2 * Math.PI * k / 48; zero.push([140 + 62 * Math.sin(a), 140 - 92 * Math.cos(a)]); }
            stroke(zero);
            result.zero = el.getAttribute("data-prediction"); result.zeroWinner = winner();
            result.zeroText = el.querySelector(".fs-answer").textContent;
            """);
        var json = await RunPage(html);
        output.WriteLine(json.ToString());
        Assert.Equal("1", json.GetProperty("one").GetString());
        Assert.Equal("1", json.GetProperty("oneWinner").GetString());
        Assert.Equal("drawn", json.GetProperty("oneState").GetString());
        Assert.Equal("empty//null", json.GetProperty("cleared").GetString());   // Clear empties the pad and the prediction; no bar is the winner
        Assert.Equal("0", json.GetProperty("zero").GetString());
        Assert.Equal("0", json.GetProperty("zeroWinner").GetString());
        Assert.StartsWith("the network reads: 0 (", json.GetProperty("zeroText").GetString());
        output.WriteLine("screenshot " + await Screenshot(html, "draw-digit-0"));
    }

    /// <summary>The page as a PNG in out/ (to look at), after its scripts ran.</summary>
    internal static async Task<string> Screenshot(string html, string name, int height = 520)
    {
        Directory.CreateDirectory(Repo.OutDir);
        var png = Path.Combine(Repo.OutDir, name + ".png");
        var dir = Directory.CreateTempSubdirectory("fromscratch-page-");
        try
        {
            var file = Path.Combine(dir.FullName, "page.html");
            File.WriteAllText(file, html);
            await ChromiumTests.Chromium($"--screenshot={png}", file, height);
        }
        finally { dir.Delete(recursive: true); }
        Assert.True(new FileInfo(png).Length > 5_000, "screenshot written");
        return png;
    }

    [Fact]
    public async Task Preprocessing_fits_the_stroke_in_20x20_and_centres_its_mass_in_28x28()
    {
        var html = Page(DrawDigit.Of(mnist.Net), StrokeFunction + """
            // an exact case: a filled 100×50 rectangle at (37, 61) in a 280×280 ink image → a 20×10 block of ones
            var ink = new Float64Array(280 * 280);
            for (var y = 61; y < 111; y++) { for (var x = 37; x < 137; x++) { ink[y * 280 + x] = 1; } }
            result.rectangle = Array.from(window.FromScratchDigit.preprocess(ink, 280, 280));
            result.empty = window.FromScratchDigit.preprocess(new Float64Array(280 * 280), 280, 280);
            // a stroke drawn with the pen: an L shape in the upper left of the pad
            stroke([[30, 20], [30, 130], [90, 130]]);
            result.stroke = Array.from(el.fromScratchDigit.input());
            """);
        var json = await RunPage(html);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("empty").ValueKind);

        var rectangle = json.GetProperty("rectangle").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(784, rectangle.Length);
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
            {
                double want = r is >= 9 and <= 18 && c is >= 4 and <= 23 ? 1 : 0;
                Assert.True(Math.Abs(rectangle[r * 28 + c] - want) < 1e-12, $"rectangle pixel ({r}, {c}) = {rectangle[r * 28 + c]}, expected {want}");
            }

        var image = json.GetProperty("stroke").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(784, image.Length);
        double mass = image.Sum(), cx = 0, cy = 0;
        int minR = 28, maxR = -1, minC = 28, maxC = -1;
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
            {
                double v = image[r * 28 + c];
                if (v <= 0) continue;
                cx += (c + 0.5) * v; cy += (r + 0.5) * v;
                (minR, maxR, minC, maxC) = (Math.Min(minR, r), Math.Max(maxR, r), Math.Min(minC, c), Math.Max(maxC, c));
            }
        (cx, cy) = (cx / mass, cy / mass);
        output.WriteLine($"stroke: centre of mass ({cx:0.00}, {cy:0.00}), rows {minR}..{maxR}, columns {minC}..{maxC}, range [{image.Min()}, {image.Max():0.000}]");
        Assert.True(Math.Abs(cx - 14) <= 0.5 && Math.Abs(cy - 14) <= 0.5, $"centre of mass ({cx:0.00}, {cy:0.00}) is not within half a pixel of (14, 14)");
        Assert.Equal(20, maxR - minR + 1);                                  // the taller side fills 20 pixels
        Assert.InRange(maxC - minC + 1, 11, 14);                            // the other keeps the aspect ratio: 80/130 × 20 ≈ 12
        Assert.Equal(0, image.Min());
        Assert.InRange(image.Max(), 0.9, 1.0);                              // the normalised range of the training images
        Assert.Contains(image, v => v is > 0.05 and < 0.95);                // anti-aliased grey at the edges
    }

    [Fact]
    public void A_network_that_is_not_for_28x28_images_is_refused_with_its_size()
    {
        var e = Assert.Throws<ArgumentException>(() => DrawDigit.Of(new TwoLayerNet<float>(10, 5, 3, seed: 1)));
        Assert.StartsWith("DrawDigit needs a network for 28×28 images (784 inputs); this one has 10.", e.Message);
        var names = Assert.Throws<ArgumentException>(() => DrawDigit.Of(mnist.Net, ["a", "b"]));
        Assert.StartsWith("2 class names for a network with 10 outputs.", names.Message);
        Assert.Contains("<span class=\"fs-name\">a&lt;b</span>", DrawDigit.Of(mnist.Net, Enumerable.Range(0, 10).Select(i => i == 0 ? "a<b" : "c").ToList()).ToHtml());
    }

    [GeneratedRegex("<pre id=\"result\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ResultPre();
}
