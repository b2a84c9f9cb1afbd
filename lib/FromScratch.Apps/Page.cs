using System.Net;
using System.Text;
using FromScratch.Charts;

namespace FromScratch.Apps;

/// <summary>
/// The app's HTML page: every picture the app showed, in order, under the number of its cell; plotly.js embedded once, so it
/// draws offline. Written to a temporary file and renamed.
/// </summary>
internal sealed class Page(string name)
{
    private readonly List<(int Cell, string Title, string Html)> _items = [];
    private int _cell;

    public int Count => _items.Count;

    public void Cell(int number) => _cell = number;

    public void Add(string html, string title) => _items.Add((_cell, title, html));

    public string Render()
    {
        var page = new StringBuilder();
        page.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{WebUtility.HtmlEncode(name)}</title>
            <style>
              body {"{"} font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; {"}"}
              .cell {"{"} margin: 1.5em 0; {"}"} .label {"{"} color: #57606a; font-size: .85em; {"}"}
            </style>
            </head>
            <body>
            <div hidden>{PlotlyJs.LoaderHtml()}</div>
            <h1>{WebUtility.HtmlEncode(name)}</h1>
            <p>The pictures of the app {WebUtility.HtmlEncode(name)}.cs (exported from the notebook {WebUtility.HtmlEncode(name)}.ipynb), by cell.</p>

            """);
        foreach (var (cell, title, html) in _items)
            page.Append($"<div class=\"cell\" id=\"cell-{cell}\"><div class=\"label\">cell {cell}: {WebUtility.HtmlEncode(title.Split('\n')[0])}</div>\n{html}\n</div>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    public void Write(string path)
    {
        var temp = path + ".fromscratch-tmp";
        File.WriteAllText(temp, Render());
        File.Move(temp, path, overwrite: true);
    }
}
