using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 07 (the backward passes of the ReLU and Affine layers).</summary>
public static class LayersExercises
{
    /// <summary>7.1: ReLU's backward: dout where the forward input was positive, 0 elsewhere.</summary>
    public static CheckResult CheckReluBackward(Func<Matrix<double>, Matrix<double>, Matrix<double>> reluBackward) =>
        Run("7.1 ReLU backward (ReLU 계층의 역전파)", "the mask comes from the forward input: where x ≤ 0 nothing flows back.", () =>
        {
            var x = Random(3, 4, seed: 51);
            var dout = Random(3, 4, seed: 52);
            var expected = Matrix<double>.Build.Dense(3, 4, (r, c) => x[r, c] > 0 ? dout[r, c] : 0);
            var got = reluBackward(x.Clone(), dout.Clone());
            var fromDout = Matrix<double>.Build.Dense(3, 4, (r, c) => dout[r, c] > 0 ? dout[r, c] : 0);
            if (got is not null && Compare("", got, fromDout, 1e-12) is null) return "you masked with dout > 0; the mask is where the forward input x was > 0.";
            return Compare("dx", got, expected, 1e-12, "x[r, c] > 0 ? dout[r, c] : 0");
        });

    /// <summary>7.2: Affine's backward: dx = dout·Wᵀ, dW = xᵀ·dout, db = the sum of dout's rows.</summary>
    public static CheckResult CheckAffineBackward(Func<Matrix<double>, Matrix<double>, Matrix<double>, (Matrix<double> dx, Matrix<double> dW, Matrix<double> db)> affineBackward) =>
        Run("7.2 Affine backward (Affine 계층의 역전파)", "each gradient has the shape of what it is the gradient of: dx like x, dW like W, db like b.", () =>
        {
            var x = Random(4, 3, seed: 53);
            var W = Random(3, 2, seed: 54);
            var dout = Random(4, 2, seed: 55);
            var (dx, dW, db) = affineBackward(x.Clone(), W.Clone(), dout.Clone());
            return Compare("dx", dx, dout * W.Transpose(), 1e-12, "dx = dout·Wᵀ: (4, 2)·(2, 3)")
                ?? Compare("dW", dW, x.Transpose() * dout, 1e-12, "dW = xᵀ·dout: (3, 4)·(4, 2)")
                ?? (db is not null && IsMultipleOf(db, dout.Sum(axis: 0), 1.0 / 4) ? "db is the mean of dout's rows; it is their sum (the / batch is already in dout)." : null)
                ?? Compare("db", db, dout.Sum(axis: 0), 1e-12, "db = dout.Sum(axis: 0), shape (1, 2)");
        });
}
