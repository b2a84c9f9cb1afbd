using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 02 (numerical differentiation, gradient descent).</summary>
public static class GradientExercises
{
    /// <summary>2.1: the central difference (f(x + h) − f(x − h)) / 2h with h = 1e-4.</summary>
    public static CheckResult CheckCentralDifference(Func<Func<double, double>, double, double> numericalDiff) =>
        Run("2.1 central difference (중심 차분)", "its error shrinks like h², the forward difference's only like h.", () =>
        {
            Func<double, double> f = x => 0.01 * x * x + 0.1 * x;                 // the tutorial's function_1
            Func<double, double> g = x => Math.Exp(x) * Math.Sin(3 * x);
            foreach (var (name, fn, x, exact) in new[] { ("0.01x² + 0.1x", f, 5.0, 0.2), ("eˣ·sin 3x", g, 1.0, Math.E * (Math.Sin(3) + 3 * Math.Cos(3))) })
            {
                double got = numericalDiff(fn, x);
                double forward = (fn(x + 1e-4) - fn(x)) / 1e-4;
                if (Math.Abs(got - exact) <= 1e-6) continue;
                if (Math.Abs(got - forward) < 1e-9)
                    return $"for {name} at x = {F(x)} you computed the forward difference (f(x + h) − f(x)) / h = {F(got)}; the exact derivative is {F(exact)}. Use f(x + h) − f(x − h) over 2h.";
                return $"for {name} at x = {F(x)} you have {F(got)}, the derivative is {F(exact)} (tolerance 1e-6). Hint: h = 1e-4, (f(x + h) − f(x − h)) / (2 * h).";
            }
            return null;
        });

    /// <summary>2.2: a learning rate with which gradient descent on f(x) = x² diverges.</summary>
    public static CheckResult CheckDivergingLearningRate(double learningRate) =>
        Run("2.2 why a learning rate diverges (학습률이 너무 크면)", $"one step is x ← x − {F(learningRate)}·2x = (1 − 2·{F(learningRate)})·x, and |1 − 2·lr| = {F(Math.Abs(1 - 2 * learningRate))} > 1: every step lands farther from 0 than the last.", () =>
        {
            if (double.IsNaN(learningRate)) throw new NotImplementedException();
            if (!(learningRate > 0) || double.IsInfinity(learningRate)) return $"the learning rate must be a finite number greater than 0; got {F(learningRate)}.";
            double x = 1;
            for (int i = 0; i < 20; i++) x -= learningRate * 2 * x;
            if (Math.Abs(x) > 1) return null;
            return $"with learning rate {F(learningRate)}, 20 steps from x = 1 end at x = {F(x)}: it converges. Each step multiplies x by (1 − 2·lr); find the rates for which that factor's size exceeds 1.";
        }, notAttempted: "Replace double.NaN in the cell above with a learning rate, run that cell, then this one.");
}
