using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// <see cref="TwoLayerNet{T}"/> and <see cref="LayeredNet{T}"/> share one accuracy rule: a row is correct when the largest
/// score (the output before the softmax) is the answer, and a row with a NaN score is never correct.
/// </summary>
public class AccuracyRuleTests
{
    /// <summary>
    /// W1 = 0 and W2 = 0, so every row's scores are b2 exactly. Two scores one float step apart (0.125 and the next float) are
    /// different scores but the same probability after the softmax: exp(−2⁻²⁶) rounds to 1 in float.
    /// </summary>
    private static TwoLayerNet<float> NetWithScores(params float[] b2)
    {
        var net = new TwoLayerNet<float>(2, 3, b2.Length, seed: 1);
        net.Params["W1"].Clear();
        net.Params["W2"].Clear();
        for (int c = 0; c < b2.Length; c++) net.Params["b2"][0, c] = b2[c];
        return net;
    }

    private static Matrix<float> Labels(params float[] labels) => Matrix<float>.Build.Dense(labels.Length, 1, (r, _) => labels[r]);

    [Fact]
    public void Both_networks_count_a_near_tie_by_the_larger_score()
    {
        var net = NetWithScores(0.125f, float.BitIncrement(0.125f));
        var probabilities = net.Predict(Matrix<float>.Build.Dense(1, 2));
        Assert.Equal(probabilities[0, 0], probabilities[0, 1]);       // the softmax cannot tell the two classes apart
        var x = Matrix<float>.Build.Dense(4, 2);
        var t = Labels(1, 1, 1, 0);
        Assert.Equal(0.75, net.Accuracy(x, t));                        // class 1 has the larger score in every row
        Assert.Equal(0.75, LayeredNet<float>.From(net).Accuracy(x, t));
    }

    [Fact]
    public void A_NaN_score_is_never_correct()
    {
        var net = NetWithScores(float.NaN, 0f, 0f);
        var x = Matrix<float>.Build.Dense(3, 2);
        foreach (var t in new[] { Labels(0, 0, 0), Labels(1, 1, 1), Labels(2, 2, 2) })
        {
            Assert.Equal(0.0, net.Accuracy(x, t));
            Assert.Equal(0.0, LayeredNet<float>.From(net).Accuracy(x, t));
        }
    }

    [Fact]
    public void A_NaN_input_row_is_never_correct_and_the_other_rows_still_count()
    {
        var net = NetWithScores(1f, 0f);
        net.Params["W1"][0, 0] = 1f;                                   // so that x reaches the scores
        var x = Matrix<float>.Build.Dense(2, 2);
        x[1, 0] = float.NaN;
        var t = Labels(0, 0);
        Assert.Equal(0.5, net.Accuracy(x, t));
        Assert.Equal(0.5, LayeredNet<float>.From(net).Accuracy(x, t));
    }
}
