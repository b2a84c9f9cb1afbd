using FromScratch.Layers;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 10 (Xavier and He, ReLU's variance).</summary>
public static class WeightInitExercises
{
    /// <summary>10.1: Xavier √(1/n), He √(2/n).</summary>
    public static CheckResult CheckInitStd(Func<int, bool, double> initStd) =>
        Run("10.1 Xavier and He (Xavier 초깃값과 He 초깃값)", "both shrink with the number of inputs, so that a sum of n products keeps the variance of one.", () =>
        {
            foreach (int n in new[] { 784, 100, 50, 1 })
                foreach (bool he in new[] { false, true })
                {
                    double expected = (he ? WeightInit.He : WeightInit.Xavier).StdFor<double>(n);   // the library's
                    double got = initStd(n, he);
                    if (Math.Abs(got - expected) <= 1e-12) continue;
                    if (Math.Abs(got - expected * expected) <= 1e-12)
                        return $"for n = {n} you returned the variance {F(got)}; the standard deviation is its square root, {F(expected)}.";
                    if (Math.Abs(got - (he ? 2.0 / n : 1.0 / n)) <= 1e-12 || Math.Abs(got - Math.Sqrt(he ? 1.0 / n : 2.0 / n)) <= 1e-12)
                        return $"for n = {n}, {(he ? "He" : "Xavier")}: expected {F(expected)}, got {F(got)}. Xavier is √(1/n), He √(2/n).";
                    return $"for n = {n}, {(he ? "He" : "Xavier")}: expected {F(expected)}, got {F(got)}.";
                }
            return null;
        });

    /// <summary>10.2: E[ReLU(a)²] = σ²/2 for a ~ N(0, σ²).</summary>
    public static CheckResult CheckMeanSquareAfterRelu(Func<double, int, Random, double> meanSquareAfterRelu) =>
        Run("10.2 why ReLU needs twice the variance (ReLU와 분산)", "half of the a are negative and become 0, the other half keep their square: E[ReLU(a)²] = σ²/2, and He's 2/n makes up for it.", () =>
        {
            foreach (double sigma in new[] { 1.0, 0.3, 2.0 })
            {
                double got = meanSquareAfterRelu(sigma, 200_000, new Random(10));
                double expected = sigma * sigma / 2;
                if (Math.Abs(got - expected) <= 0.02 * expected) continue;
                if (Math.Abs(got - sigma * sigma) <= 0.02 * sigma * sigma)
                    return $"for σ = {F(sigma)} you got σ² = {F(got)}: that is the mean of a² before the ReLU. Apply max(0, a) first.";
                if (Math.Abs(got - sigma / Math.Sqrt(2 * Math.PI)) <= 0.02 * sigma)
                    return $"for σ = {F(sigma)} you got {F(got)}, the mean of ReLU(a); square each ReLU(a) before averaging.";
                return $"for σ = {F(sigma)}: expected about σ²/2 = {F(expected)} (within 2 %), got {F(got)}. Draw a = σ·N(0, 1) (e.g. Box–Muller from rng.NextDouble()).";
            }
            return null;
        });
}
