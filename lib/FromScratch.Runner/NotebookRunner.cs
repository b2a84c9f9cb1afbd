using System.Diagnostics;
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

    /// <summary>What was left out and why (cells that need a dataset that cannot be had), or null.</summary>
    public string? Skipped { get; set; }
}

/// <summary>
/// Executes a notebook's C# cells in a fresh CompositeKernel, as Polyglot Notebooks would. It runs in the working directory
/// of its process: <see cref="RunnerCli"/> starts one process per notebook, in the notebook's folder.
/// </summary>
public static class NotebookRunner
{
    /// <param name="missingDatasets">Datasets that cannot be had (loader class → why): the cells from the first one that loads
    /// one of them on are not run; each gets an output saying so.</param>
    public static async Task<NotebookResult> RunAsync(string path, JsonObject notebook, TimeSpan cellTimeout, TextWriter log,
        IReadOnlyDictionary<string, string>? missingDatasets = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var cells = ReadCells(path, notebook);
        var result = new NotebookResult(path, notebook, cells);
        int codeCells = cells.Count(c => c.Type == "code");
        log.WriteLine($"▶ {result.Name}: {cells.Count} cells ({codeCells} code)");

        using var kernel = CreateKernel(out var console);
        int executionCount = 0;
        var displayed = new DisplayedValues();
        missingDatasets ??= new Dictionary<string, string>();
        var skipFrom = cells.FirstOrDefault(c => c.Type == "code" && DatasetCheck.Loaders(c.Source).Any(missingDatasets.ContainsKey));
        foreach (var cell in cells.Where(c => c.Type == "code"))
        {
            if (string.IsNullOrWhiteSpace(cell.Source)) continue;
            if (skipFrom is not null && cell.Number >= skipFrom.Number)
            {
                var loader = DatasetCheck.Loaders(skipFrom.Source).First(missingDatasets.ContainsKey);
                var reason = $"{DatasetCheck.DatasetName(loader)} cannot be had ({missingDatasets[loader]})";
                var last = cells.Last(c => c.Type == "code" && !string.IsNullOrWhiteSpace(c.Source)).Number;
                result.Skipped = $"{(last == skipFrom.Number ? $"cell {last}" : $"cells {skipFrom.Number}–{last}")} not run: {reason}";
                foreach (var left in cells.Where(c => c.Type == "code" && c.Number >= skipFrom.Number && !string.IsNullOrWhiteSpace(c.Source)))
                    left.Outputs.Add(new JsonObject
                    {
                        ["output_type"] = "stream", ["name"] = "stderr",
                        ["text"] = $"⚠ not run by FromScratch.Runner: {reason}.\n",
                    });
                log.WriteLine($"  ⚠ {result.Skipped}");
                break;
            }
            if (cell.KernelName is not null and not "csharp")
            {
                result.Failure = new CellFailure(cell.Number, $"cell language '{cell.KernelName}' is not supported by this runner (C# only).");
                log.WriteLine($"  [{cell.Number}/{cells.Count}] ✗ {result.Failure.Message}");
                break;
            }
            cell.ExecutionCount = ++executionCount;
            var failure = await RunCellAsync(kernel, console, cell, displayed, cellTimeout, log, cells.Count);
            if (failure is not null)
            {
                result.Failure = new CellFailure(cell.Number, failure);
                break;
            }
        }
        result.Elapsed = stopwatch.Elapsed;
        return result;
    }

    /// <summary>The kernel Polyglot Notebooks would start for C#, with <paramref name="console"/> receiving what its cells print.</summary>
    private static CompositeKernel CreateKernel(out CellConsole console)
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            }, forceRestore: false)
            .UseKernelHelpers()
            .UseValueSharing();
        console = CellConsole.Install(csharp);
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    /// <summary>Runs one cell and records its outputs (see <see cref="CellOutputs"/>); returns the failure or null.</summary>
    private static async Task<string?> RunCellAsync(CompositeKernel kernel, CellConsole console, CellResult cell, DisplayedValues displayed,
        TimeSpan timeout, TextWriter log, int cellCount)
    {
        var stopwatch = Stopwatch.StartNew();
        var command = new SubmitCode(cell.Source, "csharp");
        var outputs = new CellOutputs(command, displayed, log, cell.ExecutionCount);
        using (kernel.KernelEvents.Subscribe(outputs.On))
        using (console.Capture(outputs))
        {
            try
            {
                var result = await kernel.SendAsync(command).WaitAsync(timeout);
                foreach (var e in result.Events.OfType<CommandFailed>().Where(f => ReferenceEquals(f.Command, command))) outputs.Fail(e.Message);
            }
            catch (TimeoutException)
            {
                outputs.Fail($"the cell did not finish within {timeout.TotalSeconds:0} s (--cell-timeout).");
            }
            catch (Exception e)
            {
                outputs.Fail($"{e.GetType().Name}: {e.Message}");
            }
        }
        cell.Ran = true;
        cell.Elapsed = stopwatch.Elapsed;
        cell.Outputs.AddRange(outputs.Finish());
        var failure = outputs.Failure;
        log.WriteLine(failure is null
            ? $"  [{cell.Number}/{cellCount}] ✓ {cell.Elapsed.TotalSeconds:0.0} s, {cell.Outputs.Count} output(s)"
            : $"  [{cell.Number}/{cellCount}] ✗ failed after {cell.Elapsed.TotalSeconds:0.0} s: {RunSummary.Readable(failure)}");
        return failure;
    }

    private static List<CellResult> ReadCells(string path, JsonObject notebook)
    {
        // The Documents parser knows Polyglot's per-cell kernel metadata and #!magic; cell order is the same as in the JSON.
        InteractiveDocument document;
        try
        {
            document = Notebook.Parse(notebook.ToJsonString(), new KernelInfoCollection { new("csharp", "C#", aliases: ["c#", "C#"]) });
        }
        catch (Exception e)
        {
            throw new NotebookFormatException($"{path}: not a valid notebook ({e.Message}).");
        }
        var jsonCells = notebook["cells"]!.AsArray();
        var result = new List<CellResult>();
        int codeIndex = 0;
        var codeElements = document.Elements.Where(e => e.KernelName != "markdown").ToList();
        for (int i = 0; i < jsonCells.Count; i++)
        {
            var cell = jsonCells[i]!.AsObject();
            var type = (string?)cell["cell_type"] ?? "code";
            var source = NotebookParameters.Source(cell);
            string? kernelName = null;
            if (type == "code")
            {
                // Elements hold markdown cells too; match code cells by position among non-markdown elements.
                var element = codeElements.Skip(codeIndex++).FirstOrDefault();
                kernelName = element?.KernelName;
                if (element is not null && kernelName is "csharp" or null) source = element.Contents;
            }
            result.Add(new CellResult(i + 1, cell, type, source.Replace("\r\n", "\n"), kernelName));
        }
        return result;
    }
}
