using FromScratch;
using MathNet.Numerics.LinearAlgebra;
using static FromScratch.Functions;

namespace FromScratch.Tests;

public class FunctionsTests
{
    private static Matrix<double> M(double[,] a) => Matrix<double>.Build.DenseOfArray(a);
    private static Vector<double> V(params double[] a) => Vector<double>.Build.DenseOfArray(a);

    [Fact]
    public void Sigmoid_known_values()
    {
        Assert.Equal(0.5, Sigmoid(0.0));
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), Sigmoid(2.0), 15);
        Assert.Equal(0f, Sigmoid(-1000f));          // saturates, no NaN
        Assert.Equal(1f, Sigmoid(1000f));
        var s = Sigmoid(M(new double[,] { { -1, 0, 1 } }));
        Assert.Equal(1 - s[0, 2], s[0, 0], 15);     // σ(−x) = 1 − σ(x)
    }

    [Fact]
    public void Softmax_sums_to_one_and_ignores_a_constant_shift()
    {
        var a = V(0.3, 2.9, 4.0);
        var y = Softmax(a);
        Assert.Equal(1.0, y.Sum(), 12);
        Assert.Equal(new[] { 0.01821127, 0.24519181, 0.73659691 }, y.ToArray().Select(v => Math.Round(v, 8)));
        var shifted = Softmax(a + 1000.0);
        Assert.True((shifted - y).AbsoluteMaximum() < 1e-12);
    }

    [Fact]
    public void Softmax_of_large_scores_is_finite()
    {
        var naive = V(1010, 1000, 990).Map(Math.Exp);
        Assert.True(double.IsInfinity(naive[0]));   // what the max subtraction protects against
        var y = Softmax(V(1010, 1000, 990));
        Assert.All(y, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(9.99954600e-01, y[0], 8);
        var yf = Softmax(Vector<float>.Build.DenseOfArray([1010f, 1000f, 990f]));
        Assert.All(yf, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Batched_softmax_equals_softmax_of_each_row()
    {
        var a = M(new double[,] { { 1, 2, 3 }, { 1010, 1000, 990 }, { -5, 0, 5 } });
        var y = Softmax(a);
        for (int r = 0; r < a.RowCount; r++)
        {
            Assert.Equal(1.0, y.Row(r).Sum(), 12);
            Assert.True((Softmax(a.Row(r)) - y.Row(r)).AbsoluteMaximum() < 1e-15);
        }
        Assert.Equal(1.0, a[0, 0]);                 // input untouched
    }

    [Fact]
    public void Cross_entropy_of_confident_correct_answer_is_small_and_of_uniform_answer_is_ln10()
    {
        var t = V(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        var confident = V(0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0);
        Assert.Equal(0.510825457, CrossEntropyError(confident, t), 8);  // −ln 0.6
        var right = V(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        Assert.True(CrossEntropyError(right, t) < 1e-6);
        var uniform = Vector<double>.Build.Dense(10, 0.1);
        Assert.Equal(-Math.Log(0.1 + 1e-7), CrossEntropyError(uniform, t), 12);
        Assert.True(Math.Abs(Math.Log(10) - CrossEntropyError(uniform, t)) < 1e-5);
        var wrong = V(1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Assert.Equal(-Math.Log(1e-7), CrossEntropyError(wrong, t), 6);   // δ keeps log(0) finite
    }

    [Fact]
    public void Cross_entropy_of_a_batch_is_the_mean_of_its_rows()
    {
        var y = M(new double[,] { { 0.7, 0.2, 0.1 }, { 0.1, 0.1, 0.8 } });
        var t = M(new double[,] { { 1, 0, 0 }, { 0, 0, 1 } });
        double batch = CrossEntropyError(y, t);
        double single = (CrossEntropyError(y.Row(0), t.Row(0)) + CrossEntropyError(y.Row(1), t.Row(1))) / 2;
        Assert.Equal(single, batch, 14);
        var ex = Assert.Throws<ArgumentException>(() => CrossEntropyError(y, M(new double[,] { { 1, 0 }, { 0, 1 } })));
        Assert.Contains("(2, 3)", ex.Message);
        Assert.Contains("(2, 2)", ex.Message);
    }

    [Fact]
    public void Numerical_gradient_of_a_sum_of_squares_is_2x_and_restores_x()
    {
        var x = V(3.0, 4.0);
        var g = NumericalGradient(v => v[0] * v[0] + v[1] * v[1], x);
        Assert.Equal(6.0, g[0], 6);
        Assert.Equal(8.0, g[1], 6);
        Assert.Equal(new[] { 3.0, 4.0 }, x.ToArray());

        var w = M(new double[,] { { 1, -2 }, { 0.5, 3 } });
        var before = w.Clone();
        var gw = NumericalGradient(m => m.PointwisePower(3).Enumerate().Sum(), w);  // d/dw w³ = 3w²
        Assert.True((gw - 3 * w.PointwisePower(2)).AbsoluteMaximum() < 1e-6);
        Assert.Equal(before, w);
    }
}
