using System.Diagnostics;
using System.Reactive.Linq;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace FromScratch.Runner;

/// <summary>One cell after the run: its source and the nbformat outputs it produced.</summary>
public sealed class CellResult(int number, JsonObject cell, string type, string source, string? kernelName)
{
    /// <summary>1-based position in the notebook (markdown cells count too, as in an editor).</summary>
    public int Number { get; } = number;
    public JsonObject Cell { get; } = cell;
    public string Type { get; } = type;
    public string Source { get; } = source;
    public string? KernelName { get; } = kernelName;
    public List<JsonObject> Outputs { get; } = [];
    public int? ExecutionCount { get; set; }
    public bool Ran { get; set; }
    public TimeSpan Elapsed { get; set; }
}

/// <summary>The first failing cell of a notebook.</summary>
public sealed record CellFailure(int CellNumber, string Message);

/// <summary>A notebook after the run.</summary>
public sealed class NotebookResult(string path, JsonObject notebook, List<CellResult> cells)
{
    public string Path { get; } = path;
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);
    public JsonObject Notebook { get; } = notebook;
    public List<CellResult> Cells { get; } = cells;
    public CellFailure? Failure { get; set; }
    public TimeSpan Elapsed { get; set; }
}

/// <summary>Executes a notebook's C# cells in a fresh CompositeKernel, as Polyglot Notebooks would.</summary>
public static class NotebookRunner
{
    public static async Task<NotebookResult> RunAsync(string path, TimeSpan cellTimeout, TextWriter log)
    {
        var stopwatch = Stopwatch.StartNew();
        var json = await File.ReadAllTextAsync(path);
        var notebook = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON notebook.");
        var cells = ReadCells(path, json, notebook);
        var result = new NotebookResult(path, notebook, cells);
        var name = result.Name;
        int codeCells = cells.Count(c => c.Type == "code");
        log.WriteLine($"▶ {name}: {cells.Count} cells ({codeCells} code)");

        var previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var kernel = CreateKernel();
        try
        {
            int executionCount = 0;
            // Displayed outputs by value id, across cells: a later cell may update a value an earlier cell displayed.
            var displayed = new Dictionary<string, JsonObject>();
            foreach (var cell in cells.Where(c => c.Type == "code"))
            {
                if (string.IsNullOrWhiteSpace(cell.Source)) continue;
                if (cell.KernelName is not null and not "csharp")
                {
                    result.Failure = new CellFailure(cell.Number, $"cell language '{cell.KernelName}' is not supported by this runner (C# only).");
                    log.WriteLine($"  [{cell.Number}/{cells.Count}] ✗ {result.Failure.Message}");
                    break;
                }
                cell.ExecutionCount = ++executionCount;
                var failure = await RunCellAsync(kernel, cell, displayed, cellTimeout, log, cells.Count);
                if (failure is not null)
                {
                    result.Failure = new CellFailure(cell.Number, failure);
                    break;
                }
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
        result.Elapsed = stopwatch.Elapsed;
        return result;
    }

    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            }, forceRestore: false)
            .UseKernelHelpers()
            .UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    /// <summary>
    /// Runs one cell and records its outputs. <see cref="DisplayedValueUpdated"/> replaces the data of the output that displayed
    /// that value (in this cell or an earlier one) in place, as a notebook front end does: a progress display updated a
    /// hundred times leaves one output with its final state.
    /// </summary>
    private static async Task<string?> RunCellAsync(CompositeKernel kernel, CellResult cell, Dictionary<string, JsonObject> displayed,
        TimeSpan timeout, TextWriter log, int cellCount)
    {
        var stopwatch = Stopwatch.StartNew();
        var command = new SubmitCode(cell.Source, "csharp");
        string? failure = null;
        var gate = new object();

        void OnEvent(KernelEvent e)
        {
            lock (gate)
            {
                switch (e)
                {
                    case StandardOutputValueProduced o:
                        AddStream(cell, "stdout", Text(o.FormattedValues));
                        foreach (var line in Text(o.FormattedValues).TrimEnd('\n').Split('\n')) log.WriteLine("    │ " + line);
                        break;
                    case StandardErrorValueProduced o:
                        AddStream(cell, "stderr", Text(o.FormattedValues));
                        foreach (var line in Text(o.FormattedValues).TrimEnd('\n').Split('\n')) log.WriteLine("    │ stderr: " + line);
                        break;
                    case DisplayedValueUpdated u when u.ValueId is not null && displayed.TryGetValue(u.ValueId, out var output):
                        output["data"] = Data(u.FormattedValues);
                        break;
                    case DisplayedValueProduced d:
                        if (Data(d.FormattedValues) is { Count: > 0 } data)
                        {
                            var display = new JsonObject { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() };
                            cell.Outputs.Add(display);
                            if (d.ValueId is not null) displayed[d.ValueId] = display;
                        }
                        break;
                    case ReturnValueProduced r:
                        if (Data(r.FormattedValues) is { Count: > 0 } value)
                        {
                            cell.Outputs.Add(new JsonObject
                            {
                                ["output_type"] = "execute_result", ["data"] = value, ["metadata"] = new JsonObject(),
                                ["execution_count"] = cell.ExecutionCount,
                            });
                        }
                        break;
                    case ErrorProduced error:
                        failure ??= error.Message;
                        break;
                    case CommandFailed failed when ReferenceEquals(failed.Command, command) || failed.Command.Parent is null:
                        failure = failed.Message;
                        break;
                }
            }
        }

        using (kernel.KernelEvents.Subscribe(OnEvent))
        {
            try
            {
                var run = kernel.SendAsync(command);
                var result = await run.WaitAsync(timeout);
                foreach (var e in result.Events.OfType<CommandFailed>().Where(f => ReferenceEquals(f.Command, command)))
                    lock (gate) failure ??= e.Message;
            }
            catch (TimeoutException)
            {
                lock (gate) failure = $"the cell did not finish within {timeout.TotalSeconds:0} s (--cell-timeout).";
            }
            catch (Exception e)
            {
                lock (gate) failure = $"{e.GetType().Name}: {e.Message}";
            }
        }

        cell.Ran = true;
        cell.Elapsed = stopwatch.Elapsed;
        lock (gate)
        {
            if (failure is not null)
            {
                var lines = failure.Replace("\r\n", "\n").Split('\n');
                cell.Outputs.Add(new JsonObject
                {
                    ["output_type"] = "error",
                    ["ename"] = "Error",
                    ["evalue"] = lines[0],
                    ["traceback"] = new JsonArray(lines.Select(l => (JsonNode?)l).ToArray()),
                });
                log.WriteLine($"  [{cell.Number}/{cellCount}] ✗ failed after {cell.Elapsed.TotalSeconds:0.0} s: {failure}");
            }
            else
            {
                log.WriteLine($"  [{cell.Number}/{cellCount}] ✓ {cell.Elapsed.TotalSeconds:0.0} s, {cell.Outputs.Count} output(s)");
            }
            return failure;
        }
    }

    private static string Text(IReadOnlyCollection<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    private static JsonObject Data(IReadOnlyCollection<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values.Where(v => !v.SuppressDisplay)) data[v.MimeType] = v.Value;
        return data;
    }

    private static void AddStream(CellResult cell, string stream, string text)
    {
        if (cell.Outputs.LastOrDefault() is { } last && (string?)last["output_type"] == "stream" && (string?)last["name"] == stream)
        {
            last["text"] = (string?)last["text"] + text;
            return;
        }
        cell.Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = stream, ["text"] = text });
    }

    private static List<CellResult> ReadCells(string path, string json, JsonObject notebook)
    {
        // The Documents parser knows Polyglot's per-cell kernel metadata and #!magic; cell order is the same as in the JSON.
        InteractiveDocument? document = null;
        try
        {
            document = Notebook.Parse(json, new KernelInfoCollection { new("csharp", "C#", aliases: ["c#", "C#"]) });
        }
        catch (Exception e)
        {
            throw new InvalidDataException($"{path}: not a valid notebook ({e.Message}).", e);
        }
        var jsonCells = notebook["cells"] as JsonArray ?? throw new InvalidDataException($"{path}: no cells array.");
        var result = new List<CellResult>();
        int codeIndex = 0;
        var codeElements = document.Elements.ToList();
        for (int i = 0; i < jsonCells.Count; i++)
        {
            var cell = jsonCells[i]!.AsObject();
            var type = (string?)cell["cell_type"] ?? "code";
            var source = cell["source"] switch
            {
                JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
                JsonValue value => (string?)value ?? "",
                _ => "",
            };
            string? kernelName = null;
            if (type == "code")
            {
                // Elements hold markdown cells too; match code cells by position among non-markdown elements.
                var element = codeElements.Where(e => e.KernelName != "markdown").Skip(codeIndex++).FirstOrDefault();
                kernelName = element?.KernelName;
                if (element is not null && kernelName is "csharp" or null) source = element.Contents;
            }
            result.Add(new CellResult(i + 1, cell, type, source.Replace("\r\n", "\n"), kernelName));
        }
        return result;
    }
}
