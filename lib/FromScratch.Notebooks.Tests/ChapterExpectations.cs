using System.Globalization;
using System.Text.RegularExpressions;

namespace FromScratch.Notebooks.Tests;

/// <summary>The further checks of notebooks 09–13 (the chapter on techniques for learning), used by <see cref="NotebookExpectations.All"/>.</summary>
public static class ChapterExpectations
{
    private static double N(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The final losses of <paramref name="pattern"/>'s lines by name (group 1 name, group 2 the loss).</summary>
    private static Dictionary<string, double> Losses(string text, string pattern) =>
        Regex.Matches(text, pattern, RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value.Trim(), m => N(m.Groups[2].Value));

    /// <summary>09: the derivations equal the library; on MNIST the adaptive optimizers end lower than SGD.</summary>
    public static string? Optimizers(string text)
    {
        var diffs = Regex.Matches(text, @"by hand vs library: max \|Δ\| = (\S+);");
        if (diffs.Count != 4) return $"expected 4 by-hand vs library lines, found {diffs.Count}";
        foreach (Match m in diffs)
            if (!(N(m.Groups[1].Value) <= 1e-12)) return $"by hand vs library: max |Δ| = {m.Groups[1].Value} > 1e-12";
        var losses = Losses(text, @"^(SGD|Momentum|AdaGrad|Adam) +loss [\d.]+ → ([\d.]+) \(mean of the last 100 steps\)");
        if (losses.Count != 4) return $"expected the 4 MNIST runs' loss lines, found {losses.Count}";
        foreach (var name in new[] { "Momentum", "AdaGrad", "Adam" })
            if (!(losses[name] < losses["SGD"])) return $"{name}'s final loss {losses[name]} is not below SGD's {losses["SGD"]}";
        return null;
    }

    /// <summary>10: the activations' spread as the book explains it, and He learns faster than std 0.01.</summary>
    public static string? WeightInit(string text)
    {
        double[] Spread(string name)
        {
            var m = Regex.Match(text, $@"^{Regex.Escape(name)} +std of the activations per layer: (.*)$", RegexOptions.Multiline);
            return m.Success ? [.. m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(N)] : [];
        }
        var small = Spread("sigmoid, std 0.01");
        var reluSmall = Spread("ReLU, std 0.01");
        var he = Spread("ReLU, He √(2/n)");
        if (small.Length != 5 || reluSmall.Length != 5 || he.Length != 5) return "expected the activation spreads of 5 layers for each setting";
        if (!(small.Max() < 0.05)) return $"sigmoid with std 0.01: activations should all be near 0.5 (spread < 0.05); got {small.Max()}";
        if (!(reluSmall[4] < reluSmall[0] / 10)) return $"ReLU with std 0.01: the spread should shrink layer by layer; got {string.Join(", ", reluSmall)}";
        if (!(he[4] > he[0] / 3)) return $"ReLU with He: the spread should stay; got {string.Join(", ", he)}";
        var losses = Losses(text, @"^(std 0\.01|Xavier|He) +loss [\d.]+ → ([\d.]+) \(mean of the last 100 steps\)");
        if (losses.Count != 3) return $"expected the 3 MNIST runs' loss lines, found {losses.Count}";
        return losses["He"] < losses["std 0.01"] ? null : $"He's final loss {losses["He"]} is not below std 0.01's {losses["std 0.01"]}";
    }

    /// <summary>11: the backward pass agrees with the numerical gradient and batch norm ends higher at most scales.</summary>
    public static string? BatchNorm(string text)
    {
        var check = Regex.Match(text, @"^dx: +max \|backprop − numerical\| = (\S+); vs the closed form (\S+)$", RegexOptions.Multiline);
        if (!check.Success) return "no batch norm gradient check line";
        if (!(N(check.Groups[1].Value) <= 1e-8)) return $"batch norm dx vs numerical: {check.Groups[1].Value} > 1e-8";
        if (!(N(check.Groups[2].Value) <= 1e-12)) return $"batch norm dx vs the closed form: {check.Groups[2].Value} > 1e-12";
        var forward = Regex.Match(text, @"^BatchNormalization\.Forward vs by hand: max \|Δ\| = (\S+)$", RegexOptions.Multiline);
        if (!(N(forward.Groups[1].Value) <= 1e-12)) return $"batch norm forward vs by hand: {forward.Groups[1].Value} > 1e-12";
        var wins = Regex.Match(text, @"^batch norm ends higher at (\d+) of (\d+) scales$", RegexOptions.Multiline);
        if (!wins.Success) return "no summary of the scales";
        int won = int.Parse(wins.Groups[1].Value, CultureInfo.InvariantCulture), of = int.Parse(wins.Groups[2].Value, CultureInfo.InvariantCulture);
        return won * 4 >= of * 3 ? null : $"batch norm ended higher at only {won} of {of} scales (expected at least three quarters)";
    }

    /// <summary>12: without regularization the gap between train and test accuracy is the largest.</summary>
    public static string? Regularization(string text)
    {
        var gaps = Losses(text, @"^(no regularization|weight decay λ = [\d.]+|dropout [\d.]+) +epoch \d+: train accuracy [\d.]+, test accuracy [\d.]+ \(all 10,000\), gap (-?[\d.]+);");
        if (gaps.Count != 3) return $"expected the 3 runs' lines, found {gaps.Count}";
        double plain = gaps["no regularization"];
        return gaps.Where(g => g.Key != "no regularization").All(g => g.Value < plain) ? null
            : $"the gaps with regularization ({string.Join(", ", gaps.Select(g => $"{g.Key} {g.Value}"))}) should be below the plain one's";
    }
}
