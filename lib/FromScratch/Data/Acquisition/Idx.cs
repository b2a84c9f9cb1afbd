using System.Buffers.Binary;
using System.IO.Compression;
using FromScratch.Persistence;

namespace FromScratch.Data;

/// <summary>Images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/> bytes, row-major, one after another.</summary>
internal sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    /// <summary>Pixels per image (784 for MNIST).</summary>
    public int PixelsPerImage => Rows * Columns;
}

/// <summary>
/// Reader (and, for tests and tools, writer) of the IDX format of MNIST: a big-endian header
/// (magic 0x00000803 for images, 0x00000801 for labels, then the dimensions) followed by unsigned bytes.
/// Plain files and gzip files (as the mirrors serve them) are both accepted.
/// </summary>
internal static class Idx
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;
    private static readonly long MaxPayload = Array.MaxLength; // ~2 GiB, the largest byte[]: no real IDX file comes near; larger declarations are damage

    /// <summary>Reads an IDX image file (idx3-ubyte), plain or gzip.</summary>
    /// <exception cref="DatasetException">The file is missing, truncated, too long, or not an image file.</exception>
    public static IdxImages ReadImages(string path) => WithFile(path, s => ReadImages(s, path));

    /// <summary>Reads IDX images from a seekable stream; <paramref name="name"/> is used in error messages.</summary>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        var (dims, payload) = Read(stream, name, ImagesMagic, 3, "images (idx3-ubyte)");
        return new IdxImages(dims[0], dims[1], dims[2], payload);
    }

    /// <summary>Reads an IDX label file (idx1-ubyte), plain or gzip.</summary>
    public static byte[] ReadLabels(string path) => WithFile(path, s => ReadLabels(s, path));

    /// <summary>Reads IDX labels from a seekable stream; <paramref name="name"/> is used in error messages.</summary>
    public static byte[] ReadLabels(Stream stream, string name) => Read(stream, name, LabelsMagic, 1, "labels (idx1-ubyte)").Payload;

    private static T WithFile<T>(string path, Func<Stream, T> read)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DatasetException($"IDX file not found: {path}", path);
        FileStream file;
        try { file = SafeFile.OpenRead(path); }   // a FIFO or device is refused here, before anything is read
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read {path}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}.", path, e);
        }
        using (file) return read(file);
    }

    /// <summary>Reads an image file and its label file and checks that they belong together.</summary>
    public static (IdxImages Images, byte[] Labels) ReadPair(string imagesPath, string labelsPath, int classes = 10)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new DatasetException(
                $"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels; they must match.", labelsPath);
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classes)
                throw new DatasetException($"{labelsPath}: label #{i} is {labels[i]}, outside 0..{classes - 1}.", labelsPath);
        return (images, labels);
    }

    private static (int[] Dims, byte[] Payload) Read(Stream file, string path, int magic, int rank, string kind)
    {
        bool gzip = false;
        try
        {
            long fileLength = file.Length;
            if (fileLength == 0) throw Bad(path, "the file is empty");
            int b0 = file.ReadByte(), b1 = file.ReadByte();
            file.Position = 0;
            gzip = b0 == 0x1f && b1 == 0x8b;

            long? expectedTotal = null;
            Stream stream = file;
            if (gzip)
            {
                if (fileLength < 18) throw Bad(path, $"gzip file of {fileLength} bytes is too short to hold anything");
                // The gzip trailer's ISIZE is the uncompressed length mod 2^32; checked below against the header
                // so that a damaged count is caught before anything large is allocated.
                Span<byte> trailer = stackalloc byte[4];
                file.Position = fileLength - 4;
                file.ReadExactly(trailer);
                file.Position = 0;
                expectedTotal = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
                stream = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            }

            int headerLength = 4 + 4 * rank;
            var header = new byte[headerLength];
            int got = ReadUpTo(stream, header.AsSpan(0, 4));
            if (got < 4) throw Bad(path, $"truncated header: {got} of {headerLength} bytes");
            int actualMagic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (actualMagic != magic)
                throw Bad(path, $"magic number 0x{actualMagic:X8} is not 0x{magic:X8}: this is not an IDX {kind} file"
                    + (actualMagic is ImagesMagic or LabelsMagic ? " (images and labels swapped?)" : ""));
            got = 4 + ReadUpTo(stream, header.AsSpan(4));
            if (got < headerLength) throw Bad(path, $"truncated header: {got} of {headerLength} bytes");
            var dims = new int[rank];
            long payloadLength = 1;
            for (int i = 0; i < rank; i++)
            {
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * i));
                if (dims[i] <= 0) throw Bad(path, $"dimension {i} is {dims[i]}; every dimension must be positive");
                payloadLength *= dims[i];
                if (payloadLength > MaxPayload) throw Bad(path, $"declared size {string.Join("×", dims[..(i + 1)])} is larger than any IDX file can be");
            }

            if (!gzip && headerLength + payloadLength != fileLength)
                throw Bad(path, headerLength + payloadLength > fileLength
                    ? $"truncated: the header declares {Describe(dims)} = {headerLength + payloadLength} bytes, the file has {fileLength}"
                    : $"{fileLength - headerLength - payloadLength} bytes of unexpected data after the {Describe(dims)} declared by the header");
            if (gzip && ((headerLength + payloadLength) & 0xFFFFFFFFL) != expectedTotal)
                throw Bad(path, $"the header declares {Describe(dims)} = {headerLength + payloadLength} bytes, but the gzip data holds {expectedTotal} bytes (truncated or damaged)");

            // A plain file's length was checked above, so its payload is allocated at once. A gzip file's ISIZE is only a
            // claim (a damaged or hostile file can match it to any count): the buffer grows with the data that really arrives.
            byte[] payload;
            if (gzip) (payload, got) = ReadGrowing(stream, (int)payloadLength, initial: Math.Max(1 << 16, 8 * fileLength));
            else got = ReadUpTo(stream, payload = GC.AllocateUninitializedArray<byte>((int)payloadLength));
            if (got < payloadLength)
                throw Bad(path, $"truncated: expected {payloadLength} bytes of data after the header, found {got}");
            if (gzip && stream.ReadByte() != -1)
                throw Bad(path, "unexpected data after the declared content");
            if (gzip) stream.Dispose();
            return (dims, payload);
        }
        catch (DatasetException) { throw; }
        catch (InvalidDataException e) when (gzip)
        {
            throw Bad(path, $"the gzip data is damaged ({e.Message.TrimEnd('.')})", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read {path}: {e.Message}", path, e);
        }
    }

    private static string Describe(int[] dims) => dims.Length == 1 ? $"{dims[0]} labels" : $"{dims[0]} images of {dims[1]}×{dims[2]}";

    /// <summary>Reads up to <paramref name="length"/> bytes into a buffer that starts at <paramref name="initial"/> bytes and doubles as it fills.</summary>
    private static (byte[] Buffer, int Read) ReadGrowing(Stream s, int length, long initial)
    {
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(length, initial));
        int read = 0;
        while (true)
        {
            read += ReadUpTo(s, buffer.AsSpan(read));
            if (read < buffer.Length || buffer.Length == length) return (buffer, read);
            var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(length, 2L * buffer.Length));
            buffer.CopyTo(bigger, 0);
            buffer = bigger;
        }
    }

    private static int ReadUpTo(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static DatasetException Bad(string path, string what, Exception? inner = null) => new($"{path} is not a valid IDX file: {what}.", path, inner);

    /// <summary>Writes an IDX image file (plain, or gzip when the path ends in .gz).</summary>
    public static void WriteImages(string path, IdxImages images)
        => Write(path, ImagesMagic, [images.Count, images.Rows, images.Columns], images.Pixels);

    /// <summary>Writes an IDX label file (plain, or gzip when the path ends in .gz).</summary>
    public static void WriteLabels(string path, byte[] labels) => Write(path, LabelsMagic, [labels.Length], labels);

    private static void Write(string path, int magic, int[] dims, byte[] payload)
    {
        using var file = File.Create(path);
        using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        s.Write(word);
        foreach (var d in dims) { BinaryPrimitives.WriteInt32BigEndian(word, d); s.Write(word); }
        s.Write(payload);
    }
}
