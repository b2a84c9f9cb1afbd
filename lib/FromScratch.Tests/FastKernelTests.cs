using System.Runtime.Intrinsics;
using FromScratch.Fast;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace FromScratch.Tests;

/// <summary>The fast kernels against naive references, on odd sizes, for whichever SIMD width this process runs with.</summary>
[Trait("Category", "Simd")]
public class FastKernelTests
{
    // ---------------------------------------------------------------- Gemm

    private static double[] NaiveProduct(bool ta, bool tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb, double beta, double[] c)
    {
        var r = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (ta ? a[p + i * lda] : a[i + p * lda]) * (tb ? b[j + p * ldb] : b[p + j * ldb]);
                r[i + j * m] = alpha * s + (beta == 0 ? 0 : beta * c[i + j * m]);
            }
        return r;
    }

    public static TheoryData<bool, bool, int, int, int> GemmShapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 7, 5), (100, 20, 784), (784, 20, 100), (100, 10, 20), (33, 33, 33), (17, 3, 1), (130, 21, 9), (5, 4, 0), (70, 40, 13), (97, 5, 50), (64, 48, 3), (96, 70, 30), (70, 64, 300) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(ta, tb, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void Gemm_matches_the_naive_product_in_double(bool ta, bool tb, int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        int lda = ta ? k : m, ldb = tb ? n : k;
        var a = Enumerable.Range(0, Math.Max(1, m * k)).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var b = Enumerable.Range(0, Math.Max(1, k * n)).Select(_ => rng.NextDouble() - 0.5).ToArray();
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (0.5, 2.0) })
        {
            var c = Enumerable.Range(0, m * n).Select(_ => rng.NextDouble()).ToArray();
            var expected = NaiveProduct(ta, tb, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c);
            if (beta == 0) Array.Fill(c, double.NaN);   // β = 0 must ignore C, NaN included
            Gemm.Multiply(ta, tb, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c);
            for (int i = 0; i < c.Length; i++)
                Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-12 * (1 + k), $"C[{i}] = {c[i]}, expected {expected[i]} (α {alpha}, β {beta})");
        }
    }

    /// <summary>The step-sized products alternate between one core and two in their first calls: every call gives the same bits.</summary>
    [Theory]
    [InlineData(false, 100, 20, 784)]   // x·W1
    [InlineData(true, 784, 20, 100)]    // xᵀ·δ₁
    [InlineData(false, 131, 33, 61)]
    [InlineData(true, 99, 41, 57)]
    [InlineData(true, 200, 64, 100)]    // a wide Aᵀ·B: packed Aᵀ at every width
    [InlineData(true, 62, 40, 100)]     // Aᵀ·B by dot products (C has fewer than 64 rows): rows in pairs
    [InlineData(false, 75, 30, 300)]    // split inside a two-vector block at every width (36 + 39 rows with 4 lanes, 40 + 35 with 8, 32 + 43 with 16)
    public void Step_sized_products_are_the_same_on_one_core_and_two(bool ta, int m, int n, int k)
    {
        Assert.InRange((long)m * n * k, Gemm.PairThreshold, Gemm.ParallelThreshold - 1);
        var rng = new Random(m + n + k);
        int lda = ta ? k : m;
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var expected = NaiveProduct(ta, false, m, n, k, 1, a.Select(v => (double)v).ToArray(), lda, b.Select(v => (double)v).ToArray(), k, 0, new double[m * n]);
        float[]? first = null;
        for (int call = 0; call < 2 * PairChooser.Trials; call++)
        {
            var c = new float[m * n];
            Gemm.Multiply(ta, false, m, n, k, 1f, a, lda, b, k, 0f, c);
            if (first is null)
            {
                first = c;
                for (int i = 0; i < c.Length; i++)
                    Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-6 * (1 + k), $"C[{i}] = {c[i]}, expected {expected[i]}");
            }
            else Assert.Equal(first, c);
        }
    }

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void Gemm_matches_the_naive_product_in_float(bool ta, bool tb, int m, int n, int k)
    {
        var rng = new Random(7 + m * 1000 + n * 10 + k);
        int lda = Math.Max(1, ta ? k : m), ldb = Math.Max(1, tb ? n : k);
        var a = Enumerable.Range(0, Math.Max(1, m * k)).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, Math.Max(1, k * n)).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var c = new float[m * n];
        var expected = NaiveProduct(ta, tb, m, n, k, 1, a.Select(v => (double)v).ToArray(), lda, b.Select(v => (double)v).ToArray(), ldb, 0, new double[m * n]);
        Gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c);
        for (int i = 0; i < c.Length; i++)
            Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-6 * (1 + k), $"C[{i}] = {c[i]}, expected {expected[i]}");
    }

    [Fact]
    public void Gemm_on_a_large_product_uses_threads_and_stays_exact()
    {
        var rng = new Random(3);
        int m = 5000, n = 20, k = 784;   // above the parallel threshold
        var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var c = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, 1f, a, m, b, k, 0f, c);
        foreach (int i in new[] { 0, 1, 31, 32, 4095, 4999 })
            foreach (int j in new[] { 0, 3, 4, 19 })
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i + p * m] * b[p + j * k];
                Assert.True(Math.Abs(c[i + j * m] - s) <= 1e-4, $"C[{i}, {j}] = {c[i + j * m]}, expected {s}");
            }
    }

    /// <summary>
    /// A product too tall for one panel (an evaluation's shape) takes the streaming path: panels of 64 columns, several per
    /// thread's rows, a last block of 8 columns, ragged row and column tails, and prefetches of the next panel.
    /// </summary>
    [Fact]
    public void Gemm_on_a_tall_product_that_streams_from_memory_matches_the_naive_product()
    {
        var rng = new Random(11);
        int m = 20_003, n = 6, k = 200;
        var a = Enumerable.Range(0, m * k).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (0.5, 2.0) })
        {
            var c = Enumerable.Range(0, m * n).Select(_ => rng.NextDouble()).ToArray();
            var expected = NaiveProduct(false, false, m, n, k, alpha, a, m, b, k, beta, c);
            if (beta == 0) Array.Fill(c, double.NaN);
            Gemm.Multiply(false, false, m, n, k, alpha, a, m, b, k, beta, c);
            for (int i = 0; i < c.Length; i++)
                Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-12 * (1 + k), $"C[{i % m}, {i / m}] = {c[i]}, expected {expected[i]} (α {alpha}, β {beta})");
            var cf = new float[m * n];
            Gemm.Multiply(false, false, m, n, k, (float)alpha, a.Select(v => (float)v).ToArray(), m, b.Select(v => (float)v).ToArray(), k, 0f, cf);
            var expectedF = NaiveProduct(false, false, m, n, k, alpha, a.Select(v => (double)(float)v).ToArray(), m, b.Select(v => (double)(float)v).ToArray(), k, 0, new double[m * n]);
            for (int i = 0; i < cf.Length; i++)
                Assert.True(Math.Abs(cf[i] - expectedF[i]) <= 1e-6 * (1 + k), $"float C[{i % m}, {i / m}] = {cf[i]}, expected {expectedF[i]}");
        }
    }

    // ---------------------------------------------------------------- FastProvider through MathNet

    private static Matrix<double> Naive(Matrix<double> a, Matrix<double> b)
        => Matrix<double>.Build.Dense(a.RowCount, b.ColumnCount, (i, j) => Enumerable.Range(0, a.ColumnCount).Sum(p => a[i, p] * b[p, j]));

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 5)]
    [InlineData(100, 784, 20)]
    [InlineData(33, 20, 10)]
    public void Provider_products_match_the_naive_product(int m, int k, int n)
    {
        var rng = new Random(m + k + n);
        var a = Matrix<double>.Build.Dense(m, k, (_, _) => rng.NextDouble() - 0.5);
        var b = Matrix<double>.Build.Dense(k, n, (_, _) => rng.NextDouble() - 0.5);
        var expected = Naive(a, b);
        var provider = FastLinearAlgebraProvider.Instance;
        var c = new double[m * n];
        provider.MatrixMultiply(a.AsColumnMajorArray(), m, k, b.AsColumnMajorArray(), k, n, c);
        Assert.True((Matrix<double>.Build.Dense(m, n, c) - expected).Enumerate().Max(Math.Abs) < 1e-12);

        var at = a.Transpose(); var bt = b.Transpose();
        provider.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 1.0, at.AsColumnMajorArray(), k, m, b.AsColumnMajorArray(), k, n, 0.0, c);
        Assert.True((Matrix<double>.Build.Dense(m, n, c) - expected).Enumerate().Max(Math.Abs) < 1e-12);
        provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.Transpose, 1.0, a.AsColumnMajorArray(), m, k, bt.AsColumnMajorArray(), n, k, 0.0, c);
        Assert.True((Matrix<double>.Build.Dense(m, n, c) - expected).Enumerate().Max(Math.Abs) < 1e-12);
        provider.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.Transpose, 1.0, at.AsColumnMajorArray(), k, m, bt.AsColumnMajorArray(), n, k, 0.0, c);
        Assert.True((Matrix<double>.Build.Dense(m, n, c) - expected).Enumerate().Max(Math.Abs) < 1e-12);

        var cf = new float[m * n];
        provider.MatrixMultiply(a.Map(v => (float)v).AsColumnMajorArray(), m, k, b.Map(v => (float)v).AsColumnMajorArray(), k, n, cf);
        Assert.True(cf.Select((v, i) => Math.Abs(v - expected.AsColumnMajorArray()[i])).Max() < 1e-5 * (1 + k));
    }

    [Fact]
    public void MathNet_operators_use_the_provider_and_agree_with_the_naive_product()
    {
        var previous = LinearAlgebraControl.Provider;
        try
        {
            FastProvider.Use();
            Assert.True(FastProvider.IsInUse);
            var rng = new Random(11);
            var x = Matrix<double>.Build.Dense(37, 50, (_, _) => rng.NextDouble() - 0.5);
            var w = Matrix<double>.Build.Dense(50, 9, (_, _) => rng.NextDouble() - 0.5);
            var d = Matrix<double>.Build.Dense(37, 9, (_, _) => rng.NextDouble() - 0.5);
            Assert.True(((x * w) - Naive(x, w)).Enumerate().Max(Math.Abs) < 1e-12);
            Assert.True((x.TransposeThisAndMultiply(d) - Naive(x.Transpose(), d)).Enumerate().Max(Math.Abs) < 1e-12);
            Assert.True((d.TransposeAndMultiply(w) - Naive(d, w.Transpose())).Enumerate().Max(Math.Abs) < 1e-12);
            // everything else is MathNet's own managed provider
            var sq = Matrix<double>.Build.DenseIdentity(4) * 2;
            Assert.Equal(16.0, sq.Determinant(), 12);
        }
        finally
        {
            LinearAlgebraControl.Provider = previous;
        }
    }

    // ---------------------------------------------------------------- the readable path's array helpers

    [Fact]
    public void Array_helpers_match_their_definitions()
    {
        var rng = new Random(2);
        var m = Matrix<double>.Build.Dense(37, 11, (_, _) => rng.NextDouble() - 0.5);
        var row = Matrix<double>.Build.Dense(1, 11, (_, _) => rng.NextDouble());
        var sums = m.Sum(axis: 0);
        for (int c = 0; c < 11; c++) Assert.Equal(Enumerable.Range(0, 37).Sum(r => m[r, c]), sums[0, c], 12);
        var argmax = m.ArgMaxRows();
        for (int r = 0; r < 37; r++) Assert.Equal(Enumerable.Range(0, 11).MaxBy(c => m[r, c]), argmax[r]);
        var plus = m.Clone();
        plus.AddRowInPlace(row);
        for (int r = 0; r < 37; r++) for (int c = 0; c < 11; c++) Assert.Equal(m[r, c] + row[0, c], plus[r, c]);
        var y = Functions.Softmax(m);
        for (int r = 0; r < 37; r++)
        {
            double max = Enumerable.Range(0, 11).Max(c => m[r, c]);
            double z = Enumerable.Range(0, 11).Sum(c => Math.Exp(m[r, c] - max));
            for (int c = 0; c < 11; c++) Assert.Equal(Math.Exp(m[r, c] - max) / z, y[r, c], 14);
        }
    }

    // ---------------------------------------------------------------- sparse rows, exp

    [Fact]
    public void SparseRows_hold_exactly_the_nonzeros_in_row_order()
    {
        var rng = new Random(5);
        var m = Matrix<float>.Build.Dense(300, 37, (_, _) => rng.NextDouble() < 0.8 ? 0f : (float)rng.NextDouble());
        var s = SparseRows.FromMatrix(m);
        Assert.Equal(300, s.RowCount);
        Assert.Equal(37, s.ColumnCount);
        for (int r = 0; r < m.RowCount; r++)
        {
            var dense = new float[37];
            for (int q = s.RowStart[r]; q < s.RowStart[r + 1]; q++)
            {
                if (q > s.RowStart[r]) Assert.True(s.Columns[q] > s.Columns[q - 1]);
                dense[s.Columns[q]] = s.Values[q];
            }
            for (int c = 0; c < 37; c++) Assert.Equal(m[r, c], dense[c]);
            // the row's split for the two cores: entries before RowMiddle are left of MiddleColumn, the rest are not
            for (int q = s.RowStart[r]; q < s.RowStart[r + 1]; q++) Assert.Equal(q < s.RowMiddle[r], s.Columns[q] < s.MiddleColumn);
        }
        Assert.Equal(18, s.MiddleColumn);   // 37 / 2, rounded down to even
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(7, 784)]
    [InlineData(257, 3)]
    public void SparseRows_keep_NaN_and_infinity_as_entries_skip_both_zeros_and_allow_empty_rows(int rows, int cols)
    {
        var m = Matrix<float>.Build.Dense(rows, cols);
        m[rows - 1, cols - 1] = float.NaN;
        m[0, 0] = float.PositiveInfinity;
        m[rows / 2, cols / 2] = -0f;
        var s = SparseRows.FromMatrix(m);
        Assert.Equal(rows == 1 && cols == 1 ? 1 : 2, s.Values.Length);
        Assert.Equal(float.PositiveInfinity, s.Values[0]);
        Assert.Equal(0, s.Columns[0]);
        Assert.True(float.IsNaN(s.Values[^1]));
        Assert.Equal(cols - 1, s.Columns[^1]);
        for (int r = 1; r < rows - 1; r++) Assert.Equal(s.RowStart[r], s.RowStart[r + 1]);   // rows with no entries
    }

    [Theory]
    [InlineData(1, 5, 0, 0)]
    [InlineData(300, 7, 299, 6)]    // the last row of a block of 256 + 44: counted one by one, after the vectors
    [InlineData(300, 7, 130, 3)]
    [InlineData(40, 784, 17, 400)]
    public void SparseRows_say_whether_every_number_was_finite(int rows, int cols, int badRow, int badColumn)
    {
        var rng = new Random(rows + cols);
        var m = Matrix<float>.Build.Dense(rows, cols, (_, _) => rng.NextDouble() < 0.7 ? 0f : (float)rng.NextDouble());
        Assert.True(SparseRows.FromMatrix(m).AllFinite);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var copy = m.Clone();
            copy[badRow, badColumn] = bad;
            Assert.False(SparseRows.FromMatrix(copy).AllFinite);
        }
        var extremes = m.Clone();
        extremes[badRow, badColumn] = float.MaxValue;
        extremes[0, 0] = -float.MaxValue;
        Assert.True(SparseRows.FromMatrix(extremes).AllFinite);
    }

    [Fact]
    public void ExpFast_is_within_a_few_ulp_of_exp()
    {
        for (double x = -80; x <= 80; x += 0.0137)
        {
            float e = ExpFast((float)x);
            double exact = Math.Exp((float)x);
            Assert.True(Math.Abs(e - exact) <= 4e-7 * exact, $"exp({x}) = {e}, expected {exact}");
        }
        Assert.True(ExpFast(-1000f) is >= 0f and < 1e-37f);   // saturates near 0 (e^−87.3) instead of underflowing
        Assert.True(ExpFast(1000f) > 1e38f);
    }

    [Fact]
    public void ExpFast_for_double_is_within_an_ulp_or_two_of_exp()
    {
        for (double x = -708; x <= 709; x += 0.0731)
        {
            double e = ExpFast(x), exact = Math.Exp(x);
            Assert.True(Math.Abs(e - exact) <= 4.5e-16 * exact, $"exp({x}) = {e:R}, expected {exact:R}");
        }
        foreach (double x in new[] { 0.0, -0.0, 1.0, -1.0, 0.5 * Math.Log(2), -0.5 * Math.Log(2), 1e-300, -1e-300 })
            Assert.True(Math.Abs(ExpFast(x) - Math.Exp(x)) <= 2.3e-16 * Math.Exp(x), $"exp({x:R}) = {ExpFast(x):R}");
        Assert.Equal(1.0, ExpFast(0.0));
        // it saturates instead of reaching 0 or ∞ (σ and softmax never see the difference), and NaN stays NaN
        Assert.True(ExpFast(-1000.0) is > 0 and < 1e-307);
        Assert.True(ExpFast(double.NegativeInfinity) is > 0 and < 1e-307);
        Assert.True(ExpFast(1000.0) is > 1e307 and < double.PositiveInfinity);
        Assert.True(double.IsNaN(ExpFast(double.NaN)));
    }

    private static double ExpFast(double x) => Simd.Bits switch
    {
        512 => Lanes512<double>.ExpFast(System.Runtime.Intrinsics.Vector512.Create(x)).ToScalar(),
        256 => Lanes256<double>.ExpFast(System.Runtime.Intrinsics.Vector256.Create(x)).ToScalar(),
        _ => Lanes128<double>.ExpFast(System.Runtime.Intrinsics.Vector128.Create(x)).ToScalar(),
    };

    private static float ExpFast(float x) => Simd.Bits switch
    {
        512 => Lanes512<float>.ExpFast(System.Runtime.Intrinsics.Vector512.Create(x)).ToScalar(),
        256 => Lanes256<float>.ExpFast(System.Runtime.Intrinsics.Vector256.Create(x)).ToScalar(),
        _ => Lanes128<float>.ExpFast(System.Runtime.Intrinsics.Vector128.Create(x)).ToScalar(),
    };

    /// <summary>
    /// The sparse kernels take two pixel values from one read (<c>BroadcastTwo</c>: with AVX2 or AVX-512 a load of both and
    /// a shuffle): every lane must hold exactly the value <c>Broadcast</c> gives, for each width this machine runs, with
    /// the values' bits kept (−0, NaN payloads, subnormals) and the two never swapped.
    /// </summary>
    [Fact]
    public unsafe void BroadcastTwo_puts_each_of_two_values_in_every_lane_exactly_as_Broadcast()
    {
        float[] floats = [0.5f, 1f / 255, -0f, float.Epsilon, float.MaxValue, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC0_1234), 3f];
        double[] doubles = [0.25, -0.0, double.Epsilon, 1e300, double.NaN, 7.0];
        for (int i = 0; i + 1 < floats.Length; i++)
            fixed (float* p = &floats[i])
            {
                Lanes512<float>.BroadcastTwo(p, out var a512, out var b512);
                Lanes256<float>.BroadcastTwo(p, out var a256, out var b256);
                Lanes128<float>.BroadcastTwo(p, out var a128, out var b128);
                for (int lane = 0; lane < 16; lane++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(floats[i]), BitConverter.SingleToInt32Bits(a512[lane]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(floats[i + 1]), BitConverter.SingleToInt32Bits(b512[lane]));
                }
                Assert.Equal(Vector256.Create(floats[i]).AsInt32(), a256.AsInt32());
                Assert.Equal(Vector256.Create(floats[i + 1]).AsInt32(), b256.AsInt32());
                Assert.Equal(Vector128.Create(floats[i]).AsInt32(), a128.AsInt32());
                Assert.Equal(Vector128.Create(floats[i + 1]).AsInt32(), b128.AsInt32());
            }
        for (int i = 0; i + 1 < doubles.Length; i++)
            fixed (double* p = &doubles[i])
            {
                Lanes256<double>.BroadcastTwo(p, out var a, out var b);
                Assert.Equal(Vector256.Create(doubles[i]).AsInt64(), a.AsInt64());
                Assert.Equal(Vector256.Create(doubles[i + 1]).AsInt64(), b.AsInt64());
            }
    }

    /// <summary>Guards the CI configuration: the environment switches really change the width the kernels use.</summary>
    [Fact]
    public void Simd_width_follows_the_runtime_switches()
    {
        bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";
        if (Environment.GetEnvironmentVariable(Simd.ForceVariable) is { Length: > 0 } forced)
        {   // test.sh forces the Vector512 kernels with AVX-512 off: .NET runs them in software
            Assert.Equal(int.Parse(forced), Simd.Bits);
            Assert.True(Simd.IsForced);
            if (Off("DOTNET_EnableAVX512") && Simd.Bits == 512) Assert.False(Simd.IsAccelerated);
            return;
        }
        Assert.False(Simd.IsForced);
        if (Off("DOTNET_EnableAVX2") || Off("DOTNET_EnableHWIntrinsic")) Assert.Equal(128, Simd.Bits);
        else if (Off("DOTNET_EnableAVX512")) Assert.True(Simd.Bits <= 256);
        Assert.Equal(Simd.Bits / 32, Simd.FloatLanes);
        // test.sh states the width it expects from its switches, so a switch the runtime ignores fails here.
        if (Environment.GetEnvironmentVariable("FROMSCRATCH_MAX_SIMD_BITS") is { Length: > 0 } max)
            Assert.True(Simd.Bits <= int.Parse(max), $"Simd.Bits is {Simd.Bits} but test.sh limited the runtime to {max} bits");
    }

    [Theory]
    [InlineData(null, 256, 256)]
    [InlineData("", 128, 128)]
    [InlineData("512", 256, 512)]
    [InlineData(" 128 ", 512, 128)]
    [InlineData("256", 128, 256)]
    public void Simd_width_can_be_forced_by_the_environment(string? value, int hardware, int expected)
        => Assert.Equal(expected, Simd.Choose(value, hardware));

    [Theory]
    [InlineData("1024")]
    [InlineData("avx512")]
    [InlineData("5l2")]
    public void A_bad_forced_simd_width_names_the_variable_and_the_value(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Simd.Choose(value, 256));
        Assert.Contains(Simd.ForceVariable, e.Message);
        Assert.Contains($"'{value}'", e.Message);
    }
}
