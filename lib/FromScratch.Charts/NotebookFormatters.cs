namespace FromScratch.Charts;

// How a .NET Interactive kernel (Polyglot Notebooks, Jupyter, our runner) shows this library's outputs, with no
// registration in the notebook: the kernel's Formatter looks for an attribute *named* TypeFormatterSourceAttribute on the
// displayed value's type and uses the formatters its source creates, by convention (so this library needs no kernel package).

/// <summary>Names the formatter source of a type and the MIME types its outputs carry, the preferred one first.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    public string[] PreferredMimeTypes { get; set; } = [NotebookFormatter.Html];
}

/// <summary>An output that draws itself as an HTML fragment: <see cref="Chart"/>, <see cref="TrainingView"/>, <see cref="DrawDigit"/>, <see cref="GraphDiagram"/>.</summary>
internal interface IHtmlOutput
{
    string ToHtml();
}

/// <summary>The formatters of every <see cref="IHtmlOutput"/>: HTML from <c>ToHtml()</c>, text from <c>ToString()</c>.</summary>
internal sealed class NotebookFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => [new NotebookFormatter(NotebookFormatter.Html), new NotebookFormatter(NotebookFormatter.PlainText)];
}

/// <summary>One MIME type's formatter, in the shape the kernel's Formatter expects by convention.</summary>
internal sealed class NotebookFormatter(string mimeType)
{
    public const string Html = "text/html";
    public const string PlainText = "text/plain";

    public string MimeType { get; } = mimeType;

    /// <summary>Writes <paramref name="instance"/> as <see cref="MimeType"/>; <see langword="false"/> for a value it does not know.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        var text = (instance, MimeType) switch
        {
            (IHtmlOutput o, Html) => o.ToHtml(),
            (IHtmlOutput, PlainText) => instance.ToString(),
            _ => null,
        };
        if (text is not null) writer.Write(text);
        return text is not null;
    }
}
