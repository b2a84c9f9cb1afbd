using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 13 (a log-uniform draw, holding out validation rows).</summary>
public static class SearchExercises
{
    /// <summary>13.1: 10^U(from, to).</summary>
    public static CheckResult CheckLogUniform(Func<double, double, Random, double> logUniform) =>
        Run("13.1 a log-uniform draw (로그 스케일)", "each order of magnitude gets the same share of the trials: as many between 10⁻⁶ and 10⁻⁵ as between 10⁻³ and 10⁻².", () =>
        {
            var rng = new Random(131);
            var draws = Enumerable.Range(0, 4000).Select(_ => logUniform(-6, -2, rng)).ToArray();
            if (draws.Any(d => !(d >= 1e-6 && d <= 1e-2))) return $"every draw must lie in [1e-6, 1e-2]; got {F(draws.First(d => !(d >= 1e-6 && d <= 1e-2)))}.";
            if (draws.Distinct().Count() < 3900) return "the draws repeat: draw a new u for each call from the rng you are given.";
            int below = draws.Count(d => d < 1e-4);   // the middle exponent
            if (below < 1700 || below > 2300)
                return draws.Average() > 2e-3 && below < 1000
                    ? $"only {below} of 4000 draws are below 10⁻⁴: you drew the value uniformly, not its exponent. Use Math.Pow(10, from + (to − from)·u)."
                    : $"{below} of 4000 draws are below 10⁻⁴, the middle of the exponents; expected about half.";
            return null;
        });

    /// <summary>13.2: shuffled rows, the first count·rate for validation.</summary>
    public static CheckResult CheckSplitRows(Func<int, double, Random, (int[] Train, int[] Validation)> splitRows) =>
        Run("13.2 hold out validation rows (검증 데이터 분리)", "shuffling first matters: the first rows of a file are often sorted or from one source, and a validation set must look like the rest.", () =>
        {
            var (train, validation) = splitRows(500, 0.2, new Random(132));
            if (train is null || validation is null) return "return both arrays.";
            if (validation.Length != 100 || train.Length != 400) return $"500 rows at rate 0.2: expected 100 validation and 400 training rows; got {validation.Length} and {train.Length}.";
            var all = train.Concat(validation).Order().ToArray();
            if (!all.SequenceEqual(Enumerable.Range(0, 500))) return "every row 0 … 499 must be on exactly one side, once.";
            if (validation.SequenceEqual(Enumerable.Range(0, 100))) return "the validation rows are 0 … 99 in order: shuffle before you split.";
            var (_, again) = splitRows(500, 0.2, new Random(132));
            return again.SequenceEqual(validation) ? null : "the same Random seed must give the same split; use only the rng you are given.";
        });
}
