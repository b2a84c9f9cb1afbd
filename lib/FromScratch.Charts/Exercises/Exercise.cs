using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Exercises;

/// <summary>What a check found: passed (✓), not attempted yet, or what is wrong.</summary>
/// <param name="Exercise">The exercise's number and name, e.g. "1.1 sigmoid's derivative".</param>
/// <param name="Passed">The answer is right.</param>
/// <param name="Attempted">False while the fill-in cell still throws <see cref="NotImplementedException"/>.</param>
/// <param name="Message">The line the check printed.</param>
public sealed record CheckResult(string Exercise, bool Passed, bool Attempted, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>
/// The shared machinery of the exercise checks: run the learner's code, never let an exception escape (no stack trace,
/// Run All goes on), and compare matrices with a message that names the shape, the position, the values and the tolerance.
/// </summary>
internal static class Exercise
{
    /// <summary>
    /// Runs <paramref name="check"/>, which returns null when the answer is right or a description of what is wrong
    /// (it may throw <see cref="Wrong"/> for the same). Prints and returns the result.
    /// </summary>
    public static CheckResult Run(string exercise, string rightMessage, Func<string?> check,
        string notAttempted = "Replace the line `throw new NotImplementedException();` in the cell above with your code, run that cell, then this one.")
    {
        rightMessage = char.ToUpperInvariant(rightMessage[0]) + rightMessage[1..];
        CheckResult result;
        try
        {
            var problem = check();
            result = problem is null
                ? new(exercise, true, true, $"✓ Exercise {exercise}: right. {rightMessage}")
                : new(exercise, false, true, $"✗ Exercise {exercise}: {problem}");
        }
        catch (NotImplementedException)
        {
            result = new(exercise, false, false,
                $"· Exercise {exercise}: not attempted yet. {notAttempted}");
        }
        catch (Wrong w)
        {
            result = new(exercise, false, true, $"✗ Exercise {exercise}: {w.Message}");
        }
        catch (Exception e)
        {
            result = new(exercise, false, true, $"✗ Exercise {exercise}: your code threw {e.GetType().Name}: {e.Message}");
        }
        Console.WriteLine(result.Message);
        return result;
    }

    /// <summary>Thrown by a check to stop at the first problem found.</summary>
    public sealed class Wrong(string message) : Exception(message);

    /// <summary>Null when <paramref name="got"/> has <paramref name="expected"/>'s shape and values within <paramref name="tolerance"/>.</summary>
    public static string? Compare(string what, Matrix<double>? got, Matrix<double> expected, double tolerance, string? hint = null)
    {
        if (got is null) return $"{what} is null; return a matrix of shape {Shape(expected)}.";
        if (got.RowCount != expected.RowCount || got.ColumnCount != expected.ColumnCount)
        {
            string transposed = got.RowCount == expected.ColumnCount && got.ColumnCount == expected.RowCount ? " It is transposed: swap the order of the product or transpose one factor." : "";
            return $"{what} has shape {Shape(got)}, expected {Shape(expected)}.{transposed}{Hint(hint)}";
        }
        for (int r = 0; r < got.RowCount; r++)
            for (int c = 0; c < got.ColumnCount; c++)
            {
                double g = got[r, c], e = expected[r, c];
                if (double.IsNaN(g) || double.IsInfinity(g))
                    return $"{what}[{r}, {c}] is {F(g)} (expected {F(e)}).{Hint(hint)}";
                if (Math.Abs(g - e) > tolerance)
                    return $"{what}[{r}, {c}] is {F(g)}, expected {F(e)} (tolerance {F(tolerance)}).{Hint(hint)}";
            }
        return null;
    }

    /// <summary>Whether every entry of <paramref name="got"/> is <paramref name="factor"/> times the expected one (e.g. a missing / batch).</summary>
    public static bool IsMultipleOf(Matrix<double> got, Matrix<double> expected, double factor) =>
        got.RowCount == expected.RowCount && got.ColumnCount == expected.ColumnCount
        && (got - expected * factor).Enumerate().All(v => Math.Abs(v) <= 1e-9 * Math.Max(1, Math.Abs(factor)))
        && expected.Enumerate().Any(v => Math.Abs(v) > 1e-12);

    public static string Shape(Matrix<double> m) => $"({m.RowCount}, {m.ColumnCount})";

    public static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Hint(string? hint) => hint is null ? "" : " Hint: " + hint;

    /// <summary>A reproducible matrix of values in [lo, hi).</summary>
    public static Matrix<double> Random(int rows, int columns, int seed, double lo = -2, double hi = 2)
    {
        var rng = new Random(seed);
        return Matrix<double>.Build.Dense(rows, columns, (_, _) => lo + (hi - lo) * rng.NextDouble());
    }

    /// <summary>A one-hot matrix with the given label per row.</summary>
    public static Matrix<double> OneHot(IReadOnlyList<int> labels, int classes) =>
        Matrix<double>.Build.Dense(labels.Count, classes, (r, c) => c == labels[r] ? 1 : 0);
}
