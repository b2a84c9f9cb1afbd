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
        using var ms = new MemoryStream();
        int count = rng.Next(1, 6), rows = rng.Next(1, 5), cols = rng.Next(1, 5);
        using (Stream s = gzip ? new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true) : new NonClosing(ms))
        {
            Span<byte> word = stackalloc byte[4];
            int[] dims = images ? [count, rows, cols] : [count];
            BinaryPrimitives.WriteInt32BigEndian(word, images ? Idx.ImagesMagic : Idx.LabelsMagic);
            s.Write(word);
            foreach (var d in dims) { BinaryPrimitives.WriteInt32BigEndian(word, d); s.Write(word); }
            var payload = new byte[dims.Aggregate(1, (a, b) => a * b)];
            rng.NextBytes(payload);
            s.Write(payload);
        }
        return ms.ToArray();
    }

    private static byte[] Mutate(byte[] valid, bool gzip, bool images, Random rng)
    {
        var b = (byte[])valid.Clone();
        int headerLength = images ? 16 : 8;
        switch (rng.Next(6))
        {
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
            catch (Exception e)
            {
                Assert.Fail($"{name} ({(gzip ? "gzip" : "plain")} {(images ? "images" : "labels")}, {bytes.Length} bytes: {Convert.ToHexString(bytes[..Math.Min(40, bytes.Length)])}) threw {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.Equal(Cases, loaded + refused);
        Assert.True(refused > Cases / 2, $"only {refused} of {Cases} damaged files were refused");
        Assert.True(loaded > 0, "no mutation survived: the mutator is too coarse to test the 'loads consistently' path");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {clock.Elapsed.TotalSeconds:0} s");
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
