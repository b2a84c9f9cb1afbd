using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>The matrix softmax gives each row's vector softmax bit for bit, also for NaN, ±∞ and sparse matrices.</summary>
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

/// <summary>
/// Functions of a matrix that is not dense (MathNet skips the zeros of a sparse matrix in <c>Map</c> unless told not to) give
/// the same bits as of the same numbers in a dense matrix; the row helpers the softmax uses check their one-value-per-row argument.
/// </summary>
public class NonDenseMatrixFunctionTests
{
    private static (Matrix<float> sparse, Matrix<float> dense) Scores()
    {
        var dense = Matrix<float>.Build.Dense(6, 4);
        dense[0, 1] = 2.5f; dense[2, 3] = -1f; dense[3, 0] = 7f; dense[5, 2] = 0.25f;   // mostly zeros: rows 1 and 4 are all zero
        return (Matrix<float>.Build.SparseOfMatrix(dense), dense);
    }

    private static void SameBits(Matrix<float> expected, Matrix<float> actual, string what)
    {
        for (int r = 0; r < expected.RowCount; r++)
            for (int c = 0; c < expected.ColumnCount; c++)
                Assert.True(expected[r, c].Equals(actual[r, c]), $"{what} ({r}, {c}): dense {expected[r, c]}, sparse {actual[r, c]}");
    }

    [Fact]
    public void Softmax_of_a_sparse_matrix_is_that_of_the_same_dense_matrix()
    {
        var (sparse, dense) = Scores();
        SameBits(Functions.Softmax(dense), Functions.Softmax(sparse), "softmax");
        Assert.Equal(0.25f, Functions.Softmax(sparse)[1, 0]);   // an all-zero row: four equal shares
    }

    [Fact]
    public void Sigmoid_of_a_sparse_matrix_is_that_of_the_same_dense_matrix()
    {
        var (sparse, dense) = Scores();
        SameBits(Functions.Sigmoid(dense), Functions.Sigmoid(sparse), "sigmoid");
        Assert.Equal(0.5f, Functions.Sigmoid(sparse)[1, 0]);    // σ(0)
    }
}
