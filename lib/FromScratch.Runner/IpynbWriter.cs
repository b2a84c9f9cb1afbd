using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FromScratch.Runner;

/// <summary>Writes an executed notebook: the original cells and metadata, with outputs and execution counts (nbformat 4.5).</summary>
public static class IpynbWriter
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(NotebookResult result)
    {
        var notebook = result.Notebook.DeepClone().AsObject();
        notebook["nbformat"] = 4;
        notebook["nbformat_minor"] = 5;
        var metadata = notebook["metadata"] as JsonObject ?? new JsonObject();
        notebook["metadata"] = metadata;
        metadata["kernelspec"] ??= new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        metadata["language_info"] ??= new JsonObject { ["name"] = "polyglot-notebook" };
        metadata["polyglot_notebook"] ??= new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        };

        var cells = new JsonArray();
        foreach (var cell in result.Cells)
        {
            var copy = cell.Cell.DeepClone().AsObject();
            copy["id"] ??= $"cell-{cell.Number:D3}";
            copy["metadata"] ??= new JsonObject();
            if (cell.Type == "code")
            {
                copy["execution_count"] = cell.ExecutionCount;
                copy["outputs"] = new JsonArray(cell.Outputs.Select(o => (JsonNode?)ToNbformat(o)).ToArray());
            }
            else
            {
                copy.Remove("outputs");
                copy.Remove("execution_count");
            }
            cells.Add(copy);
        }
        notebook["cells"] = cells;
        return notebook.ToJsonString(s_options) + "\n";
    }

    /// <summary>nbformat stores multi-line strings as arrays of lines.</summary>
    private static JsonObject ToNbformat(JsonObject output)
    {
        var copy = output.DeepClone().AsObject();
        if (copy["text"] is JsonValue text) copy["text"] = Lines((string?)text ?? "");
        if (copy["data"] is JsonObject data)
        {
            foreach (var key in data.Select(p => p.Key).ToList())
            {
                if (data[key] is not JsonValue v || !v.TryGetValue<string>(out var s)) continue;
                if (key.EndsWith("json", StringComparison.Ordinal))
                {
                    // nbformat stores JSON mime types as JSON, not as a string.
                    try { data[key] = JsonNode.Parse(s); } catch (JsonException) { data[key] = Lines(s); }
                }
                else
                {
                    data[key] = Lines(s);
                }
            }
        }
        return copy;
    }

    private static JsonArray Lines(string s)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\n') continue;
            lines.Add(s[start..(i + 1)]);
            start = i + 1;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }
}
