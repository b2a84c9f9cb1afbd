using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FromScratch.Charts;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The chart helpers' figures, and their HTML in a browser that inserts outputs the way a notebook front end does.</summary>
public sealed class ChartsTests
{
    [Fact]
    public void Lines_have_one_trace_per_series_with_legend_and_axis_titles()
    {
        var chart = Plot.Lines([Series.Of("train", new[] { 0.1, 0.9 }), Series.Of("test", new[] { 0.1f, 0.8f })],
            title: "Accuracy", xTitle: "epoch", yTitle: "accuracy");
        var data = (JsonArray)chart.Figure["data"]!;
        Assert.Equal(["train", "test"], data.Select(t => (string?)t!["name"]));
        Assert.All(data, t => Assert.Equal("scatter", (string?)t!["type"]));
        Assert.Equal(0.8, (double)data[1]!["y"]![1]!, 6);
        Assert.Equal("Accuracy", chart.Title);
        Assert.Equal("epoch", (string?)chart.Figure["layout"]!["xaxis"]!["title"]!["text"]);
        Assert.Equal("accuracy", (string?)chart.Figure["layout"]!["yaxis"]!["title"]!["text"]);
        Assert.True((bool)chart.Figure["layout"]!["showlegend"]!);
        Assert.Null(chart.Figure["layout"]!["template"]);
    }

    [Fact]
    public void Contour_evaluates_f_on_the_grid_and_draws_the_path_on_top()
    {
        var chart = Plot.Contour((x, y) => x * x + y * y, -2, 2, -1, 1, path: [(-2.0, 1.0), (0.0, 0.0)], resolution: 5);
        var data = (JsonArray)chart.Figure["data"]!;
        Assert.Equal("contour", (string?)data[0]!["type"]);
        var z = data[0]!["z"]!.AsArray();
        Assert.Equal(5, z.Count);
        Assert.Equal(5.0, (double)z[0]![0]!, 9);  // f(-2, -1)
        Assert.Equal(0.0, (double)z[2]![2]!, 9);  // f(0, 0)
        Assert.Equal([-2.0, 0.0], data[1]!["x"]!.AsArray().Select(v => (double)v!));
    }

    [Fact]
    public void Bars_have_one_bar_per_label_with_the_values_written_on_them()
    {
        var chart = Plot.Bars(["cat", "dog", "emu"], new[] { 0.5f, 0.25f, 1f }, title: "t", yTitle: "accuracy", valueFormat: ".1%", yRange: (0, 1.1));
        var trace = chart.Figure["data"]![0]!;
        Assert.Equal("bar", (string?)trace["type"]);
        Assert.Equal(["cat", "dog", "emu"], trace["x"]!.AsArray().Select(v => (string?)v));
        Assert.Equal([0.5, 0.25, 1.0], trace["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal("%{y:.1%}", (string?)trace["texttemplate"]);
        Assert.Equal(1.1, (double)chart.Figure["layout"]!["yaxis"]!["range"]![1]!);
        Assert.Equal("t", chart.Title);
        Assert.Contains("2 labels for 3 values", Assert.Throws<ArgumentException>(() => Plot.Bars(["a", "b"], new[] { 1.0, 2.0, 3.0 })).Message);
    }

    [Fact]
    public void Heatmap_keeps_rows_top_down_and_labels()
    {
        var chart = Plot.Heatmap(new[,] { { 1f, 2f }, { 3f, 4f } }, xLabels: ["a", "b"], yLabels: ["r0", "r1"], showValues: true);
        var trace = chart.Figure["data"]![0]!;
        Assert.Equal("heatmap", (string?)trace["type"]);
        Assert.Equal(3.0, (double)trace["z"]![1]![0]!);
        Assert.Equal("reversed", (string?)chart.Figure["layout"]!["yaxis"]!["autorange"]);
        Assert.Equal(["a", "b"], trace["x"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("%{z:.4~g}", (string?)trace["texttemplate"]);   // a count such as 1135 is written whole, not 1.14e+3
    }

    [Fact]
    public void Signed_images_use_a_diverging_scale_symmetric_around_zero()
    {
        var chart = Plot.Images(new[] { new[] { -0.5f, 0.25f }, new[] { 0.1f, 2f } }, imageWidth: 1, signed: true);
        var trace = chart.Figure["data"]![0]!;
        Assert.Equal(-2.0, (double)trace["zmin"]!);
        Assert.Equal(2.0, (double)trace["zmax"]!);
        Assert.Equal("#ffffff", (string?)trace["colorscale"]![1]![1]);   // zero is white
        Assert.Null(trace["reversescale"]);
        Assert.Equal(true, (bool?)Plot.Images(new[] { new[] { 0.5f } }, imageWidth: 1).Figure["data"]![0]!["reversescale"]);   // pixels: darker = larger
    }

    [Fact]
    public void Images_tile_into_one_heatmap_with_a_label_per_image()
    {
        var images = Enumerable.Range(0, 3).Select(k => (IReadOnlyList<double>)Enumerable.Repeat((double)k, 4).ToArray());
        var chart = Plot.Images(images, labels: ["0", "1", "2"], imageWidth: 2, columns: 2);
        Assert.Equal(1, chart.TraceCount);
        var z = chart.Figure["data"]![0]!["z"]!.AsArray();
        Assert.Equal(2 + 6 + 2, z.Count);            // two rows of images, 2 px each, a 6 px gap: 2 + room for a 16 px label at 4× scale
        Assert.Null(z[2]![0]);                        // the gap between the rows is transparent
        Assert.Null(z[0]![2]);                        // the gap between images is transparent
        Assert.Equal(1.0, (double)z[0]![4]!);         // second image, top-left pixel
        Assert.Equal(3, chart.Figure["layout"]!["annotations"]!.AsArray().Count);

        // Rows of a matrix as plain arrays need no cast: T is inferred through IReadOnlyList<float>.
        var rows = Enumerable.Range(0, 3).Select(_ => new float[4]);
        var unlabelled = Plot.Images(rows, imageWidth: 2, columns: 2);
        Assert.Equal(1, unlabelled.TraceCount);
        Assert.Equal(2 + 2 + 2, unlabelled.Figure["data"]![0]!["z"]!.AsArray().Count);   // without labels the gap is 2 px
    }

    [Fact]
    public void Neighbouring_image_labels_do_not_run_together()
    {
        // 06's most confident mistakes: five 28-px images a row, labels like "Sneaker → Ankle boot".
        string[] labels = ["Sneaker → Ankle boot", "Sandal → Sneaker", "Shirt → T-shirt/top", "Coat → Pullover", "Bag → Shirt"];
        var chart = Plot.Images(labels.Select(_ => new float[784]), labels: labels, columns: 5, title: "Most confident mistakes (true → predicted)");
        var annotations = chart.Figure["layout"]!["annotations"]!.AsArray();
        var x = annotations.Select(a => (double)a!["x"]!).ToArray();            // label centres, in image pixels
        double screenPerImagePixel = ((int)chart.Figure["layout"]!["width"]! - 2 * (int)chart.Figure["layout"]!["margin"]!["l"]!)
                                     / (double)chart.Figure["data"]![0]!["z"]![0]!.AsArray().Count;
        for (int k = 1; k < labels.Length; k++)
        {
            double room = (x[k] - x[k - 1]) * screenPerImagePixel;              // screen px between two label centres
            double needed = (Plot.TextWidth(labels[k - 1]) + Plot.TextWidth(labels[k])) / 2.0;
            Assert.True(room >= needed + 4, $"labels {k - 1} and {k}: {room:0} px apart, {needed:0} px wide");
        }
        // the outer labels stay inside the chart
        Assert.True((int)chart.Figure["layout"]!["margin"]!["l"]! >= (Plot.TextWidth(labels[0]) - 28 * screenPerImagePixel) / 2);
    }

    [Fact]
    public void A_long_title_fits_the_image_grid()
    {
        // 05's W1 chart: 50 hidden units, ten a row, and a long title.
        const string title = "W1 (784, 50): each hidden unit's weights as a 28×28 image (red +, blue −)";
        var chart = Plot.Images(Enumerable.Range(0, 50).Select(_ => new float[784]), labels: Enumerable.Range(0, 50).Select(j => $"unit {j}").ToList(),
            columns: 10, title: title, signed: true);
        Assert.True((int)chart.Figure["layout"]!["width"]! >= Plot.TextWidth(title, Plot.TitleFontSize) + 40);
        Assert.True(Plot.TextWidth(title, Plot.TitleFontSize) > 620, "the title is wider than the grid alone (the case that was clipped)");
    }

    [Fact]
    public void Bad_arguments_say_what_is_wrong()
    {
        Assert.Contains("3 labels for 2 images", Assert.Throws<ArgumentException>(() =>
            Plot.Images([new double[4], new double[4]], labels: ["a", "b", "c"], imageWidth: 2)).Message);
        Assert.Contains("1 x values but 2 y values", Assert.Throws<ArgumentException>(() =>
            Series.Of("s", new[] { 1.0 }, new[] { 1.0, 2.0 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Plot.Function(Math.Sin, 1, 0));
        Assert.Contains("1 y labels for 2 rows", Assert.Throws<ArgumentException>(() =>
            Plot.Heatmap(new double[2, 2], yLabels: ["a"])).Message);
    }

    [Fact]
    public void Chart_html_is_small_and_cannot_close_its_script_early()
    {
        var chart = Plot.Line(new[] { 1.0, 2.0 }, name: "</script><b>x</b>", title: "t");
        var html = chart.ToHtml();
        Assert.True(html.Length < 4000, $"a chart fragment is {html.Length} chars; plotly.js must not be inside it");
        Assert.DoesNotContain("plotly.js v", html);
        Assert.Single(Regex.Matches(html, "</script>"));
        Assert.StartsWith("/**", PlotlyJs.Source.TrimStart());
        Assert.Matches(@"^\d+\.\d+\.\d+$", PlotlyJs.Version);
        Assert.Contains(PlotlyJs.LoaderMarker, PlotlyJs.LoaderHtml());
    }

    /// <summary>
    /// Like a notebook front end (VS Code's webview, Jupyter), the page inserts each output's HTML into the live DOM one
    /// by one, with require.js's AMD <c>define</c> present, and a chart output arriving before the plotly.js loader.
    /// </summary>
    [Fact]
    public async Task Outputs_inserted_in_any_order_draw_once_plotly_js_arrives()
    {
        var outputs = new[]
        {
            Plot.Function(Math.Tanh, -3, 3, name: "before the loader").ToHtml(),
            PlotlyJs.LoaderHtml(),
            Plot.Heatmap(new double[,] { { 1, 2 }, { 3, 4 } }, title: "after the loader").ToHtml(),
        };
        var page = $$"""
            <!DOCTYPE html><html><head><meta charset="utf-8">
            <script>window.define = function () { throw new Error("plotly.js must not register as an AMD module"); }; window.define.amd = {};</script>
            </head><body>
            <script>
            var outputs = {{JsonSerializer.Serialize(outputs).Replace("</", "<\\/")}};
            outputs.forEach(function (html) {
              var cell = document.createElement("div");
              document.body.appendChild(cell);
              cell.appendChild(document.createRange().createContextualFragment(html)); // runs the output's scripts
            });
            (function check() {
              var total = document.querySelectorAll(".fromscratch-chart").length;
              var drawn = document.querySelectorAll(".fromscratch-chart[data-rendered=true]").length;
              document.body.setAttribute("data-charts-rendered", drawn + "/" + total);
              if (drawn < total) setTimeout(check, 100);
            })();
            </script>
            </body></html>
            """;
        var dom = await ChromiumTests.DumpDomOfPage(page, height: 1200);
        Assert.Contains("data-charts-rendered=\"2/2\"", dom);
        Assert.Matches("class=\"trace scatter", dom);
        Assert.Matches("class=\"hm\"", dom);
    }
}
