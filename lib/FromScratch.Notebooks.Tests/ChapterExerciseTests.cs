using FromScratch.Exercises;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FromScratch.Notebooks.Tests;

/// <summary>
/// The checks of notebooks 09–13: right answers pass, typical wrong answers get the message that names the mistake, untouched
/// cells say "not attempted yet". (ExerciseTests runs every solution of notebooks/solutions in the runner.)
/// </summary>
public sealed class ChapterExerciseTests
{
    private static void Right(CheckResult result) => Assert.True(result.Passed, result.Message);

    private static void Wrong(CheckResult result, string expected)
    {
        Assert.True(result.Attempted);
        Assert.False(result.Passed, $"a wrong answer passed: {result.Message}");
        Assert.StartsWith("✗ Exercise ", result.Message);
        Assert.Contains(expected, result.Message);
    }

    [Fact]
    public void Optimizers_9_1_to_9_3()
    {
        Right(OptimizersExercises.CheckMomentumStep((w, v, g, lr, a) => (w + (a * v - lr * g), a * v - lr * g)));
        Wrong(OptimizersExercises.CheckMomentumStep((w, v, g, lr, a) => (w - lr * g, a * v - lr * g)), "plain SGD step");
        Assert.False(OptimizersExercises.CheckMomentumStep((_, _, _, _, _) => throw new NotImplementedException()).Attempted);

        List<double> AdaGrad(int steps, bool addFirst)
        {
            double w = 5, h = 0;
            var path = new List<double>();
            for (int i = 0; i < steps; i++)
            {
                double g = 2 * w;
                if (addFirst) h += g * g;
                w -= 1.5 * g / (Math.Sqrt(h) + 1e-7);
                if (!addFirst) h += g * g;
                path.Add(w);
            }
            return path;
        }
        Right(OptimizersExercises.CheckAdaGradOnSquare(n => AdaGrad(n, addFirst: true)));
        Wrong(OptimizersExercises.CheckAdaGradOnSquare(n => AdaGrad(n, addFirst: false)), "after step 1");

        Right(OptimizersExercises.CheckAdamRate((lr, b1, b2, t) => lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t))));
        Wrong(OptimizersExercises.CheckAdamRate((lr, b1, b2, t) => lr * Math.Sqrt(1 - Math.Pow(b1, t)) / (1 - Math.Pow(b2, t))), "swapped");
    }

    [Fact]
    public void Weight_init_10_1_and_10_2()
    {
        Right(WeightInitExercises.CheckInitStd((n, he) => Math.Sqrt((he ? 2.0 : 1.0) / n)));
        Wrong(WeightInitExercises.CheckInitStd((n, he) => (he ? 2.0 : 1.0) / n), "the variance");
        double MeanSquare(double sigma, int samples, Random rng, bool relu)
        {
            var normal = new MathNet.Numerics.Distributions.Normal(0, sigma, rng);
            double sum = 0;
            for (int i = 0; i < samples; i++)
            {
                double z = normal.Sample();
                if (relu) z = Math.Max(0, z);
                sum += z * z;
            }
            return sum / samples;
        }
        Right(WeightInitExercises.CheckMeanSquareAfterRelu((s, n, r) => MeanSquare(s, n, r, relu: true)));
        Wrong(WeightInitExercises.CheckMeanSquareAfterRelu((s, n, r) => MeanSquare(s, n, r, relu: false)), "before the ReLU");
    }

    [Fact]
    public void Batch_norm_11_1_and_11_2()
    {
        Matrix<double> Normalize(Matrix<double> x, int divisor)
        {
            var y = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
            for (int c = 0; c < x.ColumnCount; c++)
            {
                double mu = x.Column(c).Average();
                double variance = x.Column(c).Select(v => (v - mu) * (v - mu)).Sum() / (x.RowCount - divisor);
                for (int r = 0; r < x.RowCount; r++) y[r, c] = (x[r, c] - mu) / Math.Sqrt(variance + 10e-7);
            }
            return y;
        }
        Right(BatchNormExercises.CheckNormalize(x => Normalize(x, 0)));
        Wrong(BatchNormExercises.CheckNormalize(x => Normalize(x, 1)), "m − 1");
        Right(BatchNormExercises.CheckRunningMean((means, m) => means.Aggregate(0.0, (r, mu) => m * r + (1 - m) * mu)));
        Wrong(BatchNormExercises.CheckRunningMean((means, m) => means.Aggregate(0.0, (r, mu) => (1 - m) * r + m * mu)), "kept (1 − m)");
    }

    [Fact]
    public void Regularization_12_1_and_12_2()
    {
        double Squares(IReadOnlyList<Matrix<double>> weights) => weights.Sum(w => w.Enumerate().Sum(v => v * v));
        Right(RegularizationExercises.CheckWeightDecayTerm((ws, l) => 0.5 * l * Squares(ws)));
        Wrong(RegularizationExercises.CheckWeightDecayTerm((ws, l) => l * Squares(ws)), "left out the ½");
        Right(RegularizationExercises.CheckDropoutForward((x, mask, train, ratio) => train ? x.PointwiseMultiply(mask) : x * (1 - ratio)));
        Wrong(RegularizationExercises.CheckDropoutForward((x, mask, train, ratio) => train ? x.PointwiseMultiply(mask) : x * ratio), "not by the ratio");
        Wrong(RegularizationExercises.CheckDropoutForward((x, mask, train, ratio) => train ? x.PointwiseMultiply(mask) * (1 - ratio) : x * (1 - ratio)), "inverted dropout");
    }

    [Fact]
    public void Search_13_1_and_13_2()
    {
        Right(SearchExercises.CheckLogUniform((from, to, rng) => Math.Pow(10, from + (to - from) * rng.NextDouble())));
        Wrong(SearchExercises.CheckLogUniform((from, to, rng) => Math.Pow(10, from) + (Math.Pow(10, to) - Math.Pow(10, from)) * rng.NextDouble()), "not its exponent");
        (int[], int[]) Split(int count, double rate, Random rng, bool shuffle)
        {
            var order = Enumerable.Range(0, count).ToArray();
            if (shuffle) rng.Shuffle(order);
            int v = (int)(count * rate);
            return (order[v..], order[..v]);
        }
        Right(SearchExercises.CheckSplitRows((n, r, rng) => Split(n, r, rng, shuffle: true)));
        Wrong(SearchExercises.CheckSplitRows((n, r, rng) => Split(n, r, rng, shuffle: false)), "shuffle before you split");
    }
}
