using System.Text;
using System.Text.RegularExpressions;

namespace FromScratch.Runner;

/// <summary>The table printed at the end of a run: one row per notebook with ✓/✗, its time and its first error in one line.</summary>
internal sealed partial class RunSummary
{
    private readonly List<(string Name, bool Ok, TimeSpan Elapsed, string? Error)> _rows = [];

    public bool AllSucceeded => _rows.All(r => r.Ok);

    public void Add(string name, RunnerCli.ChildResult result, TimeSpan elapsed) =>
        _rows.Add((name, result.Succeeded, elapsed, result.Succeeded ? result.Skipped : result.Cell is { } c ? $"cell {c}: {result.Error}" : result.Error));

    public string Table()
    {
        var text = new StringBuilder("Summary\n");
        int width = Math.Max(8, _rows.Count == 0 ? 0 : _rows.Max(r => r.Name.Length));
        foreach (var (name, ok, elapsed, error) in _rows)
            text.Append($"  {(ok ? "✓" : "✗")} {name.PadRight(width)} {elapsed.TotalSeconds,7:0.0} s  {error}".TrimEnd()).Append('\n');
        int failed = _rows.Count(r => !r.Ok);
        text.Append(failed == 0 ? $"All {_rows.Count} notebook(s) ran without a failing cell.\n" : $"{failed} of {_rows.Count} notebook(s) failed.\n");
        int partial = _rows.Count(r => r.Ok && r.Error is not null);
        if (partial > 0) text.Append($"{partial} notebook(s) ran in part: the cells named above were left out.\n");
        return text.ToString();
    }

    /// <summary>The message without the stack trace lines a kernel adds.</summary>
    public static string WithoutStackTrace(string message) =>
        string.Join("\n", message.Replace("\r\n", "\n").Split('\n')
            .Where(l => !l.StartsWith("   at ", StringComparison.Ordinal) && !l.StartsWith("--- End of", StringComparison.Ordinal))).TrimEnd();

    /// <summary>The message without the stack trace and without a leading exception type name: what the user can act on.</summary>
    public static string Readable(string message) => ExceptionPrefix().Replace(WithoutStackTrace(message), "");

    /// <summary>The first line of the message, without a leading exception type name (<c>FromScratch.Data.DatasetException: </c>).</summary>
    public static string FirstLine(string message)
    {
        return Readable(message).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
    }

    [GeneratedRegex(@"^(?:[\w]+\.)*\w*Exception: ")]
    private static partial Regex ExceptionPrefix();
}
