using System.Globalization;
using System.Text.RegularExpressions;

namespace FromScratch.Notebooks.Tests;

/// <summary>What a notebook must show when it runs with FROMSCRATCH_QUICK=1 (in the runner and in the stock kernel).</summary>
/// <param name="MinCharts">How many chart outputs (FromScratch.Charts) the notebook displays at least.</param>
/// <param name="Patterns">Regexes that must each match the notebook's text: stdout plus the text/plain of its values.</param>
/// <param name="Check">Any further check of that text; returns an error message, or null when it passes.</param>
public sealed record NotebookExpectation(int MinCharts = 0, string[]? Patterns = null, Func<string, string?>? Check = null);

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
        ["06-fashion-mnist"] = new(
            MinCharts: 5,   // sample images, accuracy per epoch, per-class bars, confusion heatmap, confident mistakes
            Patterns:
            [
                @"0 = T-shirt/top, 1 = Trouser, 2 = Pullover, .*, 6 = Shirt, .*, 9 = Ankle boot",
                @"Train Accuracy : [\d.]+\s+Test Accuracy : [\d.]+",
                @"^Shirt\s+0\.\d{3}\s+\(\s*\d+/1000\)",
                @"^Trouser\s+0\.\d{3}\s+\(\s*\d+/1000\)",
                @"(T-shirt/top|Pullover|Coat|Shirt) → (T-shirt/top|Pullover|Coat|Shirt): \d+ \([\d.]+% of",
                @"#\d+: [\w/ -]+ taken for [\w/ -]+ \(\d+\.\d%",
                @"^hidden 100: test accuracy 0\.\d{4}",
            ],
            Check: FashionIsHarderThanMnist),
        ["07-layers"] = new(
            MinCharts: 2,   // the detaching trap's loss, sigmoid vs ReLU accuracy
            Patterns:
            [
                @"Affine dW \(4, 3\): max \|backprop − numerical\| = \d\.\dE-(1\d|9)",
                @"Affine1 → Sigmoid1 → Affine2 → SoftmaxWithLoss",
                @"Affine1\.W is two\.Params\[""W1""\]: True",
                @"W = W - lr\*dW: layer's W1 is Params\[""W1""\]: False",
                @"Sgd\.Update: +layer's W1 is Params\[""W1""\]: True",
                @"Train Accuracy : [\d.]+\s+Test Accuracy : [\d.]+",
                @"ReLU, He init +final test accuracy 0\.\d{4}",
                @"header 46534E5001000000", // "FSNP", version 1
                @"after LoadInto: (0\.\d{4}) \(trained: \1\)",
                @"hidden 20: .*parameter ""W1"" is \(784, 50\) in the file but \(784, 20\) in the network",
                @"truncated: .*truncated\.fsnp is truncated",
                @"one flipped bit: .*flipped\.fsnp is damaged: its SHA-256 checksum [0-9a-f]{64} does not match",
                @"restored network unchanged: test accuracy (0\.\d{4})",
            ],
            Check: LayersCheck),
        // ["01-functions"] = new(MinCharts: 1, Patterns: [@"NaN"]),
        // ["02-numerical-gradient"] = new(MinCharts: 1, Patterns: [...]),
        // ["03-two-layer-net"] = new(Patterns: [@"W1 \(784, 20\)"], Check: MaxDeltaAtMost(1e-8)),
        // ["04-training"] = new(MinCharts: 2, Patterns: [@"Train Accuracy : [\d.]+ Test Accuracy : [\d.]+"]),
    };

    /// <summary>06: the same network scores lower on Fashion-MNIST than on MNIST, and shirts are harder than trousers.</summary>
    private static string? FashionIsHarderThanMnist(string text)
    {
        var mnist = Regex.Match(text, @"^MNIST\s+(0\.\d{4})", RegexOptions.Multiline);
        var fashion = Regex.Match(text, @"^Fashion-MNIST\s+(0\.\d{4})", RegexOptions.Multiline);
        if (!mnist.Success || !fashion.Success) return "no MNIST / Fashion-MNIST comparison lines";
        double m = double.Parse(mnist.Groups[1].Value, CultureInfo.InvariantCulture), f = double.Parse(fashion.Groups[1].Value, CultureInfo.InvariantCulture);
        if (f < 0.6 || f >= m) return $"Fashion-MNIST test accuracy {f} should be at least 0.6 and below MNIST's {m}";
        double shirt = ClassAccuracy(text, "Shirt"), trouser = ClassAccuracy(text, "Trouser");
        return shirt < trouser ? null : $"Shirt accuracy {shirt} should be below Trouser's {trouser}";
    }

    private static double ClassAccuracy(string text, string name) =>
        double.Parse(Regex.Match(text, $@"^{Regex.Escape(name)}\s+(0\.\d{{3}})", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>07: gradient check within bounds, the detached network did not learn and the in-place one did.</summary>
    private static string? LayersCheck(string text)
    {
        var numerical = Regex.Matches(text, @"max \|Δ\| vs numerical (\S+)\s+vs TwoLayerNet (\S+)");
        if (numerical.Count != 4) return $"expected 4 gradient-check lines (W1, b1, W2, b2), found {numerical.Count}";
        foreach (Match m in numerical)
        {
            double toNumerical = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            double toTwoLayer = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (!(toNumerical <= 1e-7)) return $"layered backprop vs numerical gradient: max |Δ| = {toNumerical} > 1e-7";
            if (!(toTwoLayer <= 1e-12)) return $"layered vs TwoLayerNet gradient: max |Δ| = {toTwoLayer} > 1e-12";
        }
        var losses = Regex.Matches(text, @"loss (\d\.\d{3}) → (\d\.\d{3}); test accuracy");
        if (losses.Count != 2) return $"expected 2 loss lines in the detaching demo, found {losses.Count}";
        double Loss(int line, int group) => double.Parse(losses[line].Groups[group].Value, CultureInfo.InvariantCulture);
        if (Math.Abs(Loss(0, 1) - Loss(0, 2)) > 0.05) return $"the detached network's loss moved: {Loss(0, 1)} → {Loss(0, 2)}";
        if (Loss(1, 2) > 1.0) return $"the in-place network's loss did not fall below 1: {Loss(1, 1)} → {Loss(1, 2)}";
        return null;
    }

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
