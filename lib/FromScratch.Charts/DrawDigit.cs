using System.Globalization;
using System.Net;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FromScratch.Charts;

/// <summary>
/// Draw a digit (손글씨 숫자 그리기): a canvas to draw on with a mouse, pen or finger, the 28×28 image the network sees,
/// and the network's probabilities as bars, the winner highlighted. The forward pass runs in the page's JavaScript from
/// the weights embedded in the output, so it works offline in VS Code, Jupyter and the exported HTML, with no kernel.
/// </summary>
/// <remarks>
/// The drawing is turned into an input the way MNIST's digits were made: the stroke's bounding box is fitted into
/// 20×20 keeping its aspect ratio (grey levels are the covered area, i.e. anti-aliased), then placed in 28×28 so that its
/// centre of mass is at the centre; values are in [0, 1] like <c>Mnist.Load(normalize: true)</c>.
/// </remarks>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = [NotebookFormatter.Html, NotebookFormatter.PlainText])]
public sealed class DrawDigit : IHtmlOutput
{
    private static int s_counter;
    private readonly JsonObject network;

    private DrawDigit(JsonObject network, IReadOnlyList<string> classNames, string title)
    {
        this.network = network;
        ClassNames = classNames;
        Title = title;
    }

    /// <summary>The heading above the canvas.</summary>
    public string Title { get; }

    /// <summary>The name of each output, shown beside its bar.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// A drawing pad for a trained <see cref="TwoLayerNet{T}"/> with 784 inputs (28×28 images).
    /// </summary>
    /// <param name="net">The trained network; its parameters are copied (as float32) into the output.</param>
    /// <param name="classNames">A name per output (default 0, 1, …, 9), e.g. <c>FashionMnist.ClassNames</c>.</param>
    /// <param name="title">The heading; default "Draw a digit — 손글씨 숫자 그리기".</param>
    public static DrawDigit Of<T>(TwoLayerNet<T> net, IReadOnlyList<string>? classNames = null, string? title = null)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(net);
        if (net.InputSize != 784)
            throw new ArgumentException($"DrawDigit needs a network for 28×28 images (784 inputs); this one has {net.InputSize}.", nameof(net));
        var names = classNames ?? Enumerable.Range(0, net.OutputSize).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (names.Count != net.OutputSize)
            throw new ArgumentException($"{names.Count} class names for a network with {net.OutputSize} outputs.", nameof(classNames));
        var json = new JsonObject
        {
            ["input"] = net.InputSize,
            ["hidden"] = net.HiddenSize,
            ["output"] = net.OutputSize,
        };
        foreach (var key in TwoLayerNet<T>.ParamNames) json[key] = RowMajorFloat32Base64(net.Params[key]);
        return new DrawDigit(json, names.ToArray(), title ?? "Draw a digit — 손글씨 숫자 그리기");
    }

    /// <summary>A matrix as little-endian float32 values, row by row, in base64 (what the page's <c>decode</c> reads).</summary>
    internal static string RowMajorFloat32Base64<T>(MathNet.Numerics.LinearAlgebra.Matrix<T> m)
        where T : struct, IFloatingPointIeee754<T>, IFormattable
    {
        var values = new float[m.RowCount * m.ColumnCount];
        for (int r = 0; r < m.RowCount; r++)
            for (int c = 0; c < m.ColumnCount; c++)
                values[r * m.ColumnCount + c] = float.CreateChecked(m[r, c]);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("DrawDigit writes little-endian floats.");
        return Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>The output: the pad, the 28×28 view, the bars, and the script (included once per page) that runs them.</summary>
    public string ToHtml()
    {
        var id = "fromscratch-digit-" + Guid.NewGuid().ToString("N")[..12] + "-" + Interlocked.Increment(ref s_counter).ToString(CultureInfo.InvariantCulture);
        var rows = string.Concat(ClassNames.Select((name, k) =>
            $"""<div class="fs-row" data-class="{k}"><span class="fs-name">{WebUtility.HtmlEncode(name)}</span><span class="fs-track"><span class="fs-bar" style="width:0%"></span></span><span class="fs-value">–</span></div>"""));
        var config = new JsonObject { ["network"] = network.DeepClone(), ["classes"] = JsonSerializer.SerializeToNode(ClassNames) };
        var configJson = config.ToJsonString().Replace("</", "<\\/", StringComparison.Ordinal);
        return $$"""
            <div id="{{id}}" class="fromscratch-draw-digit" data-state="empty" data-prediction="" style="font-family:sans-serif;font-size:13px;max-width:100%">
            <style>
            #{{id}} .fs-panels { display:flex; flex-wrap:wrap; gap:18px; align-items:flex-start; }
            #{{id}} .fs-pad { width:280px; height:280px; border:1px solid #888; border-radius:4px; background:#fff; touch-action:none; cursor:crosshair; display:block; }
            #{{id}} .fs-seen { width:112px; height:112px; image-rendering:pixelated; border:1px solid #888; background:#000; display:block; }
            #{{id}} .fs-row { display:flex; align-items:center; gap:6px; height:22px; }
            #{{id}} .fs-name { width:84px; text-align:right; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
            #{{id}} .fs-track { width:180px; height:14px; background:#eee; border-radius:2px; display:inline-block; }
            #{{id}} .fs-bar { height:14px; background:#8aa6c1; border-radius:2px; display:block; }
            #{{id}} .fs-value { width:48px; font-variant-numeric:tabular-nums; }
            #{{id}} .fs-row.winner .fs-bar { background:#e8590c; }
            #{{id}} .fs-row.winner .fs-name, #{{id}} .fs-row.winner .fs-value { font-weight:bold; color:#e8590c; }
            #{{id}} button { margin-top:6px; }
            </style>
            <div style="font-weight:bold;margin-bottom:6px">{{WebUtility.HtmlEncode(Title)}}</div>
            <div class="fs-panels">
              <div><canvas class="fs-pad" width="280" height="280" aria-label="drawing pad"></canvas>
                <button type="button" class="fs-clear">Clear</button> <span class="fs-answer" style="margin-left:8px"></span></div>
              <div><canvas class="fs-seen" width="28" height="28" aria-label="the 28×28 input"></canvas>
                <div style="width:120px;margin-top:4px;color:#555">what the network sees: 28×28, the stroke fitted in 20×20 and centred by its centre of mass</div></div>
              <div class="fs-bars">{{rows}}</div>
            </div>
            <noscript>Drawing needs JavaScript; the rest of the notebook does not.</noscript>
            </div>
            <script type="text/javascript">
            {{DrawDigitScript.Source}}
            window.FromScratchDigit.attach(document.getElementById("{{id}}"), {{configJson}});
            </script>
            """;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Title}: a drawing pad for a {network["input"]}-{network["hidden"]}-{network["output"]} network; display it in a notebook to draw.";
}
