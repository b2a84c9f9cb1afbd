using System.Buffers.Binary;
using System.IO.Compression;
using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>
/// A seeded mutator over valid IDX files, plain and gzip: every damaged file must either load consistently or throw
/// the library's own <see cref="DatasetException"/> naming the file — never another exception, a hang, or a huge allocation.
/// </summary>
public class IdxFuzzTests
{
    private const int Cases = 100_000;

    private static byte[] Valid(bool gzip, bool images, Random rng)
    {
        int count = rng.Next(1, 6), rows = rng.Next(1, 5), cols = rng.Next(1, 5);
        var plain = Plain(images, images ? [count, rows, cols] : [count], rng);
        return gzip ? Gzip(plain) : plain;
    }

    /// <summary>An uncompressed IDX file with these dimensions and random content.</summary>
    public static byte[] Plain(bool images, int[] dims, Random rng)
    {
        var b = new byte[4 + 4 * dims.Length + dims.Aggregate(1, (a, d) => a * d)];
        BinaryPrimitives.WriteInt32BigEndian(b, images ? Idx.ImagesMagic : Idx.LabelsMagic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), dims[i]);
        rng.NextBytes(b.AsSpan(4 + 4 * dims.Length));
        return b;
    }

    public static byte[] Gzip(byte[] plain)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(plain);
        return ms.ToArray();
    }

    /// <summary>
    /// A gzip file whose header declares <paramref name="count"/> images of 28×28 and whose ISIZE trailer agrees, but which holds
    /// only a few bytes of pixels: the declared size can only be found out by reading.
    /// </summary>
    public static byte[] ForgedGzip(int count)
    {
        var plain = Plain(images: true, [1, 28, 28], new Random(count));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(4), count);
        var gz = Gzip(plain);
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), (uint)((16 + 784L * count) & 0xFFFFFFFF));
        return gz;
    }

    private static byte[] Mutate(byte[] valid, bool gzip, bool images, Random rng)
    {
        var b = (byte[])valid.Clone();
        int headerLength = images ? 16 : 8;
        switch (rng.Next(8))
        {
            case 6: // gzip of a file cut at a header boundary or inside the payload: a valid gzip stream of a truncated file
                var plain = gzip ? Decompress(b) : b;
                int at = rng.Next(2) == 0 ? 4 * rng.Next(headerLength / 4 + 1) : rng.Next(plain.Length);
                return Gzip(plain[..Math.Min(at, plain.Length)]);
            case 7: // a gzip file that declares a huge count and whose ISIZE trailer agrees
                return images ? ForgedGzip(rng.Next(1 << 12, Array.MaxLength / 784)) : b;
            case 0: // flip one to three bytes anywhere
                for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(b.Length)] ^= (byte)rng.Next(1, 256);
                return b;
            case 1: // truncate anywhere
                return b[..rng.Next(b.Length)];
            case 2: // truncate at a header boundary (plain) or inside the gzip header/trailer
                int cut = gzip ? rng.Next(Math.Min(24, b.Length)) : 4 * rng.Next(headerLength / 4 + 1);
                return b[..Math.Min(cut, b.Length)];
            case 3: // a huge or negative declared dimension (plain only; in gzip the bytes are compressed)
                if (!gzip)
                {
                    int dim = rng.Next(1, headerLength / 4);
                    int value = rng.Next(3) switch { 0 => int.MaxValue, 1 => -rng.Next(1, 1000), _ => rng.Next(1 << 20, int.MaxValue) };
                    BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 * dim), value);
                }
                else b[^rng.Next(1, 5)] ^= 0xFF; // damage the gzip ISIZE trailer
                return b;
            case 4: // extra bytes at the end
                var extra = new byte[rng.Next(1, 20)];
                rng.NextBytes(extra);
                return [.. b, .. extra];
            default: // a random byte string with a plausible start
                var junk = new byte[rng.Next(0, 64)];
                rng.NextBytes(junk);
                if (junk.Length > 4 && rng.Next(2) == 0) BinaryPrimitives.WriteInt32BigEndian(junk, images ? Idx.ImagesMagic : Idx.LabelsMagic);
                if (junk.Length > 2 && gzip) { junk[0] = 0x1f; junk[1] = 0x8b; }
                return junk;
        }
    }

    private static byte[] Decompress(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>What one read may allocate: small fixed buffers and messages, plus a few times the file's own size.</summary>
    private static long AllocationLimit(int fileLength) => (1 << 20) + 64L * fileLength;

    [Fact]
    public void Damaged_files_load_consistently_or_fail_with_the_file_named()
    {
        var rng = new Random(20261128);
        int loaded = 0, refused = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            bool gzip = rng.Next(2) == 0, images = rng.Next(2) == 0;
            var bytes = Mutate(Valid(gzip, images, rng), gzip, images, rng);
            string name = $"case-{i}";
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                if (images)
                {
                    var r = Idx.ReadImages(stream, name);
                    Assert.Equal((long)r.Count * r.Rows * r.Columns, r.Pixels.Length);
                    Assert.True(r.Pixels.Length <= bytes.Length * 1100L, $"{name}: {r.Pixels.Length} bytes out of {bytes.Length}");
                }
                else
                {
                    var r = Idx.ReadLabels(stream, name);
                    Assert.True(r.Length <= bytes.Length * 1100L);
                }
                loaded++;
            }
            catch (DatasetException e)
            {
                Assert.Equal(name, e.FilePath);
                Assert.Contains(name, e.Message);
                refused++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{name} ({(gzip ? "gzip" : "plain")} {(images ? "images" : "labels")}, {bytes.Length} bytes: {Convert.ToHexString(bytes[..Math.Min(40, bytes.Length)])}) threw {e.GetType().Name}: {e.Message}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated <= AllocationLimit(bytes.Length),
                $"{name} ({(gzip ? "gzip" : "plain")} {(images ? "images" : "labels")}, {bytes.Length} bytes) allocated {allocated:N0} bytes");
        }
        Assert.Equal(Cases, loaded + refused);
        Assert.True(refused > Cases / 2, $"only {refused} of {Cases} damaged files were refused");
        Assert.True(loaded > 0, "no mutation survived: the mutator is too coarse to test the 'loads consistently' path");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {clock.Elapsed.TotalSeconds:0} s");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_file_cut_at_any_byte_is_refused_with_the_file_named(bool images, bool gzip)
    {
        var plain = Plain(images, images ? [3, 4, 5] : [7], new Random(5));
        var whole = gzip ? Gzip(plain) : plain;
        var cuts = new List<byte[]>();
        for (int cut = 0; cut < plain.Length; cut++)
        {
            cuts.Add(gzip ? Gzip(plain[..cut]) : plain[..cut]);  // the content cut at every byte, every header boundary included
            if (gzip && cut < whole.Length) cuts.Add(whole[..cut]);  // and the compressed file itself cut
        }
        for (int i = 0; i < cuts.Count; i++)
        {
            string name = $"cut-{i}";
            var ex = Assert.Throws<DatasetException>(() =>
            {
                using var stream = new MemoryStream(cuts[i]);
                _ = images ? Idx.ReadImages(stream, name).Pixels : Idx.ReadLabels(stream, name);
            });
            Assert.Equal(name, ex.FilePath);
            Assert.StartsWith($"{name} is not a valid IDX file: ", ex.Message);
        }
    }

    [Theory]
    [InlineData(76_000)]               // 60 MB declared
    [InlineData(2_739_000)]            // 2.1 GB declared, just under the largest array
    [InlineData(2_739_200)]            // one byte array too large to exist
    public void A_gzip_file_declaring_a_huge_count_fails_without_allocating_it(int count)
    {
        var forged = ForgedGzip(count);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetException>(() => Idx.ReadImages(new MemoryStream(forged), "forged.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("forged.gz", ex.FilePath);
        Assert.Matches("^forged.gz is not a valid IDX file: .*(truncated|gzip data is damaged|larger than any IDX file)", ex.Message);
        Assert.True(allocated <= AllocationLimit(forged.Length), $"{forged.Length} bytes declaring {count}×28×28 allocated {allocated:N0} bytes");
    }
}
