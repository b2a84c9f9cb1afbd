using System.Text.Json;
using System.Text.Json.Nodes;

namespace FromScratch.Runner;

/// <summary>A notebook file that cannot be run: not JSON, empty, not an object, no <c>cells</c> array, a cell that is not an object.</summary>
public sealed class NotebookFormatException(string message) : Exception(message);

/// <summary>Reads and checks a .ipynb file before anything runs.</summary>
public static class NotebookFile
{
    /// <summary>The notebook's JSON, checked for the shape the runner needs; <see cref="NotebookFormatException"/> names the file and the fault.</summary>
    public static JsonObject Read(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException($"{path}: cannot be read ({e.Message}).");
        }
        if (string.IsNullOrWhiteSpace(json)) throw new NotebookFormatException($"{path}: the file is empty, not a notebook.");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{path}: not JSON ({e.Message}).");
        }
        if (node is not JsonObject notebook)
            throw new NotebookFormatException($"{path}: a JSON {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}, not a notebook (a JSON object with \"cells\").");
        if (notebook["cells"] is not JsonArray cells)
            throw new NotebookFormatException($"{path}: no \"cells\" array, not a notebook.");
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell)
                throw new NotebookFormatException($"{path}: cell {i + 1} is not a JSON object.");
            if (cell["source"] is not (null or JsonArray or JsonValue))
                throw new NotebookFormatException($"{path}: cell {i + 1} has a \"source\" that is neither text nor a list of lines.");
        }
        return notebook;
    }
}
