using System.Collections;
using System.Reflection;
using FromScratch.Charts;

namespace FromScratch.Apps;

/// <summary>
/// What a notebook front end does with a displayed value, in an app: text to the console, a picture (anything of
/// FromScratch.Charts that draws itself as HTML: charts, images, the computational graph, the draw pad) into the page,
/// with one line on the console saying so. A <see cref="TrainingView"/> shown and updated while training runs redraws one
/// progress line in place in a terminal, and goes into the page in its final state.
/// </summary>
public static class Display
{
    private static readonly List<DisplayedValue> s_live = [];

    /// <summary>Shows <paramref name="value"/> now (as a cell's displayed value would be).</summary>
    public static void Show(object? value)
    {
        if (value is null) return;
        if (value is TrainingView view)
        {
            Console.WriteLine("▸ " + view);   // its final line (a notebook shows it where the view was displayed); the chart into the page
            App.Page.Add(Html(view)!, view.ToString());
            return;
        }
        if (Html(value) is { } html)
        {
            var title = value is Chart c ? c.Title ?? "chart" : value.ToString() ?? value.GetType().Name;
            App.Page.Add(html, title);
            // Its text too where a notebook shows one (the type's formatter offers text/plain: the graph, the draw pad).
            if (OffersText(value.GetType())) Console.WriteLine(value.ToString());
            Console.WriteLine($"▸ {(value is Chart ? "chart" : value.GetType().Name)}: {FirstLine(title)} (in the page)");
            return;
        }
        Console.WriteLine(TextOf(value));
    }

    /// <summary>A displayed value that can be replaced in place (<c>KernelInvocationContext.Current.Display(x)</c>, <c>display(x)</c>).</summary>
    public static DisplayedValue Live(object? value)
    {
        var shown = new DisplayedValue(value);
        if (value is TrainingView) s_live.Add(shown);
        else Show(value);
        return shown;
    }

    /// <summary>Ends every live view: its final state into the page, the progress line finished.</summary>
    internal static void FinishLive()
    {
        foreach (var live in s_live) live.Finish();
        s_live.Clear();
    }

    /// <summary>Whether the type's formatter source (the attribute a kernel reads) lists text/plain among its MIME types.</summary>
    private static bool OffersText(Type type) =>
        type.GetCustomAttributes(false).FirstOrDefault(a => a.GetType().Name == "TypeFormatterSourceAttribute") is { } attribute
        && attribute.GetType().GetProperty("PreferredMimeTypes")?.GetValue(attribute) is string[] types && types.Contains("text/plain");

    /// <summary>The HTML of a FromScratch.Charts output (a public <c>ToHtml()</c> on a type of that assembly), else null.</summary>
    internal static string? Html(object value)
    {
        if (value.GetType().Assembly != typeof(Chart).Assembly) return null;
        return value.GetType().GetMethod("ToHtml", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.Invoke(value, null) as string;
    }

    /// <summary>
    /// The text of a value as a notebook shows it: its <c>ToString()</c> when it is a string, a number or a type with its own
    /// <c>ToString()</c>; a sequence one element a line (<c>index: element</c>); other objects their public properties.
    /// </summary>
    public static string TextOf(object? value)
    {
        switch (value)
        {
            case null: return "<null>";
            case string s: return s;
            case IFormattable f when value.GetType().IsPrimitive || value is decimal: return f.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
            case IDictionary d:
                return string.Join("\n", d.Keys.Cast<object>().Select(k => $"{k}: {Element(d[k])}"));
            case IEnumerable e when !HasOwnToString(value):
                return string.Join("\n", e.Cast<object?>().Select((x, i) => $"{i}: {Element(x)}"));
        }
        if (HasOwnToString(value)) return value.ToString() ?? "";
        var properties = value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0);
        return string.Join("\n", properties.Select(p => $"{p.Name}: {Element(p.GetValue(value))}"));
    }

    private static string Element(object? value) => value is null ? "<null>" : TextOf(value).Replace("\n", "; ");

    private static bool HasOwnToString(object value) =>
        value.GetType().GetMethod("ToString", Type.EmptyTypes)?.DeclaringType is { } t && t != typeof(object) && t != typeof(ValueType);

    private static string FirstLine(string text) => text.Split('\n')[0];
}

/// <summary>An output shown by <see cref="Display.Live"/>; <see cref="Update"/> replaces it.</summary>
public sealed class DisplayedValue
{
    private object? _value;
    private bool _finished;
    private int _lastLength;
    private static readonly bool s_terminal = !Console.IsOutputRedirected;

    internal DisplayedValue(object? value) => _value = value;

    /// <summary>Replaces the output with <paramref name="value"/>: a training view redraws its progress line in place.</summary>
    public void Update(object? value)
    {
        _value = value;
        if (value is TrainingView view)
        {
            if (!s_terminal) return;   // a log gets the final line only
            var line = "▸ " + view;
            var width = Math.Max(20, (Console.IsOutputRedirected ? 120 : SafeWidth()) - 1);
            if (line.Length > width) line = line[..width];
            Console.Write("\r" + line.PadRight(Math.Max(line.Length, _lastLength)));
            _lastLength = line.Length;
            if (view.Progress.IsFinished) Finish();
            return;
        }
        Display.Show(value);
    }

    internal void Finish()
    {
        if (_finished) return;
        _finished = true;
        if (s_terminal && _lastLength > 0) Console.Write("\r" + new string(' ', _lastLength) + "\r");
        Display.Show(_value);
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 120; }
        catch (IOException) { return 120; }
    }
}

/// <summary>
/// The one .NET Interactive call the notebooks make (<c>KernelInvocationContext.Current.Display(view)</c>, for the live
/// training view), answered by the app's display: the export leaves the notebook's code as it is.
/// </summary>
public sealed class KernelInvocationContext
{
    /// <summary>The app's display.</summary>
    public static KernelInvocationContext Current { get; } = new();

    /// <summary>Shows <paramref name="value"/>; the result's <c>Update</c> replaces it.</summary>
    public DisplayedValue Display(object? value, params string[] mimeTypes) => Apps.Display.Live(value);
}

/// <summary><c>display(x)</c> and <c>x.Display()</c> as in a notebook (the export adds <c>using static FromScratch.Apps.Notebook;</c>).</summary>
public static class Notebook
{
    /// <summary>Shows <paramref name="value"/> now; the result's <c>Update</c> replaces it.</summary>
    public static DisplayedValue display(object? value, params string[] mimeTypes) => Apps.Display.Live(value);

    /// <summary>Shows <paramref name="value"/> now; the result's <c>Update</c> replaces it.</summary>
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) => Apps.Display.Live(value);
}
