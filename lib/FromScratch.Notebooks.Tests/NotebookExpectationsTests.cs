using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>The expectations themselves can fail: a notebook that printed the wrong thing is caught.</summary>
public sealed class NotebookExpectationsTests
{
    private static string TrainingOutput(int epochs, string finalAccuracy) =>
        string.Concat(Enumerable.Range(0, epochs).Select(_ => "Train Accuracy : 0.9400  Test Accuracy : 0.9400\n"))
        + $"10000 steps in 7.1 s; final test accuracy {finalAccuracy}\n";

    [Fact]
    public void Training_needs_17_epoch_lines_and_a_final_test_accuracy_of_at_least_0_93()
    {
        var check = NotebookExpectations.For("04-training").Check!;
        Assert.Null(check(TrainingOutput(17, "0.9401")));
        Assert.Contains("found 16", check(TrainingOutput(16, "0.9401")));
        Assert.Contains("less than 0.93", check(TrainingOutput(17, "0.9299")));
    }

    [Fact]
    public void The_gradient_check_must_report_at_most_1e_minus_8()
    {
        var check = NotebookExpectations.For("03-two-layer-net").Check!;
        const string line = "max |numerical − backprop| over all parameters (δ = 0): {0} — …";
        Assert.Null(check(string.Format(line, "1.22E-010")));
        Assert.Contains("more than 1E-08", check(string.Format(line, "2.87E-007")));
        Assert.Contains("no output matches", check("nothing printed"));
    }

    [Fact]
    public void Missing_patterns_and_charts_are_reported()
    {
        var problems = NotebookExpectations.Verify(NotebookExpectations.For("01-functions"), "row sums: 1, 1\n", charts: 0);
        Assert.Contains(problems, p => p.Contains("chart"));
        Assert.Contains(problems, p => p.Contains("NaN"));
        Assert.Contains(problems, p => p.Contains("(the setup cell)"));
    }
}
