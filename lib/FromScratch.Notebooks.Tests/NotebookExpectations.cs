using System.Text.RegularExpressions;

namespace FromScratch.Notebooks.Tests;

/// <summary>What a notebook must show when it runs with FROMSCRATCH_QUICK=1 (in the runner and in the stock kernel).</summary>
/// <param name="MinCharts">How many chart outputs (FromScratch.Charts) the notebook displays at least.</param>
/// <param name="Patterns">Regexes that must each match the notebook's text: stdout plus the text/plain of its values.</param>
/// <param name="Check">Any further check of that text; returns an error message, or null when it passes.</param>
/// <param name="MinUpdates">
/// How many outputs updates (DisplayedValueUpdated, e.g. a live training view) the stock kernel must send at least. The runner
/// replaces an updated output in place, so its pages hold only the final state (the text of which the patterns also see).
/// </param>
public sealed record NotebookExpectation(int MinCharts = 0, string[]? Patterns = null, Func<string, string?>? Check = null, int MinUpdates = 0);

/// <summary>
/// Key outputs per notebook. ADD A ROW HERE when you add or change a notebook: the charts it draws and the lines
/// that prove it taught the right thing. A notebook without a row only has to run without a failing cell.
/// </summary>
public static class NotebookExpectations
{
    public static readonly IReadOnlyDictionary<string, NotebookExpectation> All = new Dictionary<string, NotebookExpectation>
    {
        ["00-smoke"] = new(
            MinCharts: 7,
            Patterns:
            [
                @"FromScratch setup: lib (built|up to date) \(obj/notebooks/[0-9a-f]{12}\)",
                @"plotly\.js \d+\.\d+\.\d+ loaded offline",
                @"Quick mode \(tests only\): True",
            ]),
        ["05-explore"] = new(
            // sample digits, live view, W1 images, confusion matrix, mistakes, two sweeps
            MinCharts: 7,
            Patterns:
            [
                @"TrainingOptions \{ Iterations = 1201, BatchSize = 100, LearningRate = 0\.1, HiddenSize = 20, WeightInitStd = 0\.01, Seed = 1 \}",
                @"^Train Accuracy : [\d.]+  Test Accuracy : [\d.]+$",
                @"Training: learning rate 0\.1, hidden 20, batch 100: done: iteration 1201/1201 \(100%\)",
                @"^test accuracy 0\.[89]\d{3} \(\d+/10000\)$",
                @"^  \d → \d: \d+ \([\d.]+% of \d\)$",
                @"^#\d+: \d taken for \d \(\d+\.\d%; \d got \d+\.\d%\)$",
                @"^learning rate 0\.01: test accuracy 0\.\d{4} at iteration 1200",
                @"^learning rate 5: ",
                @"^learning rate sweep: 5 runs × 1201 iterations in \d+\.\d s$",
                @"^hidden size 100: test accuracy 0\.\d{4} at iteration 1200",
                @"^hidden size sweep: 4 runs × 1201 iterations in \d+\.\d s$",
                @"^Training diverged at iteration \d+: .* The learning rate 100 is probably too large; try a smaller one",
            ],
            Check: text => text.Contains("did not diverge", StringComparison.Ordinal) ? "learning rate 100 did not diverge" : null,
            MinUpdates: 2),
        // ["01-functions"] = new(MinCharts: 1, Patterns: [@"NaN"]),
        // ["02-numerical-gradient"] = new(MinCharts: 1, Patterns: [...]),
        // ["03-two-layer-net"] = new(Patterns: [@"W1 \(784, 20\)"], Check: MaxDeltaAtMost(1e-8)),
        // ["04-training"] = new(MinCharts: 2, Patterns: [@"Train Accuracy : [\d.]+ Test Accuracy : [\d.]+"]),
    };

    public static NotebookExpectation For(string notebook) => All.TryGetValue(notebook, out var e) ? e : new();

    /// <summary>Checks <paramref name="text"/> against <paramref name="expectation"/>; returns every problem found.</summary>
    public static IReadOnlyList<string> Verify(NotebookExpectation expectation, string text, int charts)
    {
        var problems = new List<string>();
        if (charts < expectation.MinCharts) problems.Add($"expected at least {expectation.MinCharts} chart(s), found {charts}");
        foreach (var pattern in expectation.Patterns ?? [])
        {
            if (!Regex.IsMatch(text, pattern, RegexOptions.Multiline)) problems.Add($"no output matches /{pattern}/");
        }
        if (expectation.Check?.Invoke(text) is { } message) problems.Add(message);
        return problems;
    }
}
