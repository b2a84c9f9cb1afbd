using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 11 (normalizing a batch, the running mean).</summary>
public static class BatchNormExercises
{
    /// <summary>11.1: (x − μ) / √(σ² + 10e-7) per column.</summary>
    public static CheckResult CheckNormalize(Func<Matrix<double>, Matrix<double>> normalize) =>
        Run("11.1 normalize a batch (배치 정규화)", "every unit now has mean 0 and variance 1 over the batch, whatever the layer before did; γ and β then learn the scale and shift it needs.", () =>
        {
            var x = Random(6, 4, seed: 111, lo: -3, hi: 7);
            var bn = new BatchNormalization<double>(Matrix<double>.Build.Dense(1, 4, 1.0), Matrix<double>.Build.Dense(1, 4));   // γ = 1, β = 0
            var expected = bn.Forward(x.Clone(), train: true);
            var got = normalize(x.Clone());
            if (got is not null && got.RowCount == 6 && got.ColumnCount == 4)
            {
                var byRows = x.Transpose();
                var sampleStd = Matrix<double>.Build.Dense(6, 4, (r, c) =>
                {
                    double mu = x.Column(c).Average();
                    double s = Math.Sqrt(x.Column(c).Select(v => (v - mu) * (v - mu)).Sum() / 5 + 10e-7);
                    return (x[r, c] - mu) / s;
                });
                if (Compare("", got, sampleStd, 1e-9) is null)
                    return "you divided the squared deviations by m − 1 (the sample variance); batch norm uses the mean over the batch, / m.";
                var perRow = Matrix<double>.Build.Dense(6, 4, (r, c) =>
                {
                    double mu = x.Row(r).Average();
                    return (x[r, c] - mu) / Math.Sqrt(x.Row(r).Select(v => (v - mu) * (v - mu)).Average() + 10e-7);
                });
                if (Compare("", got, perRow, 1e-9) is null) return "you normalized each row (example); batch norm normalizes each column (unit) over the batch.";
            }
            return Compare("x̂", got, expected, 1e-9, "per column: μ = mean, σ² = mean of (x − μ)², x̂ = (x − μ) / √(σ² + 10e-7)");
        });

    /// <summary>11.2: running ← m·running + (1 − m)·μ from 0.</summary>
    public static CheckResult CheckRunningMean(Func<IReadOnlyList<double>, double, double> runningMean) =>
        Run("11.2 the running mean (이동 평균)", "it starts at 0, so after few batches it is still small (after one batch, 0.1·μ): that is why the inference of a barely trained network is off.", () =>
        {
            double[] means = [2.0, 4.0, -1.0, 3.5, 0.5];
            foreach (double m in new[] { 0.9, 0.5 })
            {
                // the library's layer, fed constant batches whose column mean is each μ
                var bn = new BatchNormalization<double>(Matrix<double>.Build.Dense(1, 1, 1.0), Matrix<double>.Build.Dense(1, 1), momentum: m);
                foreach (double mu in means) bn.Forward(Matrix<double>.Build.Dense(2, 1, new[] { mu - 1, mu + 1 }), train: true);
                double expected = bn.RunningMean[0, 0];
                double got = runningMean(means, m);
                if (Math.Abs(got - expected) <= 1e-12) continue;
                double swapped = means.Aggregate(0.0, (r, mu) => (1 - m) * r + m * mu);
                if (Math.Abs(got - swapped) <= 1e-12) return $"with momentum {F(m)} you kept (1 − m) of the old value; keep m of it: running = m·running + (1 − m)·μ.";
                if (Math.Abs(got - means.Average()) <= 1e-12) return "that is the plain mean of the batch means; the running mean forgets old batches geometrically and starts at 0.";
                return $"with momentum {F(m)}: expected {F(expected)}, got {F(got)}.";
            }
            return null;
        });
}
