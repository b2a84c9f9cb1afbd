using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FromScratch.Charts;

/// <summary>
/// A Plotly figure (traces, layout and config as JSON) that renders as a small HTML fragment:
/// a <c>div</c> plus a <c>Plotly.newPlot</c> call. The fragment does not contain plotly.js itself;
/// it draws as soon as <see cref="PlotlyJs.LoaderHtml"/> has run once on the same page
/// (the notebook setup cell displays it; the runner's HTML page includes it at the top).
/// Notebooks show it as that fragment (see <see cref="NotebookFormatterSource"/>).
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource))]
public sealed class Chart : IHtmlOutput
{
    private static int s_counter;

    /// <summary>Creates a chart from a Plotly figure JSON object (<c>{"data": [...], "layout": {...}}</c>).</summary>
    public Chart(JsonObject figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Figure = figure;
    }

    /// <summary>The figure: <c>data</c> (traces), <c>layout</c> and <c>config</c>. Mutable, for final touches.</summary>
    public JsonObject Figure { get; }

    /// <summary>The chart title, or <see langword="null"/>.</summary>
    public string? Title => Figure["layout"]?["title"]?["text"]?.GetValue<string>();

    /// <summary>The number of data traces (lines, contours, heatmaps) in the figure.</summary>
    public int TraceCount => (Figure["data"] as JsonArray)?.Count ?? 0;

    /// <summary>The figure as compact JSON.</summary>
    public string ToJson() => Figure.ToJsonString();

    /// <summary>
    /// The HTML fragment that draws this chart with the page's (already loaded) plotly.js.
    /// If plotly.js is not loaded yet, the drawing waits until <see cref="PlotlyJs.LoaderHtml"/> runs.
    /// </summary>
    public string ToHtml()
    {
        var id = "fromscratch-chart-" + Guid.NewGuid().ToString("N")[..12] + "-" + Interlocked.Increment(ref s_counter).ToString(CultureInfo.InvariantCulture);
        var layout = Figure["layout"];
        var width = layout?["width"]?.GetValue<int>() ?? 640;
        var height = layout?["height"]?.GetValue<int>() ?? 420;
        // Escape "</" so that no string inside the JSON can close the script element.
        var json = Figure.ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal);
        var title = WebUtility.HtmlEncode(Title ?? "chart");
        return $$"""
            <div id="{{id}}" class="fromscratch-chart" data-traces="{{TraceCount}}" style="width:{{width}}px;height:{{height}}px;max-width:100%"><small>{{title}}: waiting for plotly.js (run the notebook's setup cell)</small></div>
            <script type="text/javascript">
            (function () {
              var figure = {{json}};
              var el = document.getElementById("{{id}}") || (document.currentScript && document.currentScript.previousElementSibling);
              function draw() {
                if (!el) { return; }
                el.innerHTML = "";
                window.Plotly.newPlot(el, figure.data, figure.layout, figure.config).then(function () { el.setAttribute("data-rendered", "true"); });
              }
              if (window.Plotly) { draw(); } else { (window.__fromScratchPending = window.__fromScratchPending || []).push(draw); }
            })();
            </script>
            """;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Chart \"{Title ?? "(untitled)"}\" with {TraceCount} trace(s); display it in a notebook to draw it.";

    /// <summary>Creates a chart from a Plotly.NET chart, keeping its data and layout.</summary>
    public static Chart FromPlotly(Plotly.NET.GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = JsonNode.Parse(Plotly.NET.GenericChart.toFigureJson(chart))!.AsObject();
        if (figure["layout"] is JsonObject layout)
        {
            // Plotly.NET's default template is ~6 KB per chart; plotly.js's built-in defaults look the same to a reader.
            layout.Remove("template");
        }
        figure["config"] = new JsonObject { ["responsive"] = true, ["displaylogo"] = false };
        return new Chart(figure);
    }

    /// <summary>Sets the title, axis titles and size. Returns this chart.</summary>
    public Chart WithLayout(string? title = null, string? xTitle = null, string? yTitle = null, int? width = null, int? height = null)
    {
        var layout = Layout;
        if (title is not null) layout["title"] = new JsonObject { ["text"] = title };
        if (xTitle is not null) Axis("xaxis")["title"] = new JsonObject { ["text"] = xTitle };
        if (yTitle is not null) Axis("yaxis")["title"] = new JsonObject { ["text"] = yTitle };
        if (width is not null) layout["width"] = width.Value;
        if (height is not null) layout["height"] = height.Value;
        return this;
    }

    internal JsonObject Layout => Figure["layout"] as JsonObject ?? (JsonObject)(Figure["layout"] = new JsonObject());

    internal JsonObject Axis(string name) => Layout[name] as JsonObject ?? (JsonObject)(Layout[name] = new JsonObject());

    internal static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value);
}
