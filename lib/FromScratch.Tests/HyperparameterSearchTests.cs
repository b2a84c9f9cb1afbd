namespace FromScratch.Tests;

/// <summary>Notebook 13's validation split and random search.</summary>
public class HyperparameterSearchTests
{
    [Fact]
    public void The_validation_split_holds_out_20_percent_shuffled_by_the_seed_and_keeps_rows_together()
    {
        var data = ValidationTests.Tiny(200);
        var first = HyperparameterSearch.Take(data.Train, 50);
        Assert.Equal(50, first.Count);
        Assert.Equal(data.Train.X.SubMatrix(0, 50, 0, 4), first.X);
        var (train, validation) = HyperparameterSearch.SplitValidation(first, 0.2, seed: 3);
        Assert.Equal((40, 10), (train.Count, validation.Count));
        var again = HyperparameterSearch.SplitValidation(first, 0.2, seed: 3);
        Assert.Equal(validation.X, again.Validation.X);                                   // the same seed, the same split
        Assert.NotEqual(validation.X, HyperparameterSearch.SplitValidation(first, 0.2, seed: 4).Validation.X);
        // every example lands on exactly one side, with its own answer and label
        var all = Enumerable.Range(0, 50).Select(i => string.Join(",", first.X.Row(i).ToArray())).Order().ToList();
        var both = Enumerable.Range(0, 40).Select(i => string.Join(",", train.X.Row(i).ToArray()))
            .Concat(Enumerable.Range(0, 10).Select(i => string.Join(",", validation.X.Row(i).ToArray()))).Order().ToList();
        Assert.Equal(all, both);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1f, validation.T[i, validation.Labels[i]]);
            Assert.Equal(validation.X.Row(i), Matrix(validation.Image(i)));
        }
        static MathNet.Numerics.LinearAlgebra.Vector<float> Matrix(MathNet.Numerics.LinearAlgebra.Matrix<float> image) =>
            MathNet.Numerics.LinearAlgebra.Vector<float>.Build.DenseOfEnumerable(Enumerable.Range(0, 4).Select(k => image[k / 2, k % 2]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(0.001)]
    public void A_validation_rate_that_leaves_a_side_empty_is_refused(double rate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => HyperparameterSearch.SplitValidation(ValidationTests.Tiny(200).Train, rate, seed: 1));
        Assert.Contains("validationRate", ex.Message);
    }

    [Fact]
    public void Random_search_draws_on_a_log_scale_within_the_ranges_and_ranks_by_the_final_validation_accuracy()
    {
        var seen = new List<(double Lr, double Wd)>();
        var result = HyperparameterSearch.RandomSearch(200, (lr, wd) =>
        {
            seen.Add((lr, wd));
            double score = -Math.Abs(Math.Log10(lr) + 3);   // best near 1e-3
            return ([0.1, score], [0.2, score]);
        }, seed: 5);
        Assert.Equal(200, result.Ranked.Count);
        Assert.All(seen, s => Assert.InRange(Math.Log10(s.Lr), -6, -2));
        Assert.All(seen, s => Assert.InRange(Math.Log10(s.Wd), -8, -4));
        Assert.InRange(seen.Count(s => Math.Log10(s.Lr) < -4), 70, 130);      // uniform in the exponent: half below 10^-4
        Assert.True(result.Ranked.Zip(result.Ranked.Skip(1)).All(p => p.First.FinalValidationAccuracy >= p.Second.FinalValidationAccuracy));
        var (from, to, _, _) = result.Range(20);
        Assert.InRange(from, -3.5, -3);
        Assert.InRange(to, -3, -2.5);
        Assert.Equal(20, result.Best(20).Count);
        Assert.Equal("val acc:0.79 | lr:6.1e-3, weight decay:3.2e-7", new SearchTrial(1, 0.0061, 3.2e-7, [0.5, 0.79], [0.6, 0.8]).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => HyperparameterSearch.RandomSearch(0, (_, _) => ([], []), seed: 1));
    }
}
