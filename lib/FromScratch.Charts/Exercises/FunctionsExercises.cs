using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 01 (sigmoid, softmax, cross-entropy error).</summary>
public static class FunctionsExercises
{
    /// <summary>1.1: σ'(x) = σ(x)·(1 − σ(x)), element by element, for a matrix.</summary>
    public static CheckResult CheckSigmoidGrad(Func<Matrix<double>, Matrix<double>> sigmoidGrad) =>
        Run("1.1 sigmoid's derivative (시그모이드의 미분)", "σ'(0) = 0.25 is its largest value; far from 0 it vanishes — why deep sigmoid networks learn slowly.", () =>
        {
            var x = Matrix<double>.Build.DenseOfArray(new double[,] { { -2, -0.5, 0, 0.5 }, { 1, 3, -4, 10 }, { 0.1, -0.1, 6, -6 } });
            var s = Functions.Sigmoid(x);
            var expected = s.PointwiseMultiply(1 - s);
            var got = sigmoidGrad(x.Clone());
            if (got is not null && got.RowCount == 3 && got.ColumnCount == 4 && Compare("", got, x.PointwiseMultiply(1 - x), 1e-9) is null)
                return "you computed x·(1 − x) of the input x. The formula uses the sigmoid's output: y = Sigmoid(x), then y·(1 − y).";
            return Compare("σ'(x)", got, expected, 1e-9, "y = Functions.Sigmoid(x); return y.PointwiseMultiply(1 - y);");
        });

    /// <summary>1.2: softmax of each row of a batch, stable for large scores.</summary>
    public static CheckResult CheckSoftmaxBatch(Func<Matrix<double>, Matrix<double>> softmaxBatch) =>
        Run("1.2 softmax over a batch (배치 소프트맥스)", "each row sums to 1, and subtracting the row's maximum keeps exp from overflowing.", () =>
        {
            var a = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.3, 2.9, 4.0 }, { 1010, 1000, 990 }, { -1, -1, -1 } });
            var got = softmaxBatch(a.Clone());
            var expected = Functions.Softmax(a);
            if (got is null || got.RowCount != 3 || got.ColumnCount != 3) return Compare("softmax(a)", got, expected, 1e-9);
            if (got.Row(1).Enumerate().Any(v => !double.IsFinite(v)) || Math.Abs(got.Row(1).Sum()) < 1e-9)
                return $"row 1, [1010, 1000, 990], gives [{string.Join(", ", got.Row(1).Select(F))}]: exp(1010) overflows to ∞. Subtract the row's maximum before exp (it does not change the result).";
            for (int r = 0; r < 3; r++)
            {
                double sum = got.Row(r).Sum();
                if (Math.Abs(sum - 1) > 1e-9)
                    return $"row {r} sums to {F(sum)}; each row must sum to 1. Normalise every row by its own sum, not by the sum of the whole matrix.";
            }
            return Compare("softmax(a)", got, expected, 1e-9);
        });

    /// <summary>1.3: the cross-entropy error of a batch, averaged over its rows.</summary>
    public static CheckResult CheckCrossEntropyBatch(Func<Matrix<double>, Matrix<double>, double> crossEntropyBatch) =>
        Run("1.3 cross-entropy error of a batch (배치 교차 엔트로피 오차)", "the loss is a mean over the batch, so it does not grow with the batch size.", () =>
        {
            var y = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.1, 0.05, 0.6, 0.25 }, { 0.7, 0.1, 0.1, 0.1 }, { 0.2, 0.2, 0.2, 0.4 } });
            var t = OneHot([2, 0, 1], 4);
            double expected = Functions.CrossEntropyError(y, t);
            double got = crossEntropyBatch(y.Clone(), t.Clone());
            if (Math.Abs(got - expected * 3) < 1e-6) return $"your loss {F(got)} is 3 times the expected {F(expected)}: divide the sum by the batch size (3 rows).";
            if (Math.Abs(got + expected) < 1e-6) return $"your loss {F(got)} has the wrong sign: it is −Σ t·log(y + δ) / batch.";
            if (Math.Abs(got - expected) > 1e-6)
                return $"your loss is {F(got)}, expected {F(expected)} (tolerance 1e-6). Hint: −Σ t ⊙ log(y + 1e-7) over all entries, divided by the number of rows.";
            return null;
        });
}
