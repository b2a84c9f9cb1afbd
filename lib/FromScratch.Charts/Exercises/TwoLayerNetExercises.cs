using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 03 (the backward pass of the two-layer network by hand).</summary>
public static class TwoLayerNetExercises
{
    private static (Matrix<double> Y, Matrix<double> T) Batch()
    {
        var y = Functions.Softmax(Random(4, 3, seed: 11));
        return (y, OneHot([0, 2, 1, 2], 3));
    }

    /// <summary>3.1: dy = (y − t) / batch, the gradient at the softmax-with-loss.</summary>
    public static CheckResult CheckDy(Func<Matrix<double>, Matrix<double>, Matrix<double>> dy) =>
        Run("3.1 dy, the gradient of softmax + cross-entropy", "softmax and cross-entropy together have the simplest gradient of the whole network.", () =>
        {
            var (y, t) = Batch();
            var expected = (y - t) / 4;
            var got = dy(y.Clone(), t.Clone());
            if (got is not null && IsMultipleOf(got, expected, 4)) return "your dy is 4 times too large: divide y − t by the batch size (4 rows), because the loss is a mean over the batch.";
            if (got is not null && IsMultipleOf(got, expected, -1)) return "your dy has the wrong sign: it is y − t, not t − y.";
            return Compare("dy", got, expected, 1e-12, "(y - t) / y.RowCount");
        });

    /// <summary>3.2: db1 = the sum of da1 over the batch, shape (1, hidden).</summary>
    public static CheckResult CheckDb1(Func<Matrix<double>, Matrix<double>> db1) =>
        Run("3.2 db1 by hand", "a bias is added to every row, so its gradient adds up the rows' gradients.", () =>
        {
            var da1 = Random(5, 3, seed: 12);
            var expected = da1.Sum(axis: 0);
            var got = db1(da1.Clone());
            if (got is not null && got.RowCount == 5 && got.ColumnCount == 1) return $"your db1 is a column {Shape(got)}: you summed each row. Sum over the batch (down the columns) instead, giving (1, 3).";
            if (got is not null && got.RowCount == 5) return $"your db1 has shape {Shape(got)}, one row per example; b1 is (1, 3): add the rows up (da1.Sum(axis: 0)).";
            if (got is not null && IsMultipleOf(got, expected, 1.0 / 5)) return "your db1 is the mean over the batch; the / batch is already in dy. Use the sum.";
            return Compare("db1", got, expected, 1e-12);
        });
}
