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

    /// <summary>A column of labels.</summary>
    public static Matrix<float> Labels(params float[] labels) => Matrix<float>.Build.Dense(labels.Length, 1, (r, _) => labels[r]);
}
