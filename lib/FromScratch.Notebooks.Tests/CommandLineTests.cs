using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>Issue 10 §2: the console trainer's command line (child processes of the built trainer).</summary>
public sealed class CommandLineTests(ITestOutputHelper output)
{
    private async Task<ProcessResult> TrainAsync(params string[] args)
    {
        var run = await ChildProcess.RunAsync("dotnet", [Repo.TrainDll, .. args], Repo.Root, TimeSpan.FromMinutes(2), Repo.ApplyNotebookEnvironment);
        output.WriteLine($"exit {run.ExitCode} after {run.Elapsed.TotalSeconds:0.0} s\n{run.Output}");
        Assert.Empty(run.Leaked);
        return run;
    }

    [Fact]
    public async Task Help_exits_0()
    {
        var run = await TrainAsync("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--lr", run.Output);
        Assert.Contains("--iterations", run.Output);
    }

    [Theory]
    [InlineData(new string[0], "FromScratch managed SIMD")]
    [InlineData(new[] { "--managed" }, "matrix products: Managed")]
    public async Task The_trainer_uses_the_notebooks_fast_provider_unless_told_otherwise(string[] extra, string provider)
    {   // it ran on MathNet's own provider alone: 34 s for the tutorial's run where the notebook's loop takes about 5
        var run = await TrainAsync(["--iterations", "3", "--seed", "1", .. extra]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(provider, run.Output);
        Assert.Contains("Trained 3 iterations", run.Output);
    }

    [Theory]
    [InlineData("--lr 0,1", "--lr 0,1: is not a number (use a dot: 0.1).")]
    [InlineData("--lr 1,000", "--lr 1,000: is not a number")]
    [InlineData("--lr NaN", "--lr NaN: is not a number")]
    [InlineData("--lr 0", "--lr 0: is out of range: it must be > 0")]
    [InlineData("--lr 1e39", "--lr 1e39: is out of range")]
    [InlineData("--iterations 12.5", "--iterations 12.5: is not a whole number.")]
    [InlineData("--iterations 0x10", "--iterations 0x10: is not a whole number.")]
    [InlineData("--iterations 0", "--iterations 0: is out of range: it must be 1…100000000.")]
    [InlineData("--batch 99999999999", "--batch 99999999999: is not a whole number.")]
    [InlineData("--hidden -3", "--hidden -3: is out of range")]
    [InlineData("--seed", "--seed")]
    [InlineData("--bogus 1", "'--bogus'")]
    public async Task Bad_arguments_print_one_line_then_the_usage_and_exit_2_before_loading_data(string args, string expected)
    {
        var run = await TrainAsync(args.Split(' '));
        Assert.Equal(2, run.ExitCode);
        var first = run.Output.Split('\n')[0];
        Assert.StartsWith("error: ", first);
        Assert.Contains(expected, first);
        Assert.Contains("Usage:", run.Output);
        Assert.DoesNotContain("Unhandled exception", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.DoesNotContain("MNIST:", run.Output); // no data loaded
    }
}
