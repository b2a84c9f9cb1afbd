using FromScratch.Optimizers;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 09 (Momentum's step, AdaGrad's shrinking steps, Adam's bias correction).</summary>
public static class OptimizersExercises
{
    private static Dictionary<string, Matrix<double>> One(double w) => new() { ["w"] = Matrix<double>.Build.Dense(1, 1, w) };

    /// <summary>9.1: v ← αv − η·g, then w ← w + v.</summary>
    public static CheckResult CheckMomentumStep(Func<double, double, double, double, double, (double W, double V)> momentumStep) =>
        Run("9.1 one Momentum step (모멘텀)", "the velocity remembers the earlier steps; the gradient only accelerates it.", () =>
        {
            foreach (var (w, v, g, lr, alpha) in new[] { (1.5, 0.0, 0.4, 0.1, 0.9), (-2.0, 0.3, -1.2, 0.05, 0.8), (0.7, -0.2, 2.5, 0.01, 0.5) })
            {
                var (gotW, gotV) = momentumStep(w, v, g, lr, alpha);
                double expectedV = alpha * v - lr * g, expectedW = w + expectedV;
                if (Math.Abs(gotV - expectedV) <= 1e-12 && Math.Abs(gotW - expectedW) <= 1e-12) continue;
                if (Math.Abs(gotW - (w - lr * g)) <= 1e-12 && v != 0)
                    return $"for w = {F(w)}, v = {F(v)}, g = {F(g)}: your w = {F(gotW)} is a plain SGD step; Momentum adds the velocity αv − η·g = {F(expectedV)} instead.";
                if (Math.Abs(gotW - (w + alpha * v - lr * g)) <= 1e-12 && Math.Abs(gotV - expectedV) > 1e-12)
                    return $"for w = {F(w)}, v = {F(v)}, g = {F(g)}: w is right but the new v should be αv − η·g = {F(expectedV)}; you returned {F(gotV)}.";
                return $"for w = {F(w)}, v = {F(v)}, g = {F(g)}, η = {F(lr)}, α = {F(alpha)}: expected (w, v) = ({F(expectedW)}, {F(expectedV)}), got ({F(gotW)}, {F(gotV)}).";
            }
            var library = new Momentum<double>(0.1, 0.9);   // and the library agrees
            var p = One(1.5);
            library.Update(p, One(0.4));
            return Math.Abs(p["w"][0, 0] - momentumStep(1.5, 0, 0.4, 0.1, 0.9).W) <= 1e-12 ? null : "your step differs from the library's Momentum.";
        });

    /// <summary>9.2: AdaGrad on f(w) = w² from 5 with η = 1.5.</summary>
    public static CheckResult CheckAdaGradOnSquare(Func<int, List<double>> adaGradOnSquare) =>
        Run("9.2 AdaGrad's shrinking steps (AdaGrad)", "h only grows, so each step is smaller than it would be with the same gradient earlier: AdaGrad slows down and, on a long run, stops.", () =>
        {
            var got = adaGradOnSquare(10);
            if (got is null || got.Count != 10) return $"return the 10 values of w after steps 1 … 10; got {got?.Count.ToString() ?? "null"}.";
            var optimizer = new AdaGrad<double>(1.5);
            var p = One(5);
            for (int i = 0; i < 10; i++)
            {
                optimizer.Update(p, One(2 * p["w"][0, 0]));
                double expected = p["w"][0, 0];
                if (Math.Abs(got[i] - expected) > 1e-9)
                    return i == 0 && Math.Abs(got[0] - (5 - 1.5 * 10)) < 1e-9
                        ? "the first step is w − η·g / (√h + ε) with h = g² after adding: 5 − 1.5·10/10 = 3.5; you took a plain SGD step."
                        : $"after step {i + 1} w should be {F(expected)}; you have {F(got[i])}. Add g² to h before dividing by √h + 1e-7.";
            }
            return null;
        });

    /// <summary>9.3: Adam's bias-corrected rate η·√(1 − β₂ᵗ) / (1 − β₁ᵗ).</summary>
    public static CheckResult CheckAdamRate(Func<double, double, double, int, double> adamRate) =>
        Run("9.3 Adam's bias correction (Adam의 편향 보정)", "at t = 1 the correction exactly undoes the zero start: the first step has size η whatever the gradient's scale.", () =>
        {
            foreach (var (lr, b1, b2, t) in new[] { (0.001, 0.9, 0.999, 1), (0.3, 0.9, 0.999, 5), (0.01, 0.8, 0.99, 100) })
            {
                double expected = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
                double got = adamRate(lr, b1, b2, t);
                if (Math.Abs(got - expected) <= 1e-12 * Math.Max(1, expected)) continue;
                double swapped = lr * Math.Sqrt(1 - Math.Pow(b1, t)) / (1 - Math.Pow(b2, t));
                if (Math.Abs(got - swapped) <= 1e-12 * Math.Max(1, swapped))
                    return "β₁ and β₂ are swapped: the square root is of 1 − β₂ᵗ (the squares' average), the division by 1 − β₁ᵗ (the gradients').";
                return $"for η = {F(lr)}, β₁ = {F(b1)}, β₂ = {F(b2)}, t = {t}: expected {F(expected)}, got {F(got)}.";
            }
            // Adam's first step moves each parameter by about η, whatever its gradient
            var adam = new Adam<double>(0.3);
            var p = One(-7);
            adam.Update(p, One(-0.7));
            return Math.Abs(p["w"][0, 0] - (-7 + 0.3)) < 1e-5 ? null : "the library's first Adam step is not η: check the formula.";
        });
}
