using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>The matrix softmax (row maxima by a fold, no vector per row) gives each row's vector softmax bit for bit.</summary>
public class SoftmaxRowMaximumTests
{
    [Fact]
    public void EachRowIsTheVectorSoftmaxOfThatRow()
    {
        var rng = new Random(5);
        var a = Matrix<float>.Build.Dense(37, 10, (_, _) => (float)(rng.NextDouble() * 40 - 20));
        a[3, 0] = float.NaN; a[4, 7] = float.NaN;                                        // NaN first, NaN later
        for (int c = 0; c < 10; c++) a[5, c] = float.NegativeInfinity;                    // all −∞
        a[6, 2] = float.PositiveInfinity; a[7, 9] = 1000; a[8, 0] = -0f;
        var y = Functions.Softmax(a);
        for (int r = 0; r < a.RowCount; r++)
        {
            var expected = Functions.Softmax(a.Row(r));
            for (int c = 0; c < a.ColumnCount; c++)
                Assert.True(expected[c].Equals(y[r, c]), $"row {r}, column {c}: vector softmax {expected[c]}, matrix softmax {y[r, c]}");
        }
    }
}
