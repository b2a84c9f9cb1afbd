using System.Globalization;
using System.Net;
using System.Text;

[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("FromScratch.Notebooks.Tests")]

namespace FromScratch.Charts;

/// <summary>How a node of a computational graph is drawn.</summary>
public enum NodeShape
{
    /// <summary>Data or a parameter: a plain box.</summary>
    Value,
    /// <summary>An operation or a layer: a rounded box.</summary>
    Operation,
    /// <summary>A scalar operation (× or +): a circle.</summary>
    Circle,
}

/// <summary>A node at (column, row) of the diagram's grid, with up to three lines of text (the last one red when <paramref name="RedLast"/>).</summary>
public sealed record GraphNode(string Id, double Column, double Row, NodeShape Shape, IReadOnlyList<string> Lines, bool RedLast = false);

/// <summary>
/// An edge: its forward value (black, above, left → right) and its backward gradient (red, below, right → left).
/// <paramref name="Backpropagates"/> is false for data that needs no gradient (the labels t): no red line.
/// </summary>
public sealed record GraphEdge(string From, string To, string? Forward, string? Backward, bool Backpropagates = true);

/// <summary>
/// A computational graph (계산 그래프) drawn as plain SVG — no JavaScript, no network — in the book's convention:
/// the forward pass in black from left to right, the backward pass in red from right to left.
/// Build one with <see cref="ComputationalGraph"/>.
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = [NotebookFormatter.Html, NotebookFormatter.PlainText])]
public sealed class GraphDiagram : IHtmlOutput
{
    internal const double CharWidth = 7.0;   // 12 px monospace
    internal const double LineHeight = 15;
    private readonly Dictionary<string, (double X, double Y, double W, double H)> boxes = [];

    /// <summary>Creates a diagram; nodes are placed on a grid of <paramref name="columnWidth"/> × <paramref name="rowHeight"/> pixels.</summary>
    public GraphDiagram(string title, IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, double columnWidth = 210, double rowHeight = 120)
    {
        Title = title;
        Nodes = nodes;
        Edges = edges;
        foreach (var e in edges)
        {
            if (!nodes.Any(n => n.Id == e.From) || !nodes.Any(n => n.Id == e.To))
                throw new ArgumentException($"Edge {e.From} → {e.To} names a node that is not in the graph.", nameof(edges));
        }
        foreach (var n in nodes)
        {
            double w = n.Shape == NodeShape.Circle ? 40 : Math.Max(44, n.Lines.Max(l => l.Length) * CharWidth + 16);
            double h = n.Shape == NodeShape.Circle ? 40 : n.Lines.Count * LineHeight + 12;
            boxes[n.Id] = (n.Column * columnWidth, 60 + n.Row * rowHeight, w, h);   // centre, size
        }
        double shift = 12 - boxes.Values.Min(b => b.X - b.W / 2);                    // the leftmost box starts 12 px in
        foreach (var id in boxes.Keys.ToList()) boxes[id] = boxes[id] with { X = boxes[id].X + shift };
        Width = (int)Math.Ceiling(boxes.Values.Max(b => b.X + b.W / 2) + 40);
        Height = (int)Math.Ceiling(boxes.Values.Max(b => b.Y + b.H / 2) + 50);
    }

    /// <summary>The title above the diagram.</summary>
    public string Title { get; }

    /// <summary>The nodes.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The edges.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>The SVG's width in pixels.</summary>
    public int Width { get; }

    /// <summary>The SVG's height in pixels.</summary>
    public int Height { get; }

    /// <summary>The diagram as one SVG element.</summary>
    public string ToSvg()
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" class="fromscratch-graph" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">""");
        svg.Append("""<defs><marker id="fs-arrow-black" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#000"/></marker>""");
        svg.Append("""<marker id="fs-arrow-red" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#d00"/></marker></defs>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text class="fs-title" x="12" y="20" font-size="14" font-weight="bold" font-family="sans-serif">{Encode(Title)}</text>""");
        foreach (var e in Edges) AppendEdge(svg, e);
        foreach (var n in Nodes) AppendNode(svg, n);
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The SVG in a scrollable block, with a legend.</summary>
    public string ToHtml() =>
        $"""<div class="fromscratch-graph-output" style="overflow-x:auto;max-width:100%">{ToSvg()}<div style="font-family:sans-serif;font-size:12px;color:#555">black: forward pass (순전파), left → right · <span style="color:#d00">red: backward pass (역전파), right → left, ∂L/∂ of the value on the edge</span></div></div>""";

    /// <inheritdoc />
    public override string ToString() => $"{Title}: computational graph with {Nodes.Count} nodes and {Edges.Count} edges; display it in a notebook to draw it.";

    private void AppendNode(StringBuilder svg, GraphNode n)
    {
        var (x, y, w, h) = boxes[n.Id];
        svg.Append(CultureInfo.InvariantCulture, $"""<g class="fs-node" data-id="{Encode(n.Id)}">""");
        if (n.Shape == NodeShape.Circle)
            svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{x:0.#}" cy="{y:0.#}" r="20" fill="#fff" stroke="#000" stroke-width="1.5"/>""");
        else
            svg.Append(CultureInfo.InvariantCulture,
                $"""<rect x="{x - w / 2:0.#}" y="{y - h / 2:0.#}" width="{w:0.#}" height="{h:0.#}" rx="{(n.Shape == NodeShape.Operation ? 8 : 0)}" fill="{(n.Shape == NodeShape.Operation ? "#eef3fb" : "#fff")}" stroke="#000" stroke-width="1.2"/>""");
        double top = y - (n.Lines.Count - 1) * LineHeight / 2 + 4;
        for (int i = 0; i < n.Lines.Count; i++)
        {
            bool red = n.RedLast && i == n.Lines.Count - 1;
            string weight = i == 0 ? " font-weight=\"bold\"" : "";
            string size = n.Shape == NodeShape.Circle ? " font-size=\"18\"" : "";
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text class="fs-label" x="{x:0.#}" y="{top + i * LineHeight + (n.Shape == NodeShape.Circle ? 2 : 0):0.#}" text-anchor="middle" fill="{(red ? "#d00" : "#000")}"{weight}{size}>{Encode(n.Lines[i])}</text>""");
        }
        svg.Append("</g>");
    }

    private void AppendEdge(StringBuilder svg, GraphEdge e)
    {
        var a = boxes[e.From];
        var b = boxes[e.To];
        var (x1, y1) = Border(a, b.X, b.Y);
        var (x2, y2) = Border(b, a.X, a.Y);
        double dx = x2 - x1, dy = y2 - y1, length = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
        double nx = -dy / length, ny = dx / length;                 // unit normal, pointing "above" for a left-to-right edge
        if (ny > 0) (nx, ny) = (-nx, -ny);
        const double gap = 6;
        svg.Append(CultureInfo.InvariantCulture, $"""<g class="fs-edge" data-from="{Encode(e.From)}" data-to="{Encode(e.To)}">""");
        svg.Append(CultureInfo.InvariantCulture,
            $"""<line class="fs-forward" x1="{x1 + nx * gap:0.#}" y1="{y1 + ny * gap:0.#}" x2="{x2 + nx * gap:0.#}" y2="{y2 + ny * gap:0.#}" stroke="#000" stroke-width="1.5" marker-end="url(#fs-arrow-black)"/>""");
        if (e.Backpropagates)
            svg.Append(CultureInfo.InvariantCulture,
                $"""<line class="fs-backward" x1="{x2 - nx * gap:0.#}" y1="{y2 - ny * gap:0.#}" x2="{x1 - nx * gap:0.#}" y2="{y1 - ny * gap:0.#}" stroke="#d00" stroke-width="1.5" marker-end="url(#fs-arrow-red)"/>""");
        double mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
        AppendEdgeLabel(svg, e.Forward, "fs-forward-label", "#000", mx, my, nx, ny);
        AppendEdgeLabel(svg, e.Backward, "fs-backward-label", "#d00", mx, my, -nx, -ny);
        svg.Append("</g>");
    }

    /// <summary>
    /// A label beside the middle of an edge, on the side of the normal (nx, ny), far enough that its box does not cross the
    /// line: the distance of the box's centre is its half-extent along the normal plus a margin. A white halo keeps it legible.
    /// </summary>
    private static void AppendEdgeLabel(StringBuilder svg, string? text, string cssClass, string color, double mx, double my, double nx, double ny)
    {
        if (text is null) return;
        double halfWidth = text.Length * CharWidth / 2, halfHeight = 7;
        double distance = halfWidth * Math.Abs(nx) + halfHeight * Math.Abs(ny) + 9;
        double cx = mx + nx * distance, cy = my + ny * distance;
        svg.Append(CultureInfo.InvariantCulture,
            $"""<text class="fs-label {cssClass}" x="{cx:0.#}" y="{cy + 4:0.#}" text-anchor="middle" fill="{color}" stroke="#fff" stroke-width="3" paint-order="stroke">{Encode(text)}</text>""");
    }

    /// <summary>Where the line from the centre of <paramref name="box"/> towards (tx, ty) leaves the box (or circle).</summary>
    private static (double X, double Y) Border((double X, double Y, double W, double H) box, double tx, double ty)
    {
        double dx = tx - box.X, dy = ty - box.Y;
        double t = Math.Min(dx == 0 ? double.MaxValue : box.W / 2 / Math.Abs(dx), dy == 0 ? double.MaxValue : box.H / 2 / Math.Abs(dy));
        return (box.X + dx * t, box.Y + dy * t);
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
