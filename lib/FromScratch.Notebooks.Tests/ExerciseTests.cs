using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FromScratch.Exercises;
using MathNet.Numerics.LinearAlgebra;
using Xunit;
using Xunit.Abstractions;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// The exercises at the end of notebooks 01–07: in a real kernel (the runner) every untouched exercise says "not attempted
/// yet" without stopping the run and every solution in notebooks/solutions passes; typical wrong answers get the right message.
/// </summary>
public sealed partial class ExerciseTests(ITestOutputHelper output)
{
    private sealed record Exercise(string Notebook, string Number, string FillIn, string Check, string Solution);

    /// <summary>Every exercise: its fill-in and check cells from the notebook, its solution from notebooks/solutions/NN-name.md.</summary>
    private static List<Exercise> All()
    {
        var list = new List<Exercise>();
        foreach (var path in Directory.EnumerateFiles(Repo.NotebooksDir, "*.ipynb").Where(p => Regex.IsMatch(Path.GetFileName(p), @"^(0[1-79]|1[0-3])-")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
            var solutions = File.ReadAllText(Path.Combine(Repo.NotebooksDir, "solutions", name + ".md"));
            foreach (var cell in cells)
            {
                var id = (string)cell["id"]!;
                var m = Regex.Match(id, @"^(\d\d)-ex(\d+)$");
                if (!m.Success) continue;
                var check = cells.Single(c => (string?)c["id"] == id + "-check");
                int n = int.Parse(m.Groups[1].Value);
                var number = $"{n}.{m.Groups[2].Value}";
                var solution = Regex.Match(solutions, $@"<a id=""exercise-{n}-{m.Groups[2].Value}""></a>.*?```csharp\n(.*?)\n```", RegexOptions.Singleline);
                Assert.True(solution.Success, $"notebooks/solutions/{name}.md has no solution for exercise {number}");
                list.Add(new(name, number, RunnerTests.Join(cell["source"]), RunnerTests.Join(check["source"]), solution.Groups[1].Value));
            }
        }
        return list;
    }

    [Fact]
    public void Every_notebook_01_to_07_ends_with_2_to_4_exercises_linked_to_their_solutions()
    {
        var all = All();
        foreach (var group in all.GroupBy(e => e.Notebook))
        {
            Assert.InRange(group.Count(), 2, 4);
            var cells = JsonNode.Parse(File.ReadAllText(Repo.NotebookPath(group.Key)))!["cells"]!.AsArray();
            var last = RunnerTests.Join(cells[^1]!["source"]);
            Assert.Contains("Exercises.Check", last);                              // the exercises are the notebook's end
            foreach (var e in group)
            {
                Assert.Contains("throw new NotImplementedException();", e.FillIn.Replace("double.NaN", "throw new NotImplementedException();"));
                var link = $"solutions/{e.Notebook}.md#exercise-{e.Number.Replace('.', '-')}";
                Assert.Contains(cells, c => RunnerTests.Join(c!["source"]).Contains(link, StringComparison.Ordinal));
            }
        }
        Assert.Equal(12, all.Select(e => e.Notebook).Distinct().Count());   // 01–07 and 09–13 (08 is the drawing pad)
    }

    [Fact]
    public async Task In_the_runner_untouched_exercises_say_not_attempted_yet_and_every_solution_passes()
    {
        var all = All();
        var cells = new JsonArray
        {
            Cell("setup", $"#r \"nuget: MathNet.Numerics, 5.0.0\"\n#load \"{Path.Combine(Repo.NotebooksDir, "setup.csx")}\""),
            Cell("usings", "using FromScratch;\nusing FromScratch.Exercises;\nusing MathNet.Numerics.LinearAlgebra;"),
        };
        int i = 0;
        foreach (var e in all)
        {
            cells.Add(Cell($"fill-{i}", e.FillIn));
            cells.Add(Cell($"untouched-{i}", e.Check));
            cells.Add(Cell($"solution-{i}", e.Solution));
            cells.Add(Cell($"solved-{i}", e.Check));
            i++;
        }
        var notebook = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var dir = Directory.CreateDirectory(Path.Combine(Repo.Root, "obj", "exercise-test-" + Guid.NewGuid().ToString("N")[..8]));   // under the repository: setup.csx finds it
        try
        {
            var file = Path.Combine(dir.FullName, "exercises.ipynb");
            File.WriteAllText(file, notebook.ToJsonString());
            var outDir = Path.Combine(dir.FullName, "out");
            var run = await ChildProcess.RunAsync("dotnet", [Repo.RunnerDll, "--out", outDir, file], dir.FullName, TimeSpan.FromMinutes(8), Repo.ApplyNotebookEnvironment);
            output.WriteLine(run.Tail(80));
            Assert.True(run.ExitCode == 0, $"the runner stopped: an exercise or a check broke Run All:\n{run.Tail()}");
            Assert.Empty(run.Leaked);
            var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "exercises.ipynb")))!["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
            string Text(string id) => string.Concat(executed.Single(c => (string?)c["id"] == id)["outputs"]!.AsArray().Select(o => RunnerTests.Join(o!["text"])));
            for (int k = 0; k < all.Count; k++)
            {
                var untouched = Text($"untouched-{k}");
                Assert.Matches($@"^· Exercise {Regex.Escape(all[k].Number)} .*: not attempted yet\. Replace (the line `throw new NotImplementedException\(\);`|double\.NaN) in the cell above", untouched);
                var solved = Text($"solved-{k}");
                Assert.True(solved.StartsWith($"✓ Exercise {all[k].Number} ", StringComparison.Ordinal), $"{all[k].Notebook} exercise {all[k].Number}: the solution did not pass:\n{solved}");
                Assert.DoesNotContain("   at ", untouched + solved);   // never a stack trace
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static JsonObject Cell(string id, string source) => new()
    {
        ["cell_type"] = "code",
        ["id"] = id,
        ["execution_count"] = null,
        ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
        ["outputs"] = new JsonArray(),
        ["source"] = source,
    };

    // ─── Typical wrong answers get the right message (and a check that passes everything would fail here) ───

    private static Matrix<double> M(double[,] values) => Matrix<double>.Build.DenseOfArray(values);

    private static void Wrong(CheckResult result, string expected)
    {
        Assert.True(result.Attempted);
        Assert.False(result.Passed, $"a wrong answer passed: {result.Message}");
        Assert.StartsWith("✗ Exercise ", result.Message);
        Assert.Contains(expected, result.Message);
    }

    [Fact]
    public void Not_attempted_and_throwing_answers_never_stop_the_check()
    {
        var notYet = FunctionsExercises.CheckSigmoidGrad(_ => throw new NotImplementedException());
        Assert.False(notYet.Attempted);
        Assert.False(notYet.Passed);
        Assert.Contains("not attempted yet", notYet.Message);
        Assert.False(GradientExercises.CheckDivergingLearningRate(double.NaN).Attempted);

        var throws = TwoLayerNetExercises.CheckDy((y, t) => y * t);   // (4, 3)·(4, 3): MathNet throws
        Wrong(throws, "your code threw ArgumentException: ");
        Assert.DoesNotContain("\n", throws.Message);   // one line: the exception's message, no stack trace
        Wrong(FunctionsExercises.CheckSigmoidGrad(_ => null!), "σ'(x) is null; return a matrix of shape (3, 4).");
    }

    [Fact]
    public void Wrong_shapes_are_named_with_both_shapes()
    {
        Wrong(FunctionsExercises.CheckSigmoidGrad(x => Functions.Sigmoid(x).SubMatrix(0, 1, 0, 4)), "σ'(x) has shape (1, 4), expected (3, 4).");
        Wrong(TwoLayerNetExercises.CheckDb1(da1 => da1), "your db1 has shape (5, 3), one row per example; b1 is (1, 3)");
        Wrong(TwoLayerNetExercises.CheckDb1(da1 => da1.RowSums().ToColumnMatrix()), "your db1 is a column (5, 1)");
        Wrong(LayersExercises.CheckAffineBackward((x, W, dout) => (dout * W.Transpose(), dout.Transpose() * x, dout.Sum(axis: 0))),
            "dW has shape (2, 3), expected (3, 2). It is transposed");
        Wrong(ExploreExercises.CheckHiddenUnitImage((W1, j) => W1.Row(j).ToRowMatrix()), "image has shape (1, 5), expected (28, 28).");
        Wrong(ExploreExercises.CheckHiddenUnitImage((W1, j) => Matrix<double>.Build.Dense(28, 28, (r, c) => W1[c * 28 + r, j])), "your image is transposed");
    }

    [Fact]
    public void A_missing_batch_division_is_named()
    {
        Wrong(TwoLayerNetExercises.CheckDy((y, t) => y - t), "your dy is 4 times too large: divide y − t by the batch size (4 rows)");
        Wrong(FunctionsExercises.CheckCrossEntropyBatch((y, t) => -t.PointwiseMultiply(y.Map(v => Math.Log(v + 1e-7))).Enumerate().Sum()),
            "is 3 times the expected");
        Wrong(TwoLayerNetExercises.CheckDb1(da1 => da1.Sum(axis: 0) / da1.RowCount), "your db1 is the mean over the batch");
        Wrong(LayersExercises.CheckAffineBackward((x, W, dout) => (dout * W.Transpose(), x.Transpose() * dout, dout.Sum(axis: 0) / 4)), "db is the mean of dout's rows");
        Wrong(TrainingExercises.CheckAccuracy((y, t) => y.ArgMaxRows().Where((p, i) => p == t.ArgMaxRows()[i]).Count()), "you returned the number of right rows (5)");
    }

    [Fact]
    public void An_update_that_is_not_in_place_is_named()
    {
        Wrong(TrainingExercises.CheckSgdUpdate((ps, gs, lr) => { foreach (var key in ps.Keys.ToList()) ps[key] = ps[key] - lr * gs[key]; }),
            "params[\"W1\"] is a new matrix after your update (its values are right), so whoever holds the old one");
        Wrong(TrainingExercises.CheckSgdUpdate((ps, gs, lr) => { foreach (var (key, p) in ps) p.Add(lr * gs[key], p); }), "moved up the gradient");
        Wrong(TrainingExercises.CheckSgdUpdate((ps, gs, lr) => { }), "params[\"W1\"] did not change.");
    }

    [Fact]
    public void Other_typical_mistakes_get_a_hint()
    {
        Wrong(FunctionsExercises.CheckSigmoidGrad(x => x.PointwiseMultiply(1 - x)), "you computed x·(1 − x) of the input x");
        Wrong(FunctionsExercises.CheckSoftmaxBatch(a => { var e = a.Map(Math.Exp); return e.Divide(e.Enumerate().Sum()); }), "row 1, [1010, 1000, 990], gives [0, 0, 0]: exp(1010) overflows to ∞.");
        Wrong(FunctionsExercises.CheckSoftmaxBatch(a => { var e = a.Map(v => Math.Exp(v - 1010)); return e / e.Enumerate().Sum(); }), "each row must sum to 1");
        Wrong(GradientExercises.CheckCentralDifference((f, x) => (f(x + 1e-4) - f(x)) / 1e-4), "you computed the forward difference");
        Wrong(GradientExercises.CheckDivergingLearningRate(0.5), "it converges");
        Wrong(GradientExercises.CheckDivergingLearningRate(-1), "must be a finite number greater than 0");
        Wrong(ExploreExercises.CheckConfusionCounts((p, l, k) => { var c = new int[k, k]; for (int i = 0; i < l.Length; i++) c[p[i], l[i]]++; return c; }), "your rows are the predictions");
        Wrong(FashionExercises.CheckPerClassAccuracy((p, l, k) => Enumerable.Range(0, k).Select(c => p.Where((v, i) => v == c && l[i] == c).Count() / (double)l.Length).ToArray()),
            "you divided by all 12 examples");
        Wrong(FashionExercises.CheckMostConfusedPair(c => (1, 1)), "is on the diagonal");
        Wrong(LayersExercises.CheckReluBackward((x, dout) => dout.Map(v => v > 0 ? v : 0)), "you masked with dout > 0");
        Wrong(TwoLayerNetExercises.CheckDy((y, t) => (t - y) / y.RowCount), "wrong sign");
    }

    [Fact]
    public void Value_errors_name_the_position_the_values_and_the_tolerance()
    {
        var result = LayersExercises.CheckReluBackward((x, dout) => dout);
        Wrong(result, "dx[");
        Assert.Matches(@"dx\[\d, \d\] is -?[\d.]+, expected 0 \(tolerance 1E-12\)\. Hint: x\[r, c\] > 0 \? dout\[r, c\] : 0", result.Message);
    }
}
