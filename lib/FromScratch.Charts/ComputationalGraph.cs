using System.Globalization;
using System.Numerics;
using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Charts;

/// <summary>
/// Computational graphs (계산 그래프) drawn from real numbers: a scalar example to check by hand, and the two-layer network
/// after an actual forward and backward pass on a small batch. Each returns a <see cref="GraphDiagram"/> (plain SVG).
/// </summary>
public static class ComputationalGraph
{
    /// <summary>
    /// L = x × y + z: a multiply node and an add node with every number on the edges — the forward values in black, and
    /// in red the gradients the backward pass sends from ∂L/∂L = 1: the add node passes its gradient on unchanged, the
    /// multiply node sends each input the gradient times the <em>other</em> input.
    /// </summary>
    public static GraphDiagram MultiplyAdd(double x = 2, double y = 3, double z = 4)
    {
        double xy = x * y, l = xy + z;
        double dL = 1, dxy = dL, dz = dL, dx = dxy * y, dy = dxy * x;   // add: passes on; multiply: swaps the inputs
        GraphNode Value(string id, double col, double row) => new(id, col, row, NodeShape.Value, [id]);
        return new GraphDiagram($"L = x × y + z, forward and backward",
            [
                Value("x", 0, 0), Value("y", 0, 1.6),
                new("×", 1, 0.8, NodeShape.Circle, ["×"]),
                Value("z", 1, 2.4),
                new("+", 2, 1.6, NodeShape.Circle, ["+"]),
                Value("L", 3, 1.6),
            ],
            [
                new("x", "×", $"x = {N(x)}", $"∂L/∂x = {N(dx)}"),
                new("y", "×", $"y = {N(y)}", $"∂L/∂y = {N(dy)}"),
                new("×", "+", $"xy = {N(xy)}", $"∂L/∂xy = {N(dxy)}"),
                new("z", "+", $"z = {N(z)}", $"∂L/∂z = {N(dz)}"),
                new("+", "L", $"L = {N(l)}", $"∂L/∂L = {N(dL)}"),
            ], columnWidth: 220, rowHeight: 100);
    }

    /// <summary>
    /// The tutorial's network as the graph x → Affine(W1, b1) → Sigmoid → Affine(W2, b2) → Softmax → Cross-entropy → L,
    /// from a forward and a backward pass on <paramref name="x"/> (a few rows) and one-hot <paramref name="t"/>.
    /// Each node shows the shape and range of its output; each edge the largest |gradient| flowing back along it.
    /// </summary>
    public static GraphDiagram Of<T>(TwoLayerNet<T> net, Matrix<T> x, Matrix<T> t)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        net.Loss(x, t);   // checks the shapes, naming them
        var pass = Pass<T>.Run(LayeredNet<T>.From(net), x, t);
        // Softmax-with-loss split in two as the tutorial draws it: y = softmax(a2), L = cross-entropy(y, t).
        var y = pass.Net.LastLayer.Y!;
        T batch = T.CreateChecked(x.RowCount), delta = T.CreateChecked(net.LossDelta);
        var dy = t.PointwiseDivide(y.Map(v => v + delta)).Map(v => -v / batch);   // ∂L/∂y = −t / ((y + δ)·batch)
        var stages = pass.Stages.ToList();
        stages.Add(new Stage<T>("Softmax", "y", y, null, []));
        stages.Add(new Stage<T>("Cross-entropy", "L", null, pass.Loss, []));
        var grads = pass.InputGradients.Append(dy).Append(Matrix<T>.Build.Dense(1, 1, T.One)).ToList();
        return Draw("TwoLayerNet: forward (black) and backward (red) on a batch of " + x.RowCount, x, t, stages, grads);
    }

    /// <summary>
    /// A <see cref="LayeredNet{T}"/> as a graph with one node per layer (Affine1 → Sigmoid1 → … → SoftmaxWithLoss → L), from a
    /// forward and backward pass through its layers on <paramref name="x"/> and <paramref name="t"/>.
    /// </summary>
    public static GraphDiagram Of<T>(LayeredNet<T> net, Matrix<T> x, Matrix<T> t)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        net.Loss(x, t);
        var pass = Pass<T>.Run(net, x, t);
        var stages = pass.Stages.ToList();
        stages.Add(new Stage<T>("SoftmaxWithLoss", "L", null, pass.Loss, []));
        var grads = pass.InputGradients.Append(Matrix<T>.Build.Dense(1, 1, T.One)).ToList();
        return Draw("LayeredNet: one node per layer, forward and backward on a batch of " + x.RowCount, x, t, stages, grads);
    }

    /// <summary>One node of the chain: its output (a matrix, or the scalar loss) and its parameters with their gradients.</summary>
    private sealed record Stage<T>(string Name, string OutputName, Matrix<T>? Output, T? Loss, (string Name, Matrix<T> Value, Matrix<T> Gradient)[] Params)
        where T : struct, IFloatingPointIeee754<T>, IFormattable;

    /// <summary>
    /// A forward pass through every layer and the backward pass from dout = 1: every output and every gradient.
    /// InputGradients[i] = ∂L/∂(input of layer i); the last is ∂L/∂(scores), from the softmax-with-loss.
    /// </summary>
    private sealed record Pass<T>(LayeredNet<T> Net, IReadOnlyList<Stage<T>> Stages, IReadOnlyList<Matrix<T>> InputGradients, T Loss)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        public static Pass<T> Run(LayeredNet<T> net, Matrix<T> x, Matrix<T> t)
        {
            var outputs = new List<Matrix<T>>();
            var value = x;
            foreach (var (_, layer) in net.Layers) outputs.Add(value = layer.Forward(value));
            T loss = net.LastLayer.Forward(value, t);
            var grads = new Matrix<T>[net.Layers.Count + 1];
            grads[^1] = net.LastLayer.Backward();
            for (int i = net.Layers.Count - 1; i >= 0; i--) grads[i] = net.Layers[i].Layer.Backward(grads[i + 1]);
            var stages = new List<Stage<T>>();
            int affine = 0;
            for (int i = 0; i < net.Layers.Count; i++)
            {
                var (name, layer) = net.Layers[i];
                if (layer is Affine<T> a)
                {
                    affine++;
                    stages.Add(new Stage<T>(name, $"a{affine}", outputs[i], null, [($"W{affine}", a.W, a.dW!), ($"b{affine}", a.b, a.db!)]));
                }
                else stages.Add(new Stage<T>(name, $"z{affine}", outputs[i], null, []));
            }
            return new Pass<T>(net, stages, grads, loss);
        }
    }

    /// <summary>Lays the chain out on row 1, the parameters of each node above it, t above the last node.</summary>
    private static GraphDiagram Draw<T>(string title, Matrix<T> x, Matrix<T> t, List<Stage<T>> stages, List<Matrix<T>> gradients)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        var nodes = new List<GraphNode> { new("x", 0, 1, NodeShape.Value, ["x", x.Shape(), Range(x)]) };
        var edges = new List<GraphEdge>();
        string previous = "x", previousValue = "x";
        for (int i = 0; i < stages.Count; i++)
        {
            var s = stages[i];
            double column = i + 1;
            nodes.Add(new(s.Name, column, 1, NodeShape.Operation,
                s.Output is { } m ? [s.Name, m.Shape(), Range(m)] : [s.Name, "scalar", N(double.CreateChecked(s.Loss!.Value))]));
            edges.Add(new(previous, s.Name, previousValue, $"∂L/∂{previousValue} {MaxAbs(gradients[i])}"));
            for (int p = 0; p < s.Params.Length; p++)
            {
                var (name, value, gradient) = s.Params[p];
                                nodes.Add(new(name, column + (p == 0 ? -0.33 : 0.33), 0, NodeShape.Value,
                    [$"{name} {value.Shape()}", Range(value), $"∂L/∂{name} {MaxAbs(gradient)}"], RedLast: true));
                edges.Add(new(name, s.Name, null, null));
            }
            previous = s.Name;
            previousValue = s.OutputName;
        }
        nodes.Add(new("t", stages.Count, 0, NodeShape.Value, [$"t {t.Shape()}", "one-hot"]));
        edges.Add(new("t", stages[^1].Name, null, null, Backpropagates: false));   // the answers are data: no gradient
        nodes.Add(new("L", stages.Count + 1, 1, NodeShape.Value, ["L", N(double.CreateChecked(stages[^1].Loss!.Value))]));
        edges.Add(new(stages[^1].Name, "L", "L", $"∂L/∂L {N(double.CreateChecked(gradients[^1][0, 0]))}"));
        return new GraphDiagram(title, nodes, edges, columnWidth: 240, rowHeight: 120);
    }

    /// <summary>"[min, max]" of a matrix, three significant digits.</summary>
    internal static string Range<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in m.Enumerate()) { double d = double.CreateChecked(v); min = Math.Min(min, d); max = Math.Max(max, d); }
        return $"[{N(min)}, {N(max)}]";
    }

    /// <summary>"±" and the largest absolute value: the size of a gradient.</summary>
    internal static string MaxAbs<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>, IFormattable =>
        "±" + m.Enumerate().Max(v => Math.Abs(double.CreateChecked(v))).ToString("0.0e+00", CultureInfo.InvariantCulture);

    /// <summary>A number with at most three significant digits (4 digits for the loss-sized values between 1 and 10).</summary>
    internal static string N(double v) => v.ToString(Math.Abs(v) is >= 1e-3 and < 1e4 or 0 ? "0.###" : "0.0e+00", CultureInfo.InvariantCulture)
        .Replace("-", "−", StringComparison.Ordinal);
}
