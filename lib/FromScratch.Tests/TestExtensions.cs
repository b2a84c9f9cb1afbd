using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

internal static class TestExtensions
{
    /// <summary>max |mᵢⱼ|.</summary>
    public static double AbsoluteMaximum(this Matrix<double> m) => m.Enumerate().Max(Math.Abs);
}

/// <summary>Small networks with known outputs, shared by the readable and the fast path's accuracy tests.</summary>
internal static class TestNets
{
    /// <summary>
    /// W1 = 0 and W2 = 0, so every row's scores are b2 exactly. Two scores one float step apart (0.125 and the next float) are
    /// different scores but the same probability after the softmax: exp(−2⁻²⁶) rounds to 1 in float.
    /// </summary>
    public static TwoLayerNet<float> WithScores(params float[] b2)
    {
        var net = new TwoLayerNet<float>(2, 3, b2.Length, seed: 1);
        net.Params["W1"].Clear();
        net.Params["W2"].Clear();
        for (int c = 0; c < b2.Length; c++) net.Params["b2"][0, c] = b2[c];
        return net;
    }

    /// <summary>Scores (1, 0) for row 0 and NaN for row 1 (its input is NaN), both labelled 0: the accuracy is 0.5.</summary>
    public static (TwoLayerNet<float> Net, Matrix<float> X, Matrix<float> T) WithANaNInputRow()
    {
        var net = WithScores(1f, 0f);
        net.Params["W1"][0, 0] = 1f;                                   // so that x reaches the scores
        var x = Matrix<float>.Build.Dense(2, 2);
        x[1, 0] = float.NaN;
        return (net, x, Labels(0, 0));
    }

    /// <summary>A column of labels.</summary>
    public static Matrix<float> Labels(params float[] labels) => Matrix<float>.Build.Dense(labels.Length, 1, (r, _) => labels[r]);
}
