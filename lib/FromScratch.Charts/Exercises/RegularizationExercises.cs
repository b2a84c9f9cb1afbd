using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 12 (the weight decay term, dropout's forward pass).</summary>
public static class RegularizationExercises
{
    /// <summary>12.1: ½λ Σ ΣW².</summary>
    public static CheckResult CheckWeightDecayTerm(Func<IReadOnlyList<Matrix<double>>, double, double> weightDecayTerm) =>
        Run("12.1 the weight decay term (가중치 감소)", "its derivative with respect to W is λW: that is what the library adds to each weight's gradient.", () =>
        {
            var weights = new[] { Random(4, 3, seed: 121), Random(3, 2, seed: 122) };
            double squares = weights.Sum(w => w.Enumerate().Sum(v => v * v));
            foreach (double lambda in new[] { 0.1, 0.5 })
            {
                double expected = 0.5 * lambda * squares;
                double got = weightDecayTerm(weights.Select(w => w.Clone()).ToList(), lambda);
                if (Math.Abs(got - expected) <= 1e-12) continue;
                if (Math.Abs(got - 2 * expected) <= 1e-12) return "you left out the ½: the term is ½λΣW², whose derivative is λW.";
                if (Math.Abs(got - 0.5 * lambda * Math.Sqrt(squares)) <= 1e-12) return "that is ½λ times the norm; the term uses the sum of the squares itself, not its root.";
                return $"with λ = {F(lambda)}: expected {F(expected)}, got {F(got)}.";
            }
            // the library's network agrees: its loss grows by the same term
            var net = new MultiLayerNet<double>(4, [3], 2, "sigmoid", weightInitStd: 0.5, seed: 2);
            var decayed = new MultiLayerNet<double>(4, [3], 2, "sigmoid", weightInitStd: 0.5, weightDecayLambda: 0.1, seed: 2);
            var x = Random(3, 4, seed: 123);
            var t = OneHot([0, 1, 1], 2);
            double term = weightDecayTerm([net.Params["W1"], net.Params["W2"]], 0.1);
            return Math.Abs(decayed.Loss(x, t) - net.Loss(x, t) - term) <= 1e-12 ? null : "your term differs from what MultiLayerNet adds to its loss.";
        });

    /// <summary>12.2: training x ⊙ mask, inference x · (1 − ratio).</summary>
    public static CheckResult CheckDropoutForward(Func<Matrix<double>, Matrix<double>, bool, double, Matrix<double>> dropoutForward) =>
        Run("12.2 dropout's forward pass (드롭아웃의 순전파)", "in inference every unit is there, so the output is scaled by the fraction kept in training: the next layer sees the same mean.", () =>
        {
            var x = Random(4, 5, seed: 124);
            var mask = Random(4, 5, seed: 125).Map(v => v > -0.6 ? 1.0 : 0.0);
            var layer = new Dropout<double>(0.2) { FixedMask = mask };
            var train = dropoutForward(x.Clone(), mask.Clone(), true, 0.2);
            if (Compare("training output", train, layer.Forward(x, train: true), 1e-12, "x ⊙ mask") is string problem)
                return train is not null && Compare("", train, x.PointwiseMultiply(mask) * 0.8, 1e-12) is null
                    ? "in training the book does not scale (that is \"inverted dropout\"); it keeps x where the mask is 1." : problem;
            var inference = dropoutForward(x.Clone(), mask.Clone(), false, 0.2);
            if (inference is not null && Compare("", inference, x.PointwiseMultiply(mask), 1e-12) is null)
                return "in inference nothing is dropped: use no mask, scale by 1 − ratio.";
            if (inference is not null && Compare("", inference, x * 0.2, 1e-12) is null)
                return "in inference scale by the fraction kept, 1 − ratio = 0.8, not by the ratio.";
            return Compare("inference output", inference, layer.Forward(x, train: false), 1e-12, "x · (1 − ratio)");
        });
}
