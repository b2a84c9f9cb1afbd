extern alias runner;
using System.Text.Json.Nodes;
using FromScratch.Cli;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using runner::FromScratch.Apps;
using runner::FromScratch.Runner;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>Unit tests of the runner's parts: parameter injection, the event → output mapping, strict numbers.</summary>
public sealed class RunnerPartsTests
{
    private static JsonObject Notebook(string parameters) => JsonNode.Parse(RunnerTests.NotebookWith(
        """{"fromscratch":{"quick":{"itersNum":"1200"}}}""",
        new JsonObject
        {
            ["cell_type"] = "code", ["id"] = "p", ["execution_count"] = null, ["outputs"] = new JsonArray(),
            ["metadata"] = new JsonObject { ["tags"] = new JsonArray("parameters") }, ["source"] = parameters,
        }.ToJsonString(), "Console.WriteLine(itersNum);"))!.AsObject();

    [Fact]
    public void Declared_names_are_the_top_level_variables_of_the_parameters_cell()
    {
        Assert.Equal(["itersNum", "learningRate", "seed", "a", "b"],
            NotebookParameters.Declared("int itersNum = 10000;   // steps\nfloat learningRate = 0.1f;\nint? seed = null;\nint a = 1, b = 2;\nvoid F() { int local = 3; }\nConsole.WriteLine(a);"));
    }

    [Fact]
    public void The_injected_cell_follows_the_parameters_cell_with_assignments_and_its_own_tag()
    {
        var notebook = Notebook("int itersNum = 10000;\nint? seed = null;");
        var injected = NotebookParameters.Inject(notebook, new Dictionary<string, string> { ["itersNum"] = "1200", ["seed"] = " 7 " }, "n.ipynb");
        var cells = injected["cells"]!.AsArray();
        Assert.Equal(3, cells.Count);
        Assert.Equal(2, notebook["cells"]!.AsArray().Count); // the original is unchanged
        Assert.Equal("injected-parameters", (string?)cells[1]!["metadata"]!["tags"]![0]);
        Assert.EndsWith("itersNum = 1200;\nseed = 7;", RunnerTests.Join(cells[1]!["source"]));
        Assert.NotEqual((string?)cells[0]!["id"], (string?)cells[1]!["id"]);
        Assert.Same(notebook, NotebookParameters.Inject(notebook, new Dictionary<string, string>(), "n.ipynb"));
        Assert.Equal(new Dictionary<string, string> { ["itersNum"] = "1200" }, NotebookParameters.Quick(notebook));
    }

    [Theory]
    [InlineData("steps", "1", "n.ipynb: --param steps is not declared in its parameters cell (cell 1 declares itersNum)")]
    [InlineData("itersNum", "1 2", "--param itersNum=1 2: the value is not a C# expression")]
    [InlineData("itersNum", "1; System.Environment.Exit(3)", "the value is not a C# expression")]
    public void A_parameter_the_notebook_cannot_take_names_the_notebook_and_the_parameter(string name, string value, string expected)
    {
        var e = Assert.Throws<NotebookParameterException>(() =>
            NotebookParameters.Inject(Notebook("int itersNum = 10000;"), new Dictionary<string, string> { [name] = value }, "n.ipynb"));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("itersNum=1200", "itersNum", "1200")]
    [InlineData("label=\"a=b\"", "label", "\"a=b\"")]
    public void Assignments_split_at_the_first_equals_sign(string text, string name, string value) =>
        Assert.Equal(new KeyValuePair<string, string>(name, value), NotebookParameters.ParseAssignment(text));

    [Theory]
    [InlineData("=3")]
    [InlineData("x=")]
    [InlineData("1x=3")]
    [InlineData("noequals")]
    public void Malformed_assignments_are_refused(string text) =>
        Assert.Throws<NotebookParameterException>(() => NotebookParameters.ParseAssignment(text));

    [Fact]
    public void Events_map_to_outputs_streams_join_and_an_update_replaces_an_earlier_cells_display()
    {
        var displayed = new DisplayedValues();
        var log = new StringWriter();
        var first = new SubmitCode("first");
        var one = new CellOutputs(first, displayed, log, executionCount: 1);
        one.On(new StandardOutputValueProduced(first, [new FormattedValue("text/plain", "a\n")]));
        one.On(new StandardOutputValueProduced(first, [new FormattedValue("text/plain", "b\n")]));
        one.On(new DisplayedValueProduced("v0", first, [new FormattedValue("text/plain", "step 0")], valueId: "id1"));
        one.On(new StandardErrorValueProduced(first, [new FormattedValue("text/plain", "warn\n")]));
        one.On(new ReturnValueProduced(42, first, [new FormattedValue("text/plain", "42")]));
        var outputs = one.Finish();
        Assert.Equal(["stream", "display_data", "stream", "execute_result"], outputs.Select(o => (string?)o["output_type"]));
        Assert.Equal("a\nb\n", (string?)outputs[0]["text"]);
        Assert.Equal(1, (int?)outputs[3]["execution_count"]);

        var second = new SubmitCode("second");
        var two = new CellOutputs(second, displayed, log, executionCount: 2);
        two.On(new DisplayedValueUpdated("v6", "id1", second, [new FormattedValue("text/plain", "step 6")]));
        two.On(new ErrorProduced("boom", second));
        var later = two.Finish();
        Assert.Equal("step 6", (string?)outputs[1]["data"]!["text/plain"]);
        Assert.Equal(["error"], later.Select(o => (string?)o["output_type"]));
        Assert.Equal("boom", two.Failure);
        Assert.Contains("│ a", log.ToString());
        Assert.Contains("│ stderr: warn", log.ToString());
    }

    [Fact]
    public void Stored_stream_output_is_capped_with_a_note_and_the_echo_is_bounded()
    {
        var command = new SubmitCode("loud");
        var log = new StringWriter();
        var outputs = new CellOutputs(command, new DisplayedValues(), log, 1);
        var line = new string('x', 1023) + "\n";
        for (int i = 0; i < 5_000; i++) outputs.On(new StandardOutputValueProduced(command, [new FormattedValue("text/plain", line)]));
        var result = outputs.Finish();
        Assert.Equal(CellOutputs.MaxStreamChars, ((string?)result[0]["text"])!.Length);
        Assert.Contains($"{5_000 * 1024 - CellOutputs.MaxStreamChars:N0} more characters of output were not stored", (string?)result[^1]["text"]);
        Assert.Equal(CellOutputs.MaxEchoLines + 1, log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Printed_text_joins_per_stream_and_the_echo_shows_whole_lines_cut_when_long()
    {
        var log = new StringWriter();
        var outputs = new CellOutputs(new SubmitCode("print"), new DisplayedValues(), log, 1);
        foreach (var (name, text) in new[] { ("stdout", "Loss: "), ("stdout", "0.5"), ("stdout", "\n"), ("stderr", "warn\r\n"),
                                             ("stdout", new string('y', 5000) + "\nx"), ("stdout", "\n\ntail") })
            outputs.Write(name, text);
        var result = outputs.Finish();
        Assert.Equal(["stdout", "stderr", "stdout"], result.Select(o => (string?)o["name"]));
        Assert.Equal(["Loss: 0.5\n", "warn\r\n", new string('y', 5000) + "\nx\n\ntail"], result.Select(o => (string?)o["text"]));
        Assert.Equal(["    │ Loss: 0.5", "    │ stderr: warn", $"    │ {new string('y', CellOutputs.MaxEchoLineChars)} …", "    │ x", "    │ ", "    │ tail"],
            log.ToString().Split(Environment.NewLine)[..^1]);
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("-2.5e-3", -0.0025)]
    [InlineData("1", 1.0)]
    [InlineData("0,1", null)]
    [InlineData("1,000", null)]
    [InlineData("1e400", null)]
    [InlineData("NaN", null)]
    [InlineData("∞", null)]
    [InlineData(" 1", null)]
    public void Numbers_are_strict_and_culture_invariant(string text, double? expected)
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal(expected, CliOption.ParseDouble(text));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("12", 12)]
    [InlineData("-3", -3)]
    [InlineData("1_000", null)]
    [InlineData("1.0", null)]
    [InlineData("0x10", null)]
    [InlineData("99999999999", null)]
    public void Integers_are_strict(string text, int? expected) => Assert.Equal(expected, CliOption.ParseInt(text));
}
