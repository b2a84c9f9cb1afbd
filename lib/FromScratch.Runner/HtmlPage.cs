using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;

namespace FromScratch.Runner;

/// <summary>
/// Renders an executed notebook as one self-contained HTML page: markdown, code, outputs and charts.
/// plotly.js is included once at the top (taken from the setup cell's output), not per chart, and needs no network.
/// </summary>
public static class HtmlPage
{
    private const string PlotlyMarker = "data-fromscratch-plotly";
    private static readonly MarkdownPipeline s_markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Render(NotebookResult result)
    {
        var html = new StringBuilder();
        var title = WebUtility.HtmlEncode(result.Name);
        var plotly = result.Cells.SelectMany(c => c.Outputs).Select(Html).FirstOrDefault(h => h?.Contains(PlotlyMarker, StringComparison.Ordinal) == true);
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{title}}</title>
            <style>
              body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK KR", sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.5; }
              .cell { margin: 1em 0; }
              .code .label, .output .label { color: #57606a; font: 12px ui-monospace, monospace; }
              pre { background: #f6f8fa; padding: .7em; overflow-x: auto; border-radius: 6px; font-size: 13px; }
              .output pre { background: #fff; border-left: 3px solid #d0d7de; border-radius: 0; }
              .output pre.error { border-left-color: #cf222e; color: #82071e; background: #fff5f5; }
              .status { padding: .5em .8em; border-radius: 6px; background: #dafbe1; }
              .status.failed { background: #ffebe9; }
              table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 2px 6px; }
            </style>
            </head>
            <body>
            <div hidden>{{plotly ?? "<!-- no chart in this notebook: plotly.js not included -->"}}</div>
            <h1 class="notebook-title">{{title}}</h1>

            """);
        var ran = result.Cells.Count(c => c.Ran);
        html.Append(result.Failure is { } f
            ? $"<p class=\"status failed\">Cell {f.CellNumber} failed: {WebUtility.HtmlEncode(f.Message.Split('\n')[0])}</p>\n"
            : $"<p class=\"status\">Ran {ran} code cell(s) in {result.Elapsed.TotalSeconds:0.0} s with no failure.</p>\n");
        if (result.Skipped is { } skipped) html.Append($"<p class=\"status failed\">{WebUtility.HtmlEncode(skipped)}</p>\n");

        foreach (var cell in result.Cells)
        {
            if (cell.Type == "markdown")
            {
                html.Append("<div class=\"cell markdown\">\n").Append(Markdown.ToHtml(cell.Source, s_markdown)).Append("</div>\n");
                continue;
            }
            if (cell.Type != "code") continue;
            var count = cell.ExecutionCount?.ToString() ?? " ";
            html.Append($"<div class=\"cell code\" id=\"cell-{cell.Number}\"><div class=\"label\">In [{count}]:</div><pre><code class=\"language-csharp\">")
                .Append(WebUtility.HtmlEncode(cell.Source)).Append("</code></pre>\n");
            foreach (var output in cell.Outputs)
            {
                html.Append("<div class=\"output\">").Append(RenderOutput(output)).Append("</div>\n");
            }
            html.Append("</div>\n");
        }
        html.Append("""
            <script>
            // Lets a test (or a reader) see that every chart has drawn: body[data-charts-rendered] = "drawn/total".
            (function () {
              function check() {
                var charts = document.querySelectorAll(".fromscratch-chart");
                var drawn = document.querySelectorAll(".fromscratch-chart[data-rendered=true]").length;
                document.body.setAttribute("data-charts-rendered", drawn + "/" + charts.length);
                document.body.setAttribute("data-page-height", String(document.documentElement.scrollHeight));
                if (drawn < charts.length) { setTimeout(check, 100); }
              }
              check();
            })();
            </script>
            </body>
            </html>

            """);
        return html.ToString();
    }

    private static string? Html(JsonObject output) => (string?)(output["data"] as JsonObject)?["text/html"];

    private static string RenderOutput(JsonObject output)
    {
        switch ((string?)output["output_type"])
        {
            case "stream":
                return $"<pre class=\"{WebUtility.HtmlEncode((string?)output["name"])}\">{WebUtility.HtmlEncode((string?)output["text"])}</pre>";
            case "error":
                var lines = (output["traceback"] as JsonArray)?.Select(l => (string?)l) ?? [(string?)output["evalue"]];
                return $"<pre class=\"error\">{WebUtility.HtmlEncode(string.Join("\n", lines))}</pre>";
            default:
                if (output["data"] is not JsonObject data) return "";
                if ((string?)data["text/html"] is { } html)
                {
                    // The page already has plotly.js at the top: keep only the loader's caption.
                    return html.Contains(PlotlyMarker, StringComparison.Ordinal)
                        ? "<small>plotly.js: included once at the top of this page.</small>"
                        : html;
                }
                if ((string?)data["image/svg+xml"] is { } svg) return svg;
                if ((string?)data["image/png"] is { } png) return $"<img src=\"data:image/png;base64,{png}\">";
                if ((string?)data["text/markdown"] is { } md) return Markdown.ToHtml(md, s_markdown);
                if ((string?)data["text/plain"] is { } text) return $"<pre>{WebUtility.HtmlEncode(text)}</pre>";
                return "";
        }
    }
}
