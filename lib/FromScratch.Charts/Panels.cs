using System.Globalization;
using System.Text.Json.Nodes;

namespace FromScratch.Charts;

/// <summary>
/// Several charts as one figure in a grid of panels (the book's <c>plt.subplot</c>), and histograms: for the optimizers' four paths
/// side by side, the activation histograms of each layer, and batch norm's 4 × 4 grid of accuracy curves.
/// </summary>
public static class Panels
{
    /// <summary>
    /// <paramref name="charts"/> as panels of one figure, <paramref name="columns"/> to a row, each with its own axes and its
    /// title above it. A series name seen in an earlier panel is not repeated in the legend (same name, same colour).
    /// </summary>
    public static Chart Grid(IReadOnlyList<Chart> charts, int columns, string? title = null, int panelWidth = 300, int panelHeight = 260)
    {
        ArgumentNullException.ThrowIfNull(charts);
        if (charts.Count == 0) throw new ArgumentException("Panels.Grid needs at least one chart; got none.", nameof(charts));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), $"columns must be at least 1; got {columns}.");
        columns = Math.Min(columns, charts.Count);
        int rows = (charts.Count + columns - 1) / columns;
        var data = new JsonArray();
        var layout = new JsonObject
        {
            ["grid"] = new JsonObject { ["rows"] = rows, ["columns"] = columns, ["pattern"] = "independent", ["ygap"] = 0.45, ["xgap"] = 0.25 },
            ["width"] = Math.Max(420, columns * panelWidth),
            ["height"] = rows * panelHeight + 80,
            ["margin"] = new JsonObject { ["t"] = 80, ["l"] = 50, ["r"] = 20, ["b"] = 40 },
        };
        if (title is not null) layout["title"] = new JsonObject { ["text"] = title };
        var annotations = new JsonArray();
        var colours = new Dictionary<string, string>();
        string[] palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
        for (int k = 0; k < charts.Count; k++)
        {
            string suffix = k == 0 ? "" : (k + 1).ToString(CultureInfo.InvariantCulture);
            var figure = JsonNode.Parse(charts[k].ToJson())!.AsObject();
            foreach (var trace in figure["data"]?.AsArray() ?? [])
            {
                var t = trace!.AsObject();
                t["xaxis"] = "x" + suffix;
                t["yaxis"] = "y" + suffix;
                if (t["type"]?.GetValue<string>() == "contour") t["showscale"] = false;
                if (t["name"]?.GetValue<string>() is string name && t["type"]?.GetValue<string>() != "contour")
                {
                    bool seen = colours.ContainsKey(name);
                    if (!seen) colours[name] = palette[colours.Count % palette.Length];
                    t["legendgroup"] = name;
                    t["showlegend"] = !seen;
                    if (t["type"]?.GetValue<string>() is "scatter" or null)
                        t["line"] = new JsonObject { ["color"] = colours[name] };
                    else
                        t["marker"] = new JsonObject { ["color"] = colours[name] };
                }
                data.Add(t.DeepClone());
            }
            var panelLayout = figure["layout"]?.AsObject();
            foreach (var axis in new[] { "xaxis", "yaxis" })
            {
                var source = panelLayout?[axis]?.DeepClone() as JsonObject ?? new JsonObject();
                source.Remove("scaleanchor");
                source.Remove("domain");
                layout[axis + suffix] = source;
            }
            string? panelTitle = panelLayout?["title"]?["text"]?.GetValue<string>();
            if (panelTitle is not null)
                annotations.Add(new JsonObject
                {
                    ["text"] = panelTitle, ["showarrow"] = false, ["font"] = new JsonObject { ["size"] = 12 },
                    ["xref"] = $"x{suffix} domain", ["yref"] = $"y{suffix} domain", ["x"] = 0.5, ["y"] = 1.0, ["yanchor"] = "bottom", ["xanchor"] = "center",
                });
        }
        layout["annotations"] = annotations;
        layout["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 0, ["y"] = -0.08 };
        var grid = new JsonObject { ["data"] = data, ["layout"] = layout, ["config"] = new JsonObject { ["responsive"] = true, ["displaylogo"] = false } };
        return new Chart(grid);
    }

    /// <summary>A histogram of <paramref name="values"/> in <paramref name="bins"/> bins over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Chart Histogram(IEnumerable<double> values, int bins = 30, double min = 0, double max = 1, string? title = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), $"bins must be at least 1; got {bins}.");
        if (!(max > min)) throw new ArgumentOutOfRangeException(nameof(max), $"Need min < max; got [{min}, {max}].");
        var counts = new int[bins];
        foreach (var v in values)
        {
            if (!(v >= min && v <= max)) continue;   // outside the range (or NaN): not drawn, as numpy's hist(range=…)
            counts[Math.Min(bins - 1, (int)((v - min) / (max - min) * bins))]++;
        }
        double width = (max - min) / bins;
        var centres = new JsonArray();
        var heights = new JsonArray();
        for (int i = 0; i < bins; i++)
        {
            centres.Add(min + (i + 0.5) * width);
            heights.Add(counts[i]);
        }
        var trace = new JsonObject { ["type"] = "bar", ["x"] = centres, ["y"] = heights, ["width"] = width * 0.95 };
        if (name is not null) trace["name"] = name;
        var figure = new JsonObject
        {
            ["data"] = new JsonArray(trace),
            ["layout"] = new JsonObject
            {
                ["title"] = new JsonObject { ["text"] = title ?? name ?? "histogram" }, ["bargap"] = 0, ["showlegend"] = false,
                ["xaxis"] = new JsonObject { ["range"] = new JsonArray(min, max) }, ["width"] = 480, ["height"] = 320,
            },
            ["config"] = new JsonObject { ["responsive"] = true, ["displaylogo"] = false },
        };
        return new Chart(figure);
    }
}
