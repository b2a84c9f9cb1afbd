using System.CommandLine;
using FromScratch.Cli;

namespace FromScratch.Bench;

/// <summary>The benchmark's command line, on the shared <see cref="CliApp"/> conventions: --help exits 0; a bad value prints one line and the usage, exit 2.</summary>
internal sealed record BenchOptions(
    bool Quick, int Iterations, int Seed, bool Numpy, bool Torch, bool Numgrad, bool WithManaged, bool Scaling, int ScalingExamples, string? Markdown, bool Install = true,
    bool Chapter = false)
{
    private static readonly Option<bool> QuickOption = new("--quick") { Description = "A smoke test: 1,201 iterations, the numerical gradient on 10 rows, 6,000 examples per scaling cell." };
    private static readonly Option<int?> IterationsOption = CliOption.OptionalInt("--iterations", "Training iterations (default 10000; 1201 with --quick)", min: 1, max: 100_000_000);
    private static readonly Option<int> SeedOption = CliOption.Int("--seed", "Seed of the weights and the batches", defaultValue: 42, min: 0, max: int.MaxValue);
    private static readonly Option<bool> NoNumpy = new("--no-numpy") { Description = "Skip the numpy reference." };
    private static readonly Option<bool> NoTorch = new("--no-torch") { Description = "Skip the PyTorch reference." };
    private static readonly Option<bool> SkipNumgrad = new("--skip-numgrad") { Description = "Skip the numerical gradient rows." };
    private static readonly Option<bool> WithManagedOption = new("--with-managed") { Description = "Also run the readable loop on MathNet's own managed provider." };
    private static readonly Option<bool> NoScaling = new("--no-scaling") { Description = "Skip the scaling table (hidden 20, 100, 500 × batch 100, 1000)." };
    private static readonly Option<int?> ScalingExamplesOption = CliOption.OptionalInt("--scaling-examples",
        "Training examples per scaling cell (default 60000, one epoch; 6000 with --quick)", min: 1000, max: 100_000_000);
    private static readonly Option<bool> NoInstall = new("--no-install") { Description = "Do not install the peers' Debian packages (python3-numpy, libopenblas0-pthread, python3-torch) when they are missing." };
    private static readonly Option<bool> NoChapter = new("--no-chapter") { Description = "Skip the timing of the next chapter's notebooks (09–13) in the main job (a full run times them; --quick never does)." };
    private static readonly Option<string?> MarkdownOption = new("--markdown") { Description = "Also write the tables to this file (Markdown).", HelpName = "FILE" };

    /// <summary>The root command: every option above; its action is set by <see cref="CliApp.Run"/>'s caller.</summary>
    public static RootCommand Command()
    {
        var root = new RootCommand("The tutorial's training run: fast path, readable path, numpy (OpenBLAS), PyTorch f32 and the machine's FMA floor, in one run. " +
            "Exit code: 0 ran, 1 MNIST cannot be had or a run diverged, 2 bad arguments.")
        {
            QuickOption, IterationsOption, SeedOption, NoNumpy, NoTorch, SkipNumgrad, WithManagedOption, NoScaling, ScalingExamplesOption, MarkdownOption, NoInstall, NoChapter,
        };
        root.SetAction(_ => 0);
        return root;
    }

    /// <summary>The options of a parse that had no errors.</summary>
    public static BenchOptions Read(ParseResult parse)
    {
        bool quick = parse.GetValue(QuickOption);
        return new BenchOptions(quick, parse.GetValue(IterationsOption) ?? (quick ? 1201 : 10_000), parse.GetValue(SeedOption),
            !parse.GetValue(NoNumpy), !parse.GetValue(NoTorch), !parse.GetValue(SkipNumgrad), parse.GetValue(WithManagedOption),
            !parse.GetValue(NoScaling), parse.GetValue(ScalingExamplesOption) ?? (quick ? 6_000 : 60_000), parse.GetValue(MarkdownOption), !parse.GetValue(NoInstall),
            Chapter: !quick && !parse.GetValue(NoChapter));
    }
}
