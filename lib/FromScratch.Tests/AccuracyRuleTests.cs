using FromScratch.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// <see cref="TwoLayerNet{T}"/> and <see cref="LayeredNet{T}"/> share one accuracy rule: a row is correct when the largest
/// score (the output before the softmax) is the answer, and a row with a NaN score is never correct.
/// </summary>
public class AccuracyRuleTests
{
    [Fact]
    public void Both_networks_count_a_near_tie_by_the_larger_score()
    {
        var net = TestNets.WithScores(0.125f, float.BitIncrement(0.125f));
        var probabilities = net.Predict(Matrix<float>.Build.Dense(1, 2));
        Assert.Equal(probabilities[0, 0], probabilities[0, 1]);       // the softmax cannot tell the two classes apart
        var x = Matrix<float>.Build.Dense(4, 2);
        var t = TestNets.Labels(1, 1, 1, 0);
        Assert.Equal(0.75, net.Accuracy(x, t));                        // class 1 has the larger score in every row
        Assert.Equal(0.75, LayeredNet<float>.From(net).Accuracy(x, t));
    }

    [Fact]
    public void A_NaN_score_is_never_correct()
    {
        var net = TestNets.WithScores(float.NaN, 0f, 0f);
        var x = Matrix<float>.Build.Dense(3, 2);
        foreach (var t in new[] { TestNets.Labels(0, 0, 0), TestNets.Labels(1, 1, 1), TestNets.Labels(2, 2, 2) })
        {
            Assert.Equal(0.0, net.Accuracy(x, t));
            Assert.Equal(0.0, LayeredNet<float>.From(net).Accuracy(x, t));
        }
    }

    [Fact]
    public void A_NaN_input_row_is_never_correct_and_the_other_rows_still_count()
    {
        var (net, x, t) = TestNets.WithANaNInputRow();
        Assert.Equal(0.5, net.Accuracy(x, t));
        Assert.Equal(0.5, LayeredNet<float>.From(net).Accuracy(x, t));
    }
}
