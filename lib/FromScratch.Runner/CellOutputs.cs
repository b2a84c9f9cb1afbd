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
/// Stream text is stored up to <see cref="MaxStreamChars"/> per cell and echoed to the log up to <see cref="MaxEchoLines"/>
/// lines; the rest is counted, and a note says how much was left out. Time and memory are linear in the output, and bounded.
/// </summary>
public sealed class CellOutputs(SubmitCode command, DisplayedValues displayed, TextWriter log, int? executionCount)
{
    /// <summary>Stream characters stored per cell (stdout and stderr together); more is counted and noted, not stored.</summary>
    public const int MaxStreamChars = 1 << 20;

    /// <summary>Lines of a cell's streams echoed to the log.</summary>
    public const int MaxEchoLines = 200;

    private readonly object _gate = new();
    private readonly List<object> _outputs = []; // JsonObject, or StreamOutput until Finish
    private long _streamChars, _droppedChars, _echoedLines, _droppedLines;
    private string? _failure;

    /// <summary>The first error of the cell, or null.</summary>
    public string? Failure { get { lock (_gate) return _failure; } }

    /// <summary>Records a failure that did not come as an event (timeout, exception).</summary>
    public void Fail(string message) { lock (_gate) _failure ??= message; }

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

    private void Stream(string name, string text)
    {
        Echo(name, text);
        long room = Math.Max(0, MaxStreamChars - _streamChars);
        if (room < text.Length)
        {
            _droppedChars += text.Length - room;
            text = text[..(int)room];
        }
        if (text.Length == 0) return;
        _streamChars += text.Length;
        if (_outputs.LastOrDefault() is StreamOutput last && last.Name == name) last.Text.Append(text);
        else _outputs.Add(new StreamOutput(name, new StringBuilder(text)));
    }

    private void Echo(string name, string text)
    {
        foreach (var line in text.AsSpan().TrimEnd('\n').EnumerateLines())
        {
            if (_echoedLines++ >= MaxEchoLines) { _droppedLines++; continue; }
            log.WriteLine(name == "stdout" ? $"    │ {line}" : $"    │ stderr: {line}");
        }
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
