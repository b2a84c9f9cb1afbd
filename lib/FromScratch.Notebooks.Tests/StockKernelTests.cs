using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>Every notebook, cell by cell, in the kernel that VS Code (Polyglot Notebooks) starts.</summary>
public sealed class StockKernelTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Repo.Notebooks), MemberType = typeof(Repo))]
    public async Task Notebook_runs_in_the_stock_kernel(string notebook)
    {
        var cells = Repo.QuickNotebook(notebook)["cells"]!.AsArray()
            .Select((c, i) => (Number: i + 1, Cell: c!.AsObject()))
            .Where(c => (string?)c.Cell["cell_type"] == "code")
            .Select(c => (c.Number, Source: RunnerTests.Join(c.Cell["source"]),
                Kernel: (string?)c.Cell["metadata"]?["polyglot_notebook"]?["kernelName"] ?? "csharp"))
            .Where(c => !string.IsNullOrWhiteSpace(c.Source))
            .ToList();

        var stopwatch = Stopwatch.StartNew();
        var text = new StringBuilder();
        int charts = 0, updates = 0;
        var kernel = StdioKernel.Start(Repo.NotebooksDir);
        IReadOnlyList<string> leaked;
        try
        {
            bool first = true;
            foreach (var (number, source, kernelName) in cells)
            {
                Assert.True(kernelName == "csharp", $"{notebook} cell {number}: kernel '{kernelName}' (only C# notebooks are supported)");
                CellEvents result;
                if (first)
                {   // The kernel's start-up and the setup cell take seconds (at most about two minutes with a build of lib/). Twice in
                    // about forty runs the stock kernel, started over stdio, never answered its first cell, before any of our code
                    // ran (a diagnosis ruled out the engine); such a start is abandoned after 4 minutes and the kernel started once more.
                    first = false;
                    try { result = await kernel.SubmitAsync(source, TimeSpan.FromMinutes(4)); }
                    catch (TimeoutException e)
                    {
                        output.WriteLine($"cell {number}: the stock kernel did not answer its first cell in 4 minutes; starting it again ({e.Message.Split('\n')[0]})");
                        kernel.Dispose();
                        ProcessLeaks.Sweep();
                        kernel = StdioKernel.Start(Repo.NotebooksDir);
                        result = await kernel.SubmitAsync(source, TimeSpan.FromMinutes(10));
                    }
                }
                else result = await kernel.SubmitAsync(source, TimeSpan.FromMinutes(10));
                output.WriteLine($"cell {number}: {(result.Succeeded ? "ok" : "FAILED")} at {stopwatch.Elapsed.TotalSeconds:0.0} s");
                Assert.True(result.Succeeded, $"{notebook} cell {number} failed in the stock kernel: {result.Error}\n{kernel.Log()}");
                // No compiler warning and no stderr in any cell: Jupyter shows both as red stderr (e.g. CS1701 about MathNet's references).
                var noise = result.Events.Where(e => (string?)e["eventType"] is "StandardErrorValueProduced"
                        || (string?)e["eventType"] is "DiagnosticsProduced" && (e["event"]?["diagnostics"] as JsonArray ?? []).Any(d => (string?)d?["severity"] is "warning" or "error"))
                    .Select(e => e["event"]?.ToJsonString()).ToList();
                Assert.True(noise.Count == 0, $"{notebook} cell {number} printed a warning or stderr in the stock kernel: {string.Join("; ", noise)}");
                foreach (var e in result.Events)
                {
                    var type = (string?)e["eventType"];
                    var values = e["event"]?["formattedValues"] as JsonArray;
                    if (type is "StandardOutputValueProduced" && values is not null)
                        text.Append(string.Concat(values.Select(v => (string?)v?["value"])));
                    if (type is "DisplayedValueUpdated") updates++;
                    if (type is "DisplayedValueProduced" or "ReturnValueProduced" or "DisplayedValueUpdated" && values is not null)
                    {
                        foreach (var v in values)
                        {
                            var value = (string?)v?["value"] ?? "";
                            text.Append(NotebookExpectations.TextOf((string?)v?["mimeType"], value));
                            // An update redraws an output already counted: count the charts of new outputs only.
                            if ((string?)v?["mimeType"] == "text/html" && type is not "DisplayedValueUpdated"
                                && value.Contains("class=\"fromscratch-chart\"", StringComparison.Ordinal)) charts++;
                        }
                    }
                }
                // after every cell: whatever the cell did, the kernel and its children listen on loopback only (or not at all)
                var listening = ProcFs.ListeningAddresses(ProcFs.Descendants(kernel.ProcessId));
                Assert.True(listening.All(ProcFs.IsLoopback), $"after cell {number} the kernel listens beyond loopback: {string.Join(", ", listening)}");
            }
        }
        finally
        {
            kernel.Dispose();                  // kills the kernel's process tree …
            leaked = ProcessLeaks.Sweep();     // … and anything it detached (kills it too, so a failing test leaves nothing)
        }
        Assert.True(leaked.Count == 0, $"the stock kernel left processes running after it was disposed (now killed): {string.Join("; ", leaked)}");
        output.WriteLine($"stock kernel: {notebook} in {stopwatch.Elapsed.TotalSeconds:0.0} s, {updates} in-place update(s)");
        var expectation = NotebookExpectations.For(notebook);
        var problems = NotebookExpectations.Verify(expectation, text.ToString(), charts).ToList();
        if (updates < expectation.MinUpdates)
            problems.Add($"expected at least {expectation.MinUpdates} DisplayedValueUpdated event(s) (outputs updated in place), got {updates}");
        Assert.True(problems.Count == 0, $"{notebook} (stock kernel): {string.Join("; ", problems)}\n--- text outputs ---\n{text}");
    }
}
