using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FromScratch.Fast;

/// <summary>
/// The minibatch copy <c>x[batch_mask]</c> from rows of bytes (a dataset's images, whose row-major copy is the file's pixels)
/// into a column-major float batch, eight rows by eight columns at a time: eight bytes of each row become eight floats
/// (widen, convert, divide), and the 8×8 block is transposed in registers so that each column's eight numbers are one store.
/// The scalar copy looks every number up in a table of 256 values; this one computes the value, so it is used only for a
/// table that is exactly <c>(float)code / d</c> for every code (<see cref="ExactDivisor"/>): the same IEEE division, the same bits.
/// </summary>
internal static unsafe class ByteRows
{
    /// <summary>Whether this machine runs the kernel (AVX2, and a kernel width of at least 256 bits; the 128-bit test pass turns it off).</summary>
    public static bool Supported => Avx2.IsSupported && Simd.Bits >= 256;

    /// <summary>
    /// The d (255 or 1: a loader's <c>normalize: true</c> or <c>false</c>) for which <c>values[v]</c> is exactly <c>(float)v / d</c>
    /// for all 256 codes, bit for bit; null for any other table.
    /// </summary>
    public static float? ExactDivisor(float[] values)
    {
        if (values.Length != 256) return null;
        foreach (float d in (ReadOnlySpan<float>)[255f, 1f])
        {
            bool exact = true;
            for (int v = 0; v < 256 && exact; v++) exact = BitConverter.SingleToInt32Bits((float)v / d) == BitConverter.SingleToInt32Bits(values[v]);
            if (exact) return d;
        }
        return null;
    }

    /// <summary>
    /// <c>batch[c * count + i] = rows[indices[i] * columns + c] / divisor</c> for every i and the columns
    /// <paramref name="c0"/>..<paramref name="c1"/> − 1 (count = <c>indices.Count</c>). The indices, the lengths and the column
    /// range have been checked by the caller; requires <see cref="Supported"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: no slow tier-0 code in a notebook's first run
    public static void Gather(byte[] rows, float divisor, int columns, IReadOnlyList<int> indices, float[] batch, int c0, int c1)
    {
        int count = indices.Count, i = 0;
        var d = Vector256.Create(divisor);
        byte** r = stackalloc byte*[8];
        fixed (byte* all = rows) fixed (float* output = batch)
        {
            for (; i + 8 <= count; i += 8)
            {
                for (int k = 0; k < 8; k++) r[k] = all + (nint)indices[i + k] * columns;
                // the rows are random rows of a large array: ask for the next group's bytes while this group is copied
                for (int k = i + 8; k < Math.Min(i + 16, count); k++)
                {
                    byte* next = all + (nint)indices[k] * columns;
                    for (int at = c0; at < c1; at += 64) Sse.Prefetch0(next + at);
                    Sse.Prefetch0(next + c1 - 1);
                }
                float* to = output + i;
                int c = c0;
                for (; c + 8 <= c1; c += 8)
                {
                    // x_k = row k's numbers in columns c..c+7
                    var x0 = Numbers(r[0] + c, d); var x1 = Numbers(r[1] + c, d); var x2 = Numbers(r[2] + c, d); var x3 = Numbers(r[3] + c, d);
                    var x4 = Numbers(r[4] + c, d); var x5 = Numbers(r[5] + c, d); var x6 = Numbers(r[6] + c, d); var x7 = Numbers(r[7] + c, d);
                    // transpose: pairs of rows interleaved, then quads, then the two 128-bit halves: o_k = column c+k of rows 0..7
                    var t0 = Avx.UnpackLow(x0, x1); var t1 = Avx.UnpackHigh(x0, x1); var t2 = Avx.UnpackLow(x2, x3); var t3 = Avx.UnpackHigh(x2, x3);
                    var t4 = Avx.UnpackLow(x4, x5); var t5 = Avx.UnpackHigh(x4, x5); var t6 = Avx.UnpackLow(x6, x7); var t7 = Avx.UnpackHigh(x6, x7);
                    var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE); var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
                    var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE); var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
                    float* o = to + (nint)c * count;
                    Avx.Store(o, Avx.Permute2x128(u0, u4, 0x20));
                    Avx.Store(o + count, Avx.Permute2x128(u1, u5, 0x20));
                    Avx.Store(o + 2 * count, Avx.Permute2x128(u2, u6, 0x20));
                    Avx.Store(o + 3 * count, Avx.Permute2x128(u3, u7, 0x20));
                    Avx.Store(o + 4 * count, Avx.Permute2x128(u0, u4, 0x31));
                    Avx.Store(o + 5 * count, Avx.Permute2x128(u1, u5, 0x31));
                    Avx.Store(o + 6 * count, Avx.Permute2x128(u2, u6, 0x31));
                    Avx.Store(o + 7 * count, Avx.Permute2x128(u3, u7, 0x31));
                }
                for (; c < c1; c++)                                   // the last columns % 8
                    for (int k = 0; k < 8; k++) to[(nint)c * count + k] = r[k][c] / divisor;
            }
            for (; i < count; i++)                                    // the last count % 8 rows
            {
                byte* row = all + (nint)indices[i] * columns;
                for (int c = c0; c < c1; c++) output[(nint)c * count + i] = row[c] / divisor;
            }
        }
    }

    /// <summary>Eight bytes as eight floats, each divided by d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Numbers(byte* p, Vector256<float> d)
        => Avx.Divide(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p)), d);
}
