using FromScratch.Data;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>
/// <see cref="ByteRows"/>: a minibatch of images copied from their bytes eight by eight with SIMD has exactly the matrix's own
/// numbers. In the SIMD test passes this runs with the kernel (256 and 512 bits) and without it (128 bits, AVX2 off): both
/// must give the same bits.
/// </summary>
[Trait("Category", "Simd")]
public class ByteRowsTests
{
    [Fact]
    public void The_divisor_is_found_only_for_a_table_that_is_exactly_code_over_255_or_code()
    {
        float[] Table(Func<int, float> f) => Enumerable.Range(0, 256).Select(f).ToArray();
        Assert.Equal(255f, ByteRows.ExactDivisor(Table(v => v / 255f)));
        Assert.Equal(1f, ByteRows.ExactDivisor(Table(v => v)));
        Assert.Null(ByteRows.ExactDivisor(Table(v => v * (1f / 255f))));   // 126 codes differ in the last bit from v / 255
        Assert.Null(ByteRows.ExactDivisor(Table(v => v / 127.5f)));
        var almost = Table(v => v / 255f);
        almost[200] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(almost[200]) + 1);
        Assert.Null(ByteRows.ExactDivisor(almost));
        Assert.Null(ByteRows.ExactDivisor(new float[255]));
    }

    [Theory]
    [InlineData(100, 784, 0, 784)]
    [InlineData(100, 784, 392, 784)]   // one core's half of a two-core copy
    [InlineData(17, 12, 0, 12)]        // 8 + 8 + 1 rows, 8 + 4 columns
    [InlineData(7, 9, 0, 9)]           // no whole group of eight rows
    [InlineData(16, 8, 3, 5)]          // no whole group of eight columns
    [InlineData(0, 8, 0, 8)]
    public void The_kernel_gives_the_same_bits_as_the_table(int count, int columns, int c0, int c1)
    {
        if (!ByteRows.Supported) return;                                   // the 128-bit pass: SelectRows uses the table (tested below)
        var rng = new Random(count * 1000 + columns + c0);
        int rowCount = 40;
        var rows = Enumerable.Range(0, rowCount * columns).Select(_ => (byte)rng.Next(256)).ToArray();
        rows[0] = 255; rows[^1] = 0;
        var indices = Enumerable.Range(0, count).Select(i => i % 3 == 0 ? rowCount - 1 : rng.Next(rowCount)).ToArray();
        foreach (float d in new[] { 255f, 1f })
        {
            var batch = Enumerable.Repeat(float.NaN, count * columns).ToArray();
            ByteRows.Gather(rows, d, columns, indices, batch, c0, c1);
            for (int i = 0; i < count; i++)
                for (int c = 0; c < columns; c++)
                {
                    float expected = c >= c0 && c < c1 ? rows[indices[i] * columns + c] / d : float.NaN;   // other columns untouched
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(batch[c * count + i]));
                }
        }
    }

    [Theory]
    [InlineData(true, 100)]
    [InlineData(false, 100)]
    [InlineData(true, 13)]
    [InlineData(true, 30)]    // 30 × 784 ≥ 16,384 numbers: copied on two cores, split at column 392
    public void Minibatches_of_loaded_images_equal_their_matrix_at_every_width(bool normalize, int batch)
    {
        var rng = new Random(batch);
        int n = 60, p = 784;
        var pixels = Enumerable.Range(0, n * p).Select(_ => (byte)(rng.Next(3) == 0 ? rng.Next(256) : 0)).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => (byte)rng.Next(10)).ToArray();
        var (x, _) = Mnist.Split<float>(new IdxImages(n, 28, 28, pixels), labels, normalize, flatten: true, oneHotLabel: true);
        var into = Matrix<float>.Build.Dense(batch, p, float.NaN);
        for (int draw = 0; draw < 3; draw++)
        {
            var mask = Enumerable.Range(0, batch).Select(_ => rng.Next(n)).ToArray();
            x.SelectRows(mask, into);
            for (int i = 0; i < batch; i++)
                for (int c = 0; c < p; c++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(x[mask[i], c]), BitConverter.SingleToInt32Bits(into[i, c]));
        }
    }

    [Fact]
    public void A_table_of_other_values_is_still_looked_up()
    {   // codes whose values are not code / d (here 2·code + 1) take the table path and stay exact
        var rng = new Random(5);
        int n = 20, p = 24;
        var codes = Enumerable.Range(0, n * p).Select(_ => (byte)rng.Next(256)).ToArray();
        var values = Enumerable.Range(0, 256).Select(v => 2f * v + 1).ToArray();
        var m = Matrix<float>.Build.Dense(n, p, (r, c) => values[codes[r * p + c]]);
        m.KeepRowMajorCopy(codes, values);
        int[] mask = [19, 0, 3, 3, 7, 12, 1, 8, 9, 10];
        Assert.Equal(Matrix<float>.Build.Dense(mask.Length, p, (i, c) => values[codes[mask[i] * p + c]]), m.SelectRows(mask));
    }
}
