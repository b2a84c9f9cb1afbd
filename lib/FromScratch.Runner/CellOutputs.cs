using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace FromScratch.Runner;

/// <summary>
/// Turns one cell's kernel events into nbformat outputs, as a notebook front end does: consecutive writes to the same
/// stream join into one output; <see cref="DisplayedValueUpdated"/> replaces the data of the output that displayed that
/// value (in this cell or an earlier one, see <see cref="DisplayedValues"/>); the first error is kept.
/// What the cell prints arrives through <see cref="Write"/> (the runner's <see cref="CellConsole"/>), not as kernel events.
/// Stream text is stored up to <see cref="MaxStreamChars"/> per cell and echoed to the log line by line, up to
/// <see cref="MaxEchoLines"/> lines of at most <see cref="MaxEchoLineChars"/> characters; the rest is counted, and a note
/// says how much was left out. Time is linear in the output, and memory bounded.
/// </summary>
public sealed class CellOutputs(SubmitCode command, DisplayedValues displayed, TextWriter log, int? executionCount)
{
    /// <summary>Stream characters stored per cell (stdout and stderr together); more is counted and noted, not stored.</summary>
    public const int MaxStreamChars = 1 << 20;

    /// <summary>Lines of a cell's streams echoed to the log.</summary>
    public const int MaxEchoLines = 200;

    /// <summary>Characters of one echoed line; a longer line is cut, with "…".</summary>
    public const int MaxEchoLineChars = 2000;

    private readonly object _gate = new();
    private readonly List<object> _outputs = []; // JsonObject, or StreamOutput until Finish
    private long _streamChars, _droppedChars, _echoedLines, _droppedLines;
    private readonly StringBuilder _echoLine = new();
    private string? _echoName; // the stream whose line is being echoed; null when no line is open
    private string? _failure;

    /// <summary>The first error of the cell, or null.</summary>
    public string? Failure { get { lock (_gate) return _failure; } }

    /// <summary>Records a failure that did not come as an event (timeout, exception).</summary>
    public void Fail(string message) { lock (_gate) _failure ??= message; }

    /// <summary>Text the cell printed to <paramref name="name"/> (<c>stdout</c> or <c>stderr</c>).</summary>
    internal void Write(string name, ReadOnlySpan<char> text)
    {
        lock (_gate) Stream(name, text);
    }

    /// <summary>Maps one kernel event (of any command: the kernel's events are filtered by the caller's subscription).</summary>
    public void On(KernelEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    Stream("stdout", Text(o.FormattedValues));
                    break;
                case StandardErrorValueProduced o:
                    Stream("stderr", Text(o.FormattedValues));
                    break;
                case DisplayedValueUpdated u when u.ValueId is not null:
                    displayed.Update(u.ValueId, Data(u.FormattedValues));
                    break;
                case DisplayedValueProduced d when Data(d.FormattedValues) is { Count: > 0 } data:
                    var display = new JsonObject { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() };
                    _outputs.Add(display);
                    if (d.ValueId is not null) displayed.Add(d.ValueId, display);
                    break;
                case ReturnValueProduced r when Data(r.FormattedValues) is { Count: > 0 } value:
                    _outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result", ["data"] = value, ["metadata"] = new JsonObject(),
                        ["execution_count"] = executionCount,
                    });
                    break;
                case ErrorProduced error:
                    _failure ??= error.Message;
                    break;
                case CommandFailed failed when ReferenceEquals(failed.Command, command) || failed.Command.Parent is null:
                    _failure = failed.Message;
                    break;
            }
        }
    }

    /// <summary>The cell's nbformat outputs, with a note when output was left out and an error output when it failed.</summary>
    public List<JsonObject> Finish()
    {
        lock (_gate)
        {
            EndEchoLine();
            if (_droppedLines > 0) log.WriteLine($"    │ … {_droppedLines:N0} more line(s) not shown here");
            var outputs = _outputs.Select(o => o is StreamOutput s ? s.ToJson() : (JsonObject)o).ToList();
            if (_droppedChars > 0)
            {
                outputs.Add(new JsonObject
                {
                    ["output_type"] = "stream", ["name"] = "stderr",
                    ["text"] = $"[FromScratch.Runner: {_droppedChars:N0} more characters of output were not stored (the cap is {MaxStreamChars:N0} per cell).]\n",
                });
            }
            if (_failure is not null)
            {
                var lines = _failure.Replace("\r\n", "\n").Split('\n');
                outputs.Add(new JsonObject
                {
                    ["output_type"] = "error", ["ename"] = "Error", ["evalue"] = lines[0],
                    ["traceback"] = new JsonArray(lines.Select(l => (JsonNode?)l).ToArray()),
                });
            }
            return outputs;
        }
    }

    private void Stream(string name, ReadOnlySpan<char> text)
    {
        Echo(name, text);
        long room = Math.Max(0, MaxStreamChars - _streamChars);
        if (room < text.Length)
        {
            _droppedChars += text.Length - room;
            text = text[..(int)room];
        }
        if (text.IsEmpty) return;
        _streamChars += text.Length;
        if (_outputs.Count > 0 && _outputs[^1] is StreamOutput last && last.Name == name) last.Text.Append(text);
        else _outputs.Add(new StreamOutput(name, new StringBuilder().Append(text)));
    }

    /// <summary>Echoes whole lines: text is collected until a line break (or until the other stream writes).</summary>
    private void Echo(string name, ReadOnlySpan<char> text)
    {
        if (_echoName is not null && _echoName != name) EndEchoLine();
        while (!text.IsEmpty)
        {
            _echoName = name;
            int newline = text.IndexOf('\n');
            var piece = newline < 0 ? text : text[..newline];
            int room = _echoedLines < MaxEchoLines ? MaxEchoLineChars + 1 - _echoLine.Length : 0;
            if (room > 0) _echoLine.Append(piece[..Math.Min(room, piece.Length)]);
            if (newline < 0) return;
            EndEchoLine();
            text = text[(newline + 1)..];
        }
    }

    private void EndEchoLine()
    {
        if (_echoName is null) return;
        if (_echoedLines++ >= MaxEchoLines) _droppedLines++;
        else
        {
            var line = _echoLine.Length > MaxEchoLineChars ? _echoLine.ToString(0, MaxEchoLineChars) + " …" : _echoLine.ToString().TrimEnd('\r');
            log.WriteLine(_echoName == "stdout" ? $"    │ {line}" : $"    │ stderr: {line}");
        }
        _echoLine.Clear();
        _echoName = null;
    }

    private sealed record StreamOutput(string Name, StringBuilder Text)
    {
        public JsonObject ToJson() => new() { ["output_type"] = "stream", ["name"] = Name, ["text"] = Text.ToString() };
    }

    private static string Text(IReadOnlyCollection<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    private static JsonObject Data(IReadOnlyCollection<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values.Where(v => !v.SuppressDisplay)) data[v.MimeType] = v.Value;
        return data;
    }
}

/// <summary>Displayed outputs by value id, across the cells of one notebook: a later cell may update what an earlier one displayed.</summary>
public sealed class DisplayedValues
{
    private readonly Dictionary<string, JsonObject> _byId = [];

    internal void Add(string valueId, JsonObject output) { lock (_byId) _byId[valueId] = output; }

    internal void Update(string valueId, JsonObject data)
    {
        lock (_byId)
            if (_byId.TryGetValue(valueId, out var output)) output["data"] = data;
    }
}
