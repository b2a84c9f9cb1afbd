using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 05 (what the network learned, the confusion matrix).</summary>
public static class ExploreExercises
{
    /// <summary>5.1: the weights of hidden unit j — column j of W1 (784, hidden) — as a 28×28 image, row by row.</summary>
    public static CheckResult CheckHiddenUnitImage(Func<Matrix<double>, int, Matrix<double>> hiddenUnitImage) =>
        Run("5.1 a hidden unit's weights as an image", "unit j sees pixel p with weight W1[p, j]; pixel p is row p / 28, column p % 28.", () =>
        {
            var W1 = Random(784, 5, seed: 41);
            var expected = Matrix<double>.Build.Dense(28, 28, (r, c) => W1[r * 28 + c, 3]);
            var got = hiddenUnitImage(W1.Clone(), 3);
            if (got is not null && got.RowCount == 28 && got.ColumnCount == 28 && Compare("", got, expected.Transpose(), 1e-12) is null)
                return "your image is transposed: pixel p = row * 28 + column, so image[r, c] = W1[r * 28 + c, j].";
            return Compare("image", got, expected, 1e-12, "Matrix<double>.Build.Dense(28, 28, (r, c) => W1[r * 28 + c, j])");
        });

    /// <summary>5.2: the confusion matrix (혼동 행렬): counts[true label, predicted label].</summary>
    public static CheckResult CheckConfusionCounts(Func<int[], int[], int, int[,]> confusionCounts) =>
        Run("5.2 the confusion matrix (혼동 행렬)", "the diagonal holds the right answers; each row sums to the number of examples of that class.", () =>
        {
            int[] labels = [0, 0, 1, 1, 1, 2, 2, 2, 2, 0];
            int[] predicted = [0, 1, 1, 1, 2, 2, 0, 2, 2, 0];
            var expected = new int[3, 3];
            for (int i = 0; i < labels.Length; i++) expected[labels[i], predicted[i]]++;
            var got = confusionCounts((int[])predicted.Clone(), (int[])labels.Clone(), 3);
            if (got is null) return "you returned null; return an int[3, 3].";
            if (got.GetLength(0) != 3 || got.GetLength(1) != 3) return $"your matrix is [{got.GetLength(0)}, {got.GetLength(1)}], expected [3, 3] (classes × classes).";
            bool same = true, transposed = true;
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++) { same &= got[r, c] == expected[r, c]; transposed &= got[r, c] == expected[c, r]; }
            if (same) return null;
            if (transposed) return "your rows are the predictions: here the rows are the true labels, counts[label, predicted]++.";
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                    if (got[r, c] != expected[r, c]) return $"counts[{r}, {c}] is {got[r, c]}, expected {expected[r, c]} (true {r}, predicted {c}).";
            return null;
        });
}
