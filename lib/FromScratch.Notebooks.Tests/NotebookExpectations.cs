using System.Globalization;
using System.Text.RegularExpressions;

namespace FromScratch.Notebooks.Tests;

/// <summary>What a notebook must show when it runs with the runner's --quick overrides (its metadata's quick set) (in the runner and in the stock kernel).</summary>
/// <param name="MinCharts">How many chart outputs (FromScratch.Charts) the notebook displays at least.</param>
/// <param name="Patterns">Regexes that must each match the notebook's text: stdout plus the text of its values (<see cref="NotebookExpectations.TextOf"/>).</param>
/// <param name="Check">Any further check of that text; returns an error message, or null when it passes.</param>
/// <param name="MinUpdates">
/// How many outputs updates (DisplayedValueUpdated, e.g. a live training view) the stock kernel must send at least. The runner
/// replaces an updated output in place, so its pages hold only the final state (the text of which the patterns also see).
/// </param>
public sealed record NotebookExpectation(int MinCharts = 0, string[]? Patterns = null, Func<string, string?>? Check = null, int MinUpdates = 0);

/// <summary>
/// Key outputs per notebook. ADD A ROW HERE when you add or change a notebook: the charts it draws and the lines
/// that prove it taught the right thing (NotebookFormatTests fails for a notebook without a row).
/// Every notebook must also show <see cref="Common"/>: its setup cell built or found lib/ and loaded plotly.js offline.
/// </summary>
public static class NotebookExpectations
{
    public static readonly IReadOnlyDictionary<string, NotebookExpectation> All = new Dictionary<string, NotebookExpectation>
    {
        ["01-functions"] = new(
            MinCharts: 1,
            Patterns:
            [
                @"^0\.2689  0\.5000  0\.7311",        // Sigmoid of a batch
                @"^NaN, NaN, NaN$",                    // the naive softmax overflows
                @"^1, 4\.54E-05, 2\.06E-09$",          // the stable one does not
                @"row sums: 1, 1",
            ]),
        ["02-numerical-gradient"] = new(
            MinCharts: 1,
            Patterns:
            [
                @"after 20 steps: \(-0\.0346, 0\.0461\)",
                @"loss 0\.9279",
                @"^0\.2194  0\.1433  -0\.3628",         // dW of the tiny network
            ]),
        ["03-two-layer-net"] = new(
            Patterns:
            [
                @"^W1 \(784, 20\)$", @"^b1 \(1, 20\)$", @"^W2 \(20, 10\)$", @"^b2 \(1, 10\)$",
                @"same as TwoLayerNet\.Predict: max \|Δ\| = 0$",
                @"numerical gradient [\d.]+ s, backprop [\d.]+ ms",
                // the hand-written backprop gradient equals the library's, exactly, for every parameter (a table: its HTML's text)
                @"\{ name = W1, shape = \(784, 20\), maxAbsDiffFromLibrary = 0 \}", @"\{ name = b1, shape = \(1, 20\), maxAbsDiffFromLibrary = 0 \}",
                @"\{ name = W2, shape = \(20, 10\), maxAbsDiffFromLibrary = 0 \}", @"\{ name = b2, shape = \(1, 10\), maxAbsDiffFromLibrary = 0 \}",
            ],
            Check: NumberAtMost(@"max \|numerical − backprop\| over all parameters \(δ = 0\): (\S+)", 1e-8)),
        // The tutorial's full run (10000 iterations) also in tests: 17 evaluations, iteration 0 included.
        ["04-training"] = new(
            MinCharts: 3,
            Patterns:
            [
                @"train x \(60000, 784\) t \(60000, 10\), test x \(10000, 784\) t \(10000, 10\)",
                @"10000 steps in [\d.]+ s",
                @"^readable \(MathNet \+ FastProvider\) +[\d.]+ s   final test accuracy 0\.9\d+ +1\.0×$",
                @"^fast \(FastTrainer\) +[\d.]+ s   final test accuracy 0\.9\d+ +[\d.]+×$",
            ],
            Check: text => CountExactly(@"^Train Accuracy : [\d.]+  Test Accuracy : [\d.]+$", 17)(text)
                ?? NumberAtLeast(@"10000 steps in [\d.]+ s; final test accuracy ([\d.]+)", 0.93)(text)),
        ["05-explore"] = new(
            // sample digits, live view, W1 images, confusion matrix, mistakes, two sweeps
            MinCharts: 7,
            Patterns:
            [

                @"TrainingOptions \{ Iterations = 1201, BatchSize = 100, LearningRate = 0\.1, HiddenSize = 20, WeightInitStd = 0\.01, Seed = 1 \}",
                @"^Train Accuracy : [\d.]+  Test Accuracy : [\d.]+$",
                @"Training: learning rate 0\.1, hidden 20, batch 100: done: iteration 1201/1201 \(100%\)",
                @"^trained by the readable Trainer\.Train on TwoLayerNet<float>$",
                @"^test accuracy 0\.[89]\d{3} \(\d+/10000\)$",
                @"^  \d → \d: \d+ \([\d.]+% of \d\)$",
                @"^#\d+: \d taken for \d \(\d+\.\d%; \d got \d+\.\d%\)$",
                @"^learning rate 0\.01: test accuracy 0\.\d{4} at iteration 1200",
                @"^learning rate 5: ",
                @"^learning rate sweep: 5 runs × 1201 iterations in \d+\.\d s, trained by the fast engine \(FastTrainer: float32, SIMD, two cores\), not TwoLayerNet's own code$",
                @"^hidden size 100: test accuracy 0\.\d{4} at iteration 1200",
                @"^hidden size sweep: 4 runs × 1201 iterations in \d+\.\d s, trained by the fast engine \(FastTrainer: float32, SIMD, two cores\), not TwoLayerNet's own code$",
                @"^Training diverged at iteration \d+: .* The learning rate 100 is probably too large; try a smaller one",
            ],
            Check: text => text.Contains("did not diverge", StringComparison.Ordinal) ? "learning rate 100 did not diverge" : null,
            MinUpdates: 2),
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
                @"^hidden 100: test accuracy 0\.\d{4} after \d+ steps \([\d.]+ s, the fast engine",
                @"steps in [\d.]+ s, trained by the readable Trainer\.Train on TwoLayerNet<float>; final test accuracy",
                @"^MNIST trained by the readable Trainer\.Train on TwoLayerNet<float>$",
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
        ["08-draw-digit"] = new(
            Patterns:
            [
                @"^MNIST 784-20-10: \d+ steps in [\d.]+ s, trained by the readable Trainer\.Train on TwoLayerNet<float>; Train Accuracy : 0\.[89]\d{3}  Test Accuracy : 0\.[89]\d{3}$",
                @"^Draw a digit — 손글씨 숫자 그리기: a drawing pad for a 784-20-10 network",
                @"^Fashion-MNIST 784-20-10: \d+ steps in [\d.]+ s, trained by the readable Trainer\.Train on TwoLayerNet<float>; Train Accuracy : 0\.[78]\d{3}  Test Accuracy : 0\.[78]\d{3}$",
                @"^Draw a piece of clothing — Fashion-MNIST: a drawing pad for a 784-20-10 network",
            ]),
        // 09–13, the chapter on techniques for learning (their checks: ChapterExpectations.cs)
        ["09-optimizers"] = new(
            MinCharts: 3,   // the zig-zag, the four paths, the MNIST losses
            Patterns:
            [
                @"^SGD +by hand vs library: .*; after 30 steps \(-0\.3504, 0\.0848\)",
                @"^Momentum +by hand vs library: .*; after 30 steps \(0\.8964, 0\.0881\)",
                @"^AdaGrad +by hand vs library: .*; after 30 steps \(-0\.1202, 0\.0000\)",
                @"^Adam +by hand vs library: .*; after 30 steps \(0\.1360, 0\.3182\)",
                @"^Adam \(learning rate 0\.001\): 784-100-100-100-100-10, batch 128: done",
            ],
            Check: ChapterExpectations.Optimizers),
        ["10-weight-init"] = new(
            MinCharts: 8,   // 7 rows of histograms, the MNIST losses
            Patterns:
            [
                @"^W1: n = 784; He = N\(0,1\)·√\(2/784\): max \|Δ\| = 0\.0E\+0; Xavier = N\(0,1\)·√\(1/784\): max \|Δ\| = 0\.0E\+0$",
                @"^W3: n = 100; He",
            ],
            Check: ChapterExpectations.WeightInit),
        ["11-batch-norm"] = new(
            MinCharts: 1,   // the grid of accuracy curves
            Patterns:
            [
                @"^BatchNormalization\.Forward vs by hand: max \|Δ\| = \S+$",
                @"^column means of x: .*; of y: 0\.00, -1\.00, 3\.00 \(= β\)$",
                @"^w = 1\.0000: final training accuracy with batch norm 0\.\d{3}, without 0\.\d{3}$",
                @"^\d+ scales × 2 networks × \d+ steps in [\d.]+ s$",
            ],
            Check: ChapterExpectations.BatchNorm),
        ["12-regularization"] = new(
            MinCharts: 1,   // train vs test accuracy of the three runs
            Patterns:
            [
                @"^loss with λ = 0\.1: library (\d\.\d{6}), by hand L \+ ½λΣW² = \1$",
                @"^dW1 − \(dW1 without λ\) − λ·W1: max \|Δ\| = \S+$",
                @"^db1 unchanged by the decay: True$",
                @"^inference: every output is 1 · \(1 − 0\.2\) = 0\.800$",
                @"^backward: the gradient passes exactly where the mask kept the unit: True$",
            ],
            Check: ChapterExpectations.Regularization),
        ["13-hyperparameter-search"] = new(
            MinCharts: 2,   // the best trials' curves, accuracy by learning rate
            Patterns:
            [
                @"^train 400 images, validation 100 images$",
                @"^validation rows by hand equal the library's: True; training rows: True$",
                @"^Best-1 +\(val acc:\d\.\d\d \| lr:\S+, weight decay:\S+\)$",
                @"^the best \d+: learning rate 10\^-?\d\.\d … 10\^-?\d\.\d, weight decay 10\^-?\d\.\d … 10\^-?\d\.\d$",
                @"^Random search: \d+ trials × \d+ epochs \(accuracy: validation\): done",
            ]),
    };

    /// <summary>The first match of <paramref name="pattern"/>'s group 1, as a number, must be ≤ <paramref name="max"/>.</summary>
    public static Func<string, string?> NumberAtMost(string pattern, double max) => text =>
        Number(text, pattern) is not double v ? $"no output matches /{pattern}/"
        : v <= max ? null : $"/{pattern}/ gave {v}, more than {max}";

    /// <summary>The first match of <paramref name="pattern"/>'s group 1, as a number, must be ≥ <paramref name="min"/>.</summary>
    public static Func<string, string?> NumberAtLeast(string pattern, double min) => text =>
        Number(text, pattern) is not double v ? $"no output matches /{pattern}/"
        : v >= min ? null : $"/{pattern}/ gave {v}, less than {min}";

    /// <summary><paramref name="pattern"/> must match exactly <paramref name="count"/> lines.</summary>
    public static Func<string, string?> CountExactly(string pattern, int count) => text =>
        Regex.Matches(text, pattern, RegexOptions.Multiline).Count is var n && n == count ? null
        : $"expected {count} lines matching /{pattern}/, found {n}";

    private static double? Number(string text, string pattern) =>
        Regex.Match(text, pattern, RegexOptions.Multiline) is { Success: true } m
        && double.TryParse(m.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : null;

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
    /// <summary>
    /// The text an output of <paramref name="mimeType"/> adds to what the patterns see: text/plain as it is, the text of
    /// other HTML (tables of values) without its tags; a chart's HTML adds nothing (charts are counted instead).
    /// </summary>
    public static string TextOf(string? mimeType, string value) => mimeType switch
    {
        "text/plain" => value + "\n",
        "text/html" when !value.Contains("class=\"fromscratch-chart\"", StringComparison.Ordinal)
            => System.Net.WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(value, "<(script|style)[^>]*>.*?</\\1>", "", RegexOptions.Singleline), "<[^>]+>", " ")) + "\n",
        _ => "",
    };

    /// <summary>What every notebook's setup cell prints.</summary>
    public static readonly string[] Common =
    [
        @"FromScratch setup: lib (built|up to date) \(obj/notebooks/[0-9a-f]{12}\)",
        @"plotly\.js \d+\.\d+\.\d+ loaded offline",
    ];

    public static IReadOnlyList<string> Verify(NotebookExpectation expectation, string text, int charts)
    {
        var problems = new List<string>();
        foreach (var pattern in Common)
        {
            if (!Regex.IsMatch(text, pattern, RegexOptions.Multiline)) problems.Add($"no output matches /{pattern}/ (the setup cell)");
        }
        if (charts < expectation.MinCharts) problems.Add($"expected at least {expectation.MinCharts} chart(s), found {charts}");
        foreach (var pattern in expectation.Patterns ?? [])
        {
            if (!Regex.IsMatch(text, pattern, RegexOptions.Multiline)) problems.Add($"no output matches /{pattern}/");
        }
        if (expectation.Check?.Invoke(text) is { } message) problems.Add(message);
        return problems;
    }
}
