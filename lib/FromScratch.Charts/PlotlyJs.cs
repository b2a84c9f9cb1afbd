using System.Reflection;

namespace FromScratch.Charts;

/// <summary>
/// The plotly.js bundle that Plotly.NET embeds, so charts draw with no network.
/// </summary>
public static class PlotlyJs
{
    private static readonly Lazy<(string Version, string Source)> s_bundle = new(Load);

    /// <summary>The plotly.js version embedded in Plotly.NET (e.g. <c>2.28.0</c>).</summary>
    public static string Version => s_bundle.Value.Version;

    /// <summary>The minified plotly.js source (about 3.6 MB).</summary>
    public static string Source => s_bundle.Value.Source;

    /// <summary>The marker attribute on the loader's script element; the runner uses it to find the loader in outputs.</summary>
    public const string LoaderMarker = "data-fromscratch-plotly";

    /// <summary>
    /// A <c>script</c> element that defines <c>window.Plotly</c> (once per page) and draws every chart
    /// that was displayed before it. AMD/CommonJS globals are hidden while plotly.js runs, so it also
    /// works on pages that use require.js (Jupyter).
    /// </summary>
    public static string LoaderHtml() =>
        $$"""
        <script type="text/javascript" {{LoaderMarker}}="{{Version}}">
        if (!window.Plotly) {
        (function (define, module, exports) {
        {{Source}}
        }).call(window);
        }
        (window.__fromScratchPending || []).splice(0).forEach(function (draw) { draw(); });
        </script>
        <small>plotly.js {{Version}} loaded (offline) for the charts in this notebook.</small>
        """;

    private static (string, string) Load()
    {
        var asm = typeof(Plotly.NET.GenericChart).Assembly;
        var name = asm.GetManifestResourceNames()
            .FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No embedded plotly.js found in {asm.FullName}.");
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        if (source.Contains("</script", StringComparison.OrdinalIgnoreCase))
        {
            source = source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        }
        var version = name["Plotly.NET.plotly-".Length..^".min.js".Length];
        return (version, source);
    }
}
