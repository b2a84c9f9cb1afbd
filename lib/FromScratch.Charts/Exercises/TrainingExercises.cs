using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Exercises.Exercise;

namespace FromScratch.Exercises;

/// <summary>Checks for the exercises at the end of notebook 04 (the SGD update, accuracy).</summary>
public static class TrainingExercises
{
    /// <summary>4.1: W ← W − lr·dW for every parameter, in place (the matrices in the dictionary stay the same objects).</summary>
    public static CheckResult CheckSgdUpdate(Action<Dictionary<string, Matrix<double>>, Dictionary<string, Matrix<double>>, double> sgdUpdate) =>
        Run("4.1 the SGD update in place (확률적 경사 하강법)", "code that holds a parameter matrix — a layer, a chart, Trainer — sees the new values.", () =>
        {
            var parameters = new Dictionary<string, Matrix<double>> { ["W1"] = Random(3, 2, 21), ["b1"] = Random(1, 2, 22) };
            var grads = new Dictionary<string, Matrix<double>> { ["W1"] = Random(3, 2, 23), ["b1"] = Random(1, 2, 24) };
            var originals = parameters.ToDictionary(p => p.Key, p => p.Value);
            var expected = parameters.ToDictionary(p => p.Key, p => p.Value - 0.1 * grads[p.Key]);
            var before = parameters.ToDictionary(p => p.Key, p => p.Value.Clone());
            sgdUpdate(parameters, grads, 0.1);
            foreach (var key in new[] { "W1", "b1" })
            {
                if (!parameters.TryGetValue(key, out var now)) return $"\"{key}\" is missing from the parameters after your update.";
                if (!ReferenceEquals(now, originals[key]))
                {
                    bool valuesRight = Compare(key, now, expected[key], 1e-12) is null;
                    return $"params[\"{key}\"] is a new matrix after your update{(valuesRight ? " (its values are right)" : "")}, so whoever holds the old one " +
                           "(a layer, the trainer) keeps the old values. Update in place: p.Subtract(lr * g, p) writes the result into p.";
                }
                if (Compare(key, now, before[key], 0) is null) return $"params[\"{key}\"] did not change.";
                if (Compare(key, now, before[key] + 0.1 * grads[key], 1e-12) is null) return $"params[\"{key}\"] moved up the gradient: subtract lr·dW, do not add it.";
                if (Compare($"params[\"{key}\"]", now, expected[key], 1e-12) is { } problem) return problem + " Hint: W − lr·dW.";
            }
            return null;
        });

    /// <summary>4.2: the fraction of rows whose largest probability is at the one-hot answer.</summary>
    public static CheckResult CheckAccuracy(Func<Matrix<double>, Matrix<double>, double> accuracy) =>
        Run("4.2 accuracy (정확도)", "argmax of y against argmax of t, averaged over the rows.", () =>
        {
            var y = Functions.Softmax(Random(8, 4, seed: 31));
            var predicted = y.ArgMaxRows();
            int[] labels = [predicted[0], predicted[1], (predicted[2] + 1) % 4, predicted[3], (predicted[4] + 2) % 4, predicted[5], predicted[6], (predicted[7] + 1) % 4];
            var t = OneHot(labels, 4);
            double got = accuracy(y.Clone(), t.Clone());
            if (Math.Abs(got - 5) < 1e-12) return "you returned the number of right rows (5); accuracy is that over the number of rows (8).";
            if (Math.Abs(got - 5.0 / 8) > 1e-12) return $"your accuracy is {F(got)}, expected {F(5.0 / 8)}: 5 of the 8 rows have their largest y at the answer. Hint: compare y.ArgMaxRows() with t.ArgMaxRows().";
            return null;
        });
}
