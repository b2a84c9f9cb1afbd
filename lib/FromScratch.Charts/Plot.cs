using System.Numerics;
using System.Text.Json.Nodes;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace FromScratch.Charts;

/// <summary>One named line of a line chart.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values (as many as <paramref name="X"/>).</param>
/// <param name="Markers">Draw a marker at each point as well as the line.</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false)
{
    /// <summary>A series whose x values are 0, 1, 2, …</summary>
    public static Series Of<T>(string name, IEnumerable<T> y, bool markers = false) where T : INumberBase<T>
    {
        var ys = Plot.ToDoubles(y);
        return new Series(name, Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray(), ys, markers);
    }

    /// <summary>A series with explicit x values.</summary>
    public static Series Of<TX, TY>(string name, IEnumerable<TX> x, IEnumerable<TY> y, bool markers = false)
        where TX : INumberBase<TX> where TY : INumberBase<TY>
    {
        var xs = Plot.ToDoubles(x);
        var ys = Plot.ToDoubles(y);
        if (xs.Length != ys.Length)
            throw new ArgumentException($"Series \"{name}\": {xs.Length} x values but {ys.Length} y values.", nameof(y));
        return new Series(name, xs, ys, markers);
    }
}

/// <summary>
/// Chart helpers for the notebooks. Every method returns a <see cref="Chart"/>; end a cell with it
/// (or pass it to <c>display</c>) to draw it. Numbers may be <see langword="float"/> or <see langword="double"/>.
/// </summary>
public static class Plot
{
    /// <summary>A line chart of <paramref name="y"/> against its index 0, 1, 2, … (e.g. a loss curve per iteration).</summary>
    public static Chart Line<T>(IEnumerable<T> y, string? name = null, string? title = null, string? xTitle = null, string? yTitle = null)
        where T : INumberBase<T> =>
        Lines([Series.Of(name ?? yTitle ?? "y", y)], title, xTitle, yTitle, showLegend: name is not null);

    /// <summary>A line chart of <paramref name="y"/> against <paramref name="x"/>.</summary>
    public static Chart Line<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null, string? title = null, string? xTitle = null, string? yTitle = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY> =>
        Lines([Series.Of(name ?? yTitle ?? "y", x, y)], title, xTitle, yTitle, showLegend: name is not null);

    /// <summary>Several lines on shared axes with a legend (e.g. train and test accuracy per epoch).</summary>
    public static Chart Lines(IEnumerable<Series> series, string? title = null, string? xTitle = null, string? yTitle = null, bool showLegend = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        var traces = series.Select(s => PlotlyChart.Line<double, double, string>(
            s.X, s.Y, ShowMarkers: s.Markers, Name: s.Name, ShowLegend: showLegend)).ToList();
        if (traces.Count == 0) throw new ArgumentException("At least one series is needed.", nameof(series));
        var chart = Chart.FromPlotly(PlotlyChart.Combine(traces));
        if (showLegend) chart.Layout["showlegend"] = true;
        return chart.WithLayout(title, xTitle, yTitle, width: 640, height: 420);
    }

    /// <summary>
    /// A bar chart: one bar per label (e.g. the accuracy of each class), its value written on it.
    /// </summary>
    /// <param name="labels">The category under each bar.</param>
    /// <param name="values">One value per label.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xTitle">The x axis title.</param>
    /// <param name="yTitle">The y axis title.</param>
    /// <param name="valueFormat">A d3 format for the numbers on the bars, e.g. ".3f" or ".1%"; null for none.</param>
    /// <param name="yRange">Optional (min, max) of the y axis, e.g. (0, 1) for accuracies.</param>
    public static Chart Bars<T>(IReadOnlyList<string> labels, IEnumerable<T> values, string? title = null, string? xTitle = null, string? yTitle = null,
        string? valueFormat = ".3f", (double Min, double Max)? yRange = null) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(labels);
        var ys = ToDoubles(values);
        if (ys.Length == 0) throw new ArgumentException("No values.", nameof(values));
        if (labels.Count != ys.Length) throw new ArgumentException($"{labels.Count} labels for {ys.Length} values.", nameof(labels));
        var trace = new JsonObject
        {
            ["type"] = "bar",
            ["x"] = new JsonArray(labels.Select(l => (JsonNode?)l).ToArray()),
            ["y"] = new JsonArray(ys.Select(v => (JsonNode?)v).ToArray()),
        };
        if (valueFormat is not null)
        {
            trace["texttemplate"] = "%{y:" + valueFormat + "}";
            trace["textposition"] = "outside";
        }
        var chart = new Chart(new JsonObject
        {
            ["data"] = new JsonArray(trace),
            ["layout"] = new JsonObject(),
            ["config"] = new JsonObject { ["responsive"] = true, ["displaylogo"] = false },
        });
        chart.Axis("xaxis")["type"] = "category";
        if (yRange is var (min, max)) chart.Axis("yaxis")["range"] = new JsonArray(min, max);
        return chart.WithLayout(title, xTitle, yTitle, width: Math.Clamp(60 * ys.Length + 120, 400, 900), height: 420);
    }

    /// <summary>The curve y = f(x) on [<paramref name="from"/>, <paramref name="to"/>] (e.g. the sigmoid).</summary>
    public static Chart Function(Func<double, double> f, double from, double to, int points = 201, string? name = null, string? title = null, string xTitle = "x", string yTitle = "y")
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!(to > from)) throw new ArgumentOutOfRangeException(nameof(to), $"Need from < to, got [{from}, {to}].");
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), "Need at least 2 points.");
        var xs = Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1)).ToArray();
        return Line(xs, xs.Select(f), name, title ?? name, xTitle, yTitle);
    }

    /// <summary>
    /// A contour plot of z = f(x, y) over a rectangle, optionally with a path drawn on top
    /// (e.g. the points visited by gradient descent on f(x0, x1) = x0² + x1²).
    /// </summary>
    public static Chart Contour(Func<double, double, double> f, double xMin, double xMax, double yMin, double yMax,
        IEnumerable<(double X, double Y)>? path = null, int resolution = 81, string? title = null, string xTitle = "x0", string yTitle = "x1",
        string pathName = "path")
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!(xMax > xMin) || !(yMax > yMin)) throw new ArgumentOutOfRangeException(nameof(xMax), "Need xMin < xMax and yMin < yMax.");
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), "Need at least 2 grid points per axis.");
        var xs = Grid(xMin, xMax, resolution);
        var ys = Grid(yMin, yMax, resolution);
        // Plotly's z is row-major in y: z[j][i] = f(xs[i], ys[j]).
        var z = ys.Select(y => xs.Select(x => f(x, y)).ToArray()).ToArray();
        var charts = new List<Plotly.NET.GenericChart>
        {
            PlotlyChart.Contour<double, double, double, string>(z, X: xs, Y: ys, Name: "f", ShowScale: true),
        };
        var points = path?.ToArray();
        if (points is { Length: > 0 })
        {
            charts.Add(PlotlyChart.Line<double, double, string>(points.Select(p => p.X), points.Select(p => p.Y), ShowMarkers: true, Name: pathName));
        }
        var chart = Chart.FromPlotly(PlotlyChart.Combine(charts));
        chart.Axis("xaxis")["range"] = new JsonArray(xMin, xMax);
        chart.Axis("yaxis")["range"] = new JsonArray(yMin, yMax);
        chart.Axis("yaxis")["scaleanchor"] = "x";   // one unit is as long on both axes: circles look round
        chart.Layout["showlegend"] = points is { Length: > 0 };
        chart.Layout["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 0, ["y"] = 1.02, ["yanchor"] = "bottom" };
        return chart.WithLayout(title, xTitle, yTitle, width: 560, height: 500);
    }

    /// <summary>
    /// A heatmap of a matrix (e.g. a weight map or a confusion matrix), row 0 at the top.
    /// Pass <c>matrix.ToArray()</c> for a MathNet matrix.
    /// </summary>
    /// <param name="z">The values, [row, column].</param>
    /// <param name="title">The chart title.</param>
    /// <param name="colorScale">A Plotly colorscale name: Viridis, Greys, Blues, RdBu, … (Blues, Greens, Greys, Reds and the Yl* scales are reversed so that larger values are darker).</param>
    /// <param name="xLabels">Optional column labels.</param>
    /// <param name="yLabels">Optional row labels.</param>
    /// <param name="showValues">Write each value in its cell (for small matrices such as a confusion matrix).</param>
    /// <param name="xTitle">The x axis title.</param>
    /// <param name="yTitle">The y axis title.</param>
    public static Chart Heatmap<T>(T[,] z, string? title = null, string colorScale = "Viridis",
        IReadOnlyList<string>? xLabels = null, IReadOnlyList<string>? yLabels = null, bool showValues = false,
        string? xTitle = null, string? yTitle = null) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(z);
        int rows = z.GetLength(0), cols = z.GetLength(1);
        if (rows == 0 || cols == 0) throw new ArgumentException("The matrix is empty.", nameof(z));
        if (xLabels is not null && xLabels.Count != cols) throw new ArgumentException($"{xLabels.Count} x labels for {cols} columns.", nameof(xLabels));
        if (yLabels is not null && yLabels.Count != rows) throw new ArgumentException($"{yLabels.Count} y labels for {rows} rows.", nameof(yLabels));
        var data = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => double.CreateTruncating(z[r, c])).ToArray()).ToArray();
        var chart = Chart.FromPlotly(PlotlyChart.Heatmap<double, double, string, string>(data, ReverseYAxis: true));
        var trace = (JsonObject)((JsonArray)chart.Figure["data"]!)[0]!;
        trace["colorscale"] = colorScale;
        // Plotly's single-hue scales run dark → light; reverse them so that larger values are darker.
        if (s_darkToLight.Contains(colorScale)) trace["reversescale"] = true;
        if (xLabels is not null) trace["x"] = new JsonArray(xLabels.Select(l => (JsonNode?)l).ToArray());
        if (yLabels is not null) trace["y"] = new JsonArray(yLabels.Select(l => (JsonNode?)l).ToArray());
        if (showValues)
        {
            // Four significant digits: counts up to 9999 stay whole numbers (1135, not 1.14e+3); fractions read 0.1234.
            trace["texttemplate"] = "%{z:.4~g}";
        }
        if (xLabels is not null) chart.Axis("xaxis")["type"] = "category";
        if (yLabels is not null) chart.Axis("yaxis")["type"] = "category";
        chart.Axis("yaxis")["autorange"] = "reversed";
        chart.Axis("yaxis")["scaleanchor"] = "x";
        chart.Axis("xaxis")["constrain"] = "domain";
        chart.Axis("yaxis")["constrain"] = "domain";
        // Written values need cells of about 48 px to be legible (a 10×10 confusion matrix: 480 px); plain colours need less.
        int size = Math.Clamp((showValues ? 48 : 12) * Math.Max(rows, cols), 300, showValues ? 640 : 520);
        // Category labels take room beside and below the plot: about 7 px per character.
        int yLabelRoom = yLabels is null ? 0 : Math.Max(0, 7 * yLabels.Max(l => l.Length) - 40);
        int xLabelRoom = xLabels is null ? 0 : Math.Max(0, 7 * xLabels.Max(l => l.Length) - 40);
        return chart.WithLayout(title, xTitle, yTitle, width: size + 120 + yLabelRoom, height: size + (title is null ? 60 : 100) + xLabelRoom);
    }

    /// <summary>A flattened image (e.g. one 784-pixel MNIST row) shown as a <paramref name="width"/>-wide grey image.</summary>
    public static Chart Image<T>(IReadOnlyList<T> pixels, int width = 28, string? title = null) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || pixels.Count % width != 0) throw new ArgumentException($"{pixels.Count} pixels do not make rows of {width}.", nameof(width));
        var z = new double[pixels.Count / width, width];
        for (int i = 0; i < pixels.Count; i++) z[i / width, i % width] = double.CreateTruncating(pixels[i]);
        return Heatmap(z, title, colorScale: "Greys");
    }

    /// <summary>
    /// A grid of flattened images (e.g. MNIST digits), each with its label above it.
    /// </summary>
    /// <param name="images">The images, each <paramref name="imageWidth"/> × (length / imageWidth) pixels, row by row.</param>
    /// <param name="labels">Optional label per image (e.g. "7" or "7 → 1" for a prediction).</param>
    /// <param name="imageWidth">Pixels per image row (28 for MNIST).</param>
    /// <param name="columns">Images per grid row.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="signed">
    /// The values have a sign (e.g. weights): draw negative blue, zero white and positive red, on a scale symmetric around 0
    /// (±the largest absolute value), with grey gaps between the images. Otherwise larger values are darker grey (pixels).
    /// </param>
    public static Chart Images<T>(IEnumerable<IReadOnlyList<T>> images, IReadOnlyList<string>? labels = null, int imageWidth = 28, int columns = 10, string? title = null,
        bool signed = false)
        where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = images.ToList();
        if (list.Count == 0) throw new ArgumentException("No images.", nameof(images));
        if (labels is not null && labels.Count != list.Count) throw new ArgumentException($"{labels.Count} labels for {list.Count} images.", nameof(labels));
        if (imageWidth <= 0 || list.Any(i => i.Count != list[0].Count) || list[0].Count % imageWidth != 0)
            throw new ArgumentException($"All images must have the same number of pixels, a multiple of {imageWidth}.", nameof(images));
        int h = list[0].Count / imageWidth, w = imageWidth, gap = 2;
        columns = Math.Clamp(columns, 1, list.Count);
        int rows = (list.Count + columns - 1) / columns;
        // Screen pixels per image pixel: 2 to 4, so that a row of images is about 720 px wide at most.
        int scale = Math.Max(2, Math.Min(4, 720 / (columns * (w + gap))));
        // Neighbouring labels must not run together: the gap between images widens to fit the widest label.
        int labelPx = labels is null ? 0 : labels.Max(l => TextWidth(l));
        int gapX = Math.Max(gap, (labelPx + 8 + scale - 1) / scale - w);
        int cellW = w + gapX;
        // With labels, the gap between image rows is tall enough for a 12 px label (in image pixels at this scale).
        int cellH = h + (labels is null ? gap : gap + (16 + scale - 1) / scale);
        // One heatmap of all images with null (transparent) gaps: one trace draws fast in the browser.
        var z = new double?[(rows - 1) * cellH + h][];
        for (int r = 0; r < z.Length; r++) z[r] = new double?[columns * cellW - gapX];
        var annotations = new JsonArray();
        for (int k = 0; k < list.Count; k++)
        {
            int top = k / columns * cellH, left = k % columns * cellW;
            for (int i = 0; i < list[k].Count; i++) z[top + i / w][left + i % w] = double.CreateTruncating(list[k][i]);
            if (labels is not null)
            {
                annotations.Add(new JsonObject
                {
                    ["x"] = left + (w - 1) / 2.0, ["y"] = top - 0.5, ["text"] = labels[k], ["showarrow"] = false,
                    ["yanchor"] = "bottom", ["font"] = new JsonObject { ["size"] = 12 },
                });
            }
        }
        var chart = Chart.FromPlotly(PlotlyChart.Heatmap<double, double, double, string>([[0.0]], ShowScale: false));
        var trace = (JsonObject)((JsonArray)chart.Figure["data"]!)[0]!;
        trace["z"] = new JsonArray(z.Select(row => (JsonNode?)new JsonArray(row.Select(v => v is { } d ? (JsonNode?)JsonValue.Create(d) : null).ToArray())).ToArray());
        if (signed)
        {
            double limit = list.SelectMany(i => i).Select(v => Math.Abs(double.CreateTruncating(v))).Where(double.IsFinite).DefaultIfEmpty(0).Max();
            if (limit == 0) limit = 1;
            trace["colorscale"] = new JsonArray(new JsonArray(0, "#2166ac"), new JsonArray(0.5, "#ffffff"), new JsonArray(1, "#b2182b"));
            trace["zmin"] = -limit;
            trace["zmax"] = limit;
            chart.Layout["plot_bgcolor"] = "#d0d7de";
        }
        else
        {
            trace["colorscale"] = "Greys";
            trace["reversescale"] = true;
        }
        trace["hoverongaps"] = false;
        chart.Layout["annotations"] = annotations;
        foreach (var axis in new[] { "xaxis", "yaxis" })
        {
            var a = chart.Axis(axis);
            a["visible"] = false;
            a["constrain"] = "domain";
        }
        chart.Axis("yaxis")["autorange"] = "reversed";
        chart.Axis("yaxis")["scaleanchor"] = "x";
        int plotW = (columns * cellW - gapX) * scale, plotH = rows * cellH * scale + (labels is null ? 0 : 16);
        // The outer labels reach beyond their image by up to half of the gap: the side margins hold that.
        int side = Math.Max(10, (labelPx - w * scale) / 2 + 4);
        chart.Layout["margin"] = new JsonObject { ["l"] = side, ["r"] = side, ["b"] = 10, ["t"] = title is null ? 30 : 60 };
        // A long title must not be clipped at both ends: the chart is at least as wide as the title.
        int width = Math.Max(plotW + 2 * side, title is null ? 0 : TextWidth(title, TitleFontSize) + 40);
        return chart.WithLayout(title, width: width, height: plotH + (title is null ? 40 : 70));
    }

    /// <summary>plotly.js's default title font size (px).</summary>
    internal const int TitleFontSize = 17;

    /// <summary>
    /// About how wide <paramref name="text"/> is in plotly.js's default sans-serif font of <paramref name="fontSize"/> px:
    /// 0.6 em per character (wide enough for capitals and digits), 1 em for CJK characters.
    /// </summary>
    internal static int TextWidth(string text, int fontSize = 12) =>
        (int)Math.Ceiling(text.Sum(c => c >= '\u1100' && char.IsLetter(c) ? 1.0 : 0.6) * fontSize);

    private static readonly HashSet<string> s_darkToLight = new(StringComparer.OrdinalIgnoreCase) { "Blues", "Greens", "Greys", "Reds", "YlGnBu", "YlOrRd" };

    internal static double[] ToDoubles<T>(IEnumerable<T> values) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(v => double.CreateTruncating(v)).ToArray();
    }

    private static double[] Grid(double min, double max, int n) =>
        Enumerable.Range(0, n).Select(i => min + (max - min) * i / (n - 1)).ToArray();
}
