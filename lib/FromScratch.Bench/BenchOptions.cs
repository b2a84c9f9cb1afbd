using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FromScratch.Bench;

/// <summary>The benchmark's command line.</summary>
internal sealed record BenchOptions(
    bool Quick, int Iterations, int Seed, bool Numpy, bool Torch, bool Numgrad, bool WithManaged, bool Scaling, int ScalingExamples, string? Markdown)
{
    public const string Usage = "Usage: dotnet run --project lib/FromScratch.Bench -c Release -- [--quick] [--iterations N] [--seed N] [--no-numpy] [--no-torch] [--skip-numgrad] [--with-managed] [--no-scaling] [--scaling-examples N] [--markdown FILE]   (--help explains them)";

    /// <summary>The options, or the exit code when there is nothing to run: 0 after --help, 2 after a bad argument (one line + usage on stderr).</summary>
    public static (BenchOptions? Options, int? Exit) Parse(string[] args)
    {
        var quick = new Option<bool>("--quick") { Description = "A smoke test: 1,201 iterations, the numerical gradient on 10 rows, 6,000 examples per scaling cell." };
        var iterations = new Option<int?>("--iterations") { Description = "Training iterations (default 10000; 1201 with --quick).", CustomParser = r => Whole(r, min: 1) };
        var seed = new Option<int>("--seed") { Description = "Seed of the weights and the batches.", DefaultValueFactory = _ => 42, CustomParser = r => Whole(r, min: 0) ?? 0 };
        var noNumpy = new Option<bool>("--no-numpy") { Description = "Skip the numpy reference." };
        var noTorch = new Option<bool>("--no-torch") { Description = "Skip the PyTorch reference." };
        var skipNumgrad = new Option<bool>("--skip-numgrad") { Description = "Skip the numerical gradient rows." };
        var withManaged = new Option<bool>("--with-managed") { Description = "Also run the readable loop on MathNet's own managed provider." };
        var noScaling = new Option<bool>("--no-scaling") { Description = "Skip the scaling table (hidden 20, 100, 500 × batch 100, 1000)." };
        var scalingExamples = new Option<int?>("--scaling-examples") { Description = "Training examples per scaling cell (default 60000, one epoch; 6000 with --quick).", CustomParser = r => Whole(r, min: 1000) };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the tables to this file (Markdown)." };
        var root = new RootCommand("The tutorial's training run: fast path, readable path, numpy (OpenBLAS), PyTorch f32 and the machine's FMA floor, in one run.")
        {
            quick, iterations, seed, noNumpy, noTorch, skipNumgrad, withManaged, noScaling, scalingExamples, markdown,
        };
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"FromScratch.Bench: {result.Errors[0].Message}");
            Console.Error.WriteLine(Usage);
            return (null, 2);
        }
        if (result.Action is not null && result.Action.GetType().Name.Contains("Help", StringComparison.Ordinal))
            return (null, result.Invoke());
        bool q = result.GetValue(quick);
        return (new BenchOptions(q, result.GetValue(iterations) ?? (q ? 1201 : 10_000), result.GetValue(seed),
            !result.GetValue(noNumpy), !result.GetValue(noTorch), !result.GetValue(skipNumgrad), result.GetValue(withManaged),
            !result.GetValue(noScaling), result.GetValue(scalingExamples) ?? (q ? 6_000 : 60_000), result.GetValue(markdown)), null);
    }

    /// <summary>A whole number written with digits only (culture-invariant: no signs, separators or spaces), at least <paramref name="min"/>.</summary>
    private static int? Whole(ArgumentResult r, int min)
    {
        string token = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min) return v;
        r.AddError($"{OptionName(r)} must be a whole number ≥ {min.ToString(CultureInfo.InvariantCulture)} written with digits only; got '{token}'.");
        return null;
    }

    private static string OptionName(ArgumentResult r) => r.Parent is OptionResult o ? o.Option.Name : "the value";
}
