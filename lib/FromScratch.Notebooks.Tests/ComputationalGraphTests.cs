using System.Text.Json;
using System.Text.RegularExpressions;
using FromScratch.Charts;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>The computational graph diagrams: their numbers, and in Chromium their nodes, edges and non-overlapping labels.</summary>
public sealed partial class ComputationalGraphTests(ITestOutputHelper output)
{
    private static (Matrix<double> X, Matrix<double> T) TinyBatch(int rows = 3, int inputs = 784)
    {
        var rng = new Random(7);
        var x = Matrix<double>.Build.Dense(rows, inputs, (_, _) => rng.NextDouble() < 0.2 ? rng.NextDouble() : 0);
        var t = Matrix<double>.Build.Dense(rows, 10, (r, c) => c == (r * 3) % 10 ? 1 : 0);
        return (x, t);
    }

    [Fact]
    public void The_scalar_example_shows_every_forward_value_and_gradient()
    {
        var svg = ComputationalGraph.MultiplyAdd(x: 2, y: 3, z: 4).ToSvg();
        // forward: x·y = 6, + z = 10; backward from 1: the add node passes 1 on, the multiply node swaps its inputs
        foreach (var label in new[] { "x = 2", "y = 3", "xy = 6", "z = 4", "L = 10", "∂L/∂L = 1", "∂L/∂xy = 1", "∂L/∂z = 1", "∂L/∂x = 3", "∂L/∂y = 2" })
            Assert.Contains($">{label}</text>", svg);
        Assert.DoesNotContain("<script", svg);
        Assert.Equal(5, Regex.Matches(svg, "class=\"fs-edge\"").Count);
        Assert.Equal(5, Regex.Matches(svg, "class=\"fs-forward\"").Count);
        Assert.Equal(5, Regex.Matches(svg, "stroke=\"#d00\"").Count);   // one red backward line per edge
    }

    [Fact]
    public void The_networks_graph_comes_from_a_real_forward_and_backward_pass()
    {
        var net = new TwoLayerNet<double>(784, 50, 10, seed: 1);
        var (x, t) = TinyBatch();
        var graph = ComputationalGraph.Of(net, x, t);
        Assert.Equal(["x", "Affine1", "W1", "b1", "Sigmoid1", "Affine2", "W2", "b2", "Softmax", "Cross-entropy", "t", "L"], graph.Nodes.Select(n => n.Id));
        var grads = net.Gradient(x, t);
        string MaxAbs(Matrix<double> m) => ComputationalGraph.MaxAbs(m);
        Assert.Equal(["W1 (784, 50)", ComputationalGraph.Range(net.Params["W1"]), "∂L/∂W1 " + MaxAbs(grads["W1"])], graph.Nodes.Single(n => n.Id == "W1").Lines);
        Assert.Equal("∂L/∂b2 " + MaxAbs(grads["b2"]), graph.Nodes.Single(n => n.Id == "b2").Lines[2]);
        Assert.Equal(["L", ComputationalGraph.N(net.Loss(x, t))], graph.Nodes.Single(n => n.Id == "L").Lines);
        var y = net.Predict(x);
        Assert.Equal(["Softmax", "(3, 10)", ComputationalGraph.Range(y)], graph.Nodes.Single(n => n.Id == "Softmax").Lines);
        // the edge into the softmax carries ∂L/∂a2 = (y − t) / batch
        Assert.Equal("∂L/∂a2 " + MaxAbs((y - t) / 3), graph.Edges.Single(e => e.To == "Softmax").Backward);
        Assert.Equal("∂L/∂L 1", graph.Edges.Single(e => e.To == "L").Backward);
        Assert.False(graph.Edges.Single(e => e.From == "t").Backpropagates);   // no red line back into the labels
        var svg = graph.ToSvg();
        Assert.Equal(graph.Edges.Count, Regex.Matches(svg, "<line class=\"fs-forward\"").Count);
        Assert.Equal(graph.Edges.Count - 1, Regex.Matches(svg, "<line class=\"fs-backward\"").Count);

        var layered = ComputationalGraph.Of(LayeredNet<double>.From(net), x, t);
        Assert.Equal(["x", "Affine1", "W1", "b1", "Sigmoid1", "Affine2", "W2", "b2", "SoftmaxWithLoss", "t", "L"], layered.Nodes.Select(n => n.Id));
        Assert.Equal("∂L/∂a2 " + MaxAbs((y - t) / 3), layered.Edges.Single(e => e.To == "SoftmaxWithLoss" && e.From == "Affine2").Backward);

        var bad = Assert.Throws<ArgumentException>(() => ComputationalGraph.Of(net, x.SubMatrix(0, 3, 0, 700), t));
        Assert.Contains("(3, 700)", bad.Message);
    }

    public static IEnumerable<object[]> Diagrams() => [["scalar"], ["TwoLayerNet"], ["LayeredNet"]];

    private static GraphDiagram Diagram(string which)
    {
        var (x, t) = TinyBatch();
        var net = new TwoLayerNet<double>(784, 50, 10, seed: 1);
        return which switch
        {
            "scalar" => ComputationalGraph.MultiplyAdd(),
            "TwoLayerNet" => ComputationalGraph.Of(net, x, t),
            _ => ComputationalGraph.Of(LayeredNet<double>.From(net, Activation.Relu), x, t),
        };
    }

    [Theory]
    [MemberData(nameof(Diagrams))]
    public async Task In_Chromium_every_node_and_edge_is_drawn_and_no_label_overlaps_another(string which)
    {
        var graph = Diagram(which);
        var page = $$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
            {{graph.ToHtml()}}
            <script>
            var labels = Array.from(document.querySelectorAll("svg.fromscratch-graph text"));
            var boxes = labels.map(function (t) { var b = t.getBBox(); return { text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height }; });
            var overlaps = [];
            for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
              var a = boxes[i], b = boxes[j];
              if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(a.text + " | " + b.text);
            }
            // an edge's label must not cover a node either
            var shapes = Array.from(document.querySelectorAll("g.fs-node rect, g.fs-node circle")).map(function (s) { var b = s.getBBox(); return { text: s.parentNode.getAttribute("data-id"), x: b.x, y: b.y, w: b.width, h: b.height }; });
            Array.from(document.querySelectorAll("text.fs-forward-label, text.fs-backward-label")).forEach(function (t) {
              var a = t.getBBox();
              shapes.forEach(function (b) { if (a.x < b.x + b.w && b.x < a.x + a.width && a.y < b.y + b.h && b.y < a.y + a.height) overlaps.push(t.textContent + " | node " + b.text); });
            });
            var svg = document.querySelector("svg.fromscratch-graph"), sb = svg.getBoundingClientRect(), outside = [];
            boxes.concat(shapes).forEach(function (b) { if (b.x < 0 || b.y < 0 || b.x + b.w > sb.width || b.y + b.h > sb.height) outside.push(b.text); });
            var pre = document.createElement("pre"); pre.id = "result";
            pre.textContent = JSON.stringify({ nodes: document.querySelectorAll("g.fs-node").length, edges: document.querySelectorAll("g.fs-edge").length,
              forward: document.querySelectorAll("line.fs-forward").length, backward: document.querySelectorAll("line.fs-backward").length,
              empty: boxes.filter(function (b) { return b.w <= 0; }).length, labels: boxes.length, overlaps: overlaps, outside: outside });
            document.body.appendChild(pre);
            </script></body></html>
            """;
        var dom = await ChromiumTests.DumpDomOfPage(page, height: 700);
        var match = Regex.Match(dom, "<pre id=\"result\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(match.Success, "the check script did not run");
        var json = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement;
        output.WriteLine(json.ToString());
        Assert.Equal(graph.Nodes.Count, json.GetProperty("nodes").GetInt32());
        Assert.Equal(graph.Edges.Count, json.GetProperty("edges").GetInt32());
        Assert.Equal(graph.Edges.Count, json.GetProperty("forward").GetInt32());
        Assert.Equal(graph.Edges.Count(e => e.Backpropagates), json.GetProperty("backward").GetInt32());
        Assert.Equal(0, json.GetProperty("empty").GetInt32());   // every label has a size: the font drew
        Assert.True(json.GetProperty("overlaps").GetArrayLength() == 0, "labels overlap: " + json.GetProperty("overlaps"));
        Assert.True(json.GetProperty("outside").GetArrayLength() == 0, "labels or nodes outside the SVG: " + json.GetProperty("outside"));

        var png = await DrawDigitTests.Screenshot("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + graph.ToHtml() + "</body></html>",
            $"graph-{which}", graph.Height + 80);
        output.WriteLine("screenshot " + png);
    }
}
