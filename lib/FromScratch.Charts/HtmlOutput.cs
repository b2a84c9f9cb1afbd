using System.IO;

namespace FromScratch.Charts;

/// <summary>
/// The .NET Interactive formatter convention, matched by name: a type marked with an attribute called
/// <c>TypeFormatterSourceAttribute</c> is formatted by the objects its source creates (a <c>MimeType</c> and a
/// <c>Format(object, TextWriter)</c>). This lets <see cref="DrawDigit"/> and <see cref="GraphDiagram"/> show as HTML
/// in every kernel without a reference to Microsoft.DotNet.Interactive and without a registration in setup.csx.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    public string[] PreferredMimeTypes { get; set; } = ["text/html", "text/plain"];
}

/// <summary>Creates the HTML and plain-text formatters of the outputs in this assembly that are not charts.</summary>
internal sealed class HtmlOutputFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => [new HtmlOutputFormatter("text/html"), new HtmlOutputFormatter("text/plain")];
}

/// <summary>Writes an output's HTML (for text/html) or its one-line summary (for text/plain).</summary>
internal sealed class HtmlOutputFormatter(string mimeType)
{
    public string MimeType { get; } = mimeType;

    public bool Format(object instance, TextWriter writer)
    {
        string? html = instance switch
        {
            DrawDigit d => d.ToHtml(),
            GraphDiagram g => g.ToHtml(),
            _ => null,
        };
        if (html is null) return false;
        writer.Write(MimeType == "text/html" ? html : instance.ToString());
        return true;
    }
}
