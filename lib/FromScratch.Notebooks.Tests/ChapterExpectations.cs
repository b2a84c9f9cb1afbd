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
}
