using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 06 (per-class accuracy, the most confused pair).</summary>
public static class FashionExercises
{
    /// <summary>6.1: for each class, the fraction of its examples predicted right.</summary>
    public static CheckResult CheckPerClassAccuracy(Func<int[], int[], int, double[]> perClassAccuracy) =>
        Run("6.1 accuracy per class (클래스별 정확도)", "a class's accuracy is out of that class's examples, so rare classes count as much as common ones.", () =>
        {
            int[] labels = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2];
            int[] predicted = [0, 0, 0, 1, 1, 0, 2, 2, 1, 2, 2, 0];
            double[] expected = [3.0 / 4, 1.0 / 2, 4.0 / 6];
            var got = perClassAccuracy((int[])predicted.Clone(), (int[])labels.Clone(), 3);
            if (got is null) return "you returned null; return a double[3].";
            if (got.Length != 3) return $"you returned {got.Length} values, expected one per class (3).";
            if (Math.Abs(got[0] - 3.0 / 12) < 1e-12) return "class 0 has 3 right out of its 4 examples; you divided by all 12 examples. Divide by the count of each class.";
            for (int k = 0; k < 3; k++)
                if (Math.Abs(got[k] - expected[k]) > 1e-12) return $"class {k}: you have {F(got[k])}, expected {F(expected[k])} (right predictions of class {k} / examples of class {k}).";
            return null;
        });

    /// <summary>6.2: the (true, predicted) pair of different classes with the largest count.</summary>
    public static CheckResult CheckMostConfusedPair(Func<int[,], (int True, int Predicted)> mostConfusedPair) =>
        Run("6.2 the most confused pair", "only off-diagonal cells are mistakes.", () =>
        {
            var counts = new int[,] { { 90, 2, 7 }, { 1, 95, 3 }, { 12, 4, 80 } };
            var got = mostConfusedPair((int[,])counts.Clone());
            if (got == (1, 1) || got == (0, 0) || got == (2, 2)) return $"({got.True}, {got.Predicted}) is on the diagonal: those are right answers. Skip cells where true == predicted.";
            if (got == (0, 2)) return "(0, 2) has 7, but (2, 0) has 12: the matrix is not symmetric; look at every off-diagonal cell.";
            if (got != (2, 0)) return $"({got.True}, {got.Predicted}) has {counts[got.True, got.Predicted]}; the largest off-diagonal count is 12 at (2, 0).";
            return null;
        });
}
