using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Persistence;

/// <summary>
/// Saves and loads a network's trained parameters (<c>net.Params</c>) in the FSNP format, version 1.
/// </summary>
/// <remarks>
/// <para>All integers are little-endian. The layout (see also <c>Persistence/FORMAT.md</c>):</para>
/// <code>
/// offset  size  field
///  0       4    magic, the ASCII bytes "FSNP"
///  4       4    version, uint32 = 1
///  8       1    element type: 1 = float32, 2 = float64 (IEEE 754, little-endian)
///  9       3    reserved, zero
/// 12       4    parameter count N, uint32
/// 16       …    N parameters, in the dictionary's order, each:
///                 2  name length L in bytes, uint16, 1..1024
///                 L  name, UTF-8 (e.g. "W1")
///                 4  rows, int32 ≥ 0
///                 4  columns, int32 ≥ 0
///                 rows·columns elements, row-major (numpy's C order: row 0 first)
/// end−32  32    SHA-256 of every byte before it
/// </code>
/// <para>
/// A file is written to a temporary file in the same folder and then renamed over <c>path</c>, so a crash or a full disk
/// leaves either the old file or the new one, never half of one. Loading checks the magic, the version, the structure and the
/// checksum, and throws a <see cref="ParameterFileException"/> naming the file and the fault.
/// </para>
/// </remarks>
public static class ParameterFile
{
    /// <summary>The four bytes every parameter file starts with.</summary>
    internal const string Magic = "FSNP";

    /// <summary>The format version this library writes and reads.</summary>
    internal const uint Version = 1;

    /// <summary>Element type code for float32.</summary>
    internal const byte Float32 = 1;

    /// <summary>Element type code for float64.</summary>
    internal const byte Float64 = 2;

    private const int HeaderSize = 16;
    private const int ChecksumSize = 32;
    private const int MaxNameBytes = 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="parameters"/> to <paramref name="path"/> atomically (temporary file + rename), replacing any file there.
    /// Elements are stored as float32 when <typeparamref name="T"/> is <c>float</c> and float64 when it is <c>double</c>, bit for bit.
    /// </summary>
    /// <example><code>ParameterFile.Save("mnist-784-50-10.fsnp", net.Params);</code></example>
    public static void Save<T>(string path, IReadOnlyDictionary<string, Matrix<T>> parameters)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        byte elementType = ElementTypeOf<T>();
        int size = elementType == Float32 ? 4 : 8;

        var buffer = new MemoryStream();
        var header = new byte[HeaderSize];
        Encoding.ASCII.GetBytes(Magic, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Version);
        header[8] = elementType;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)parameters.Count);
        buffer.Write(header);

        var scratch = new byte[8];
        foreach (var (name, m) in parameters)
        {
            ArgumentNullException.ThrowIfNull(m, $"parameters[\"{name}\"]");
            var nameBytes = Encoding.UTF8.GetBytes(name);
            if (nameBytes.Length is 0 or > MaxNameBytes)
                throw new ArgumentException($"Parameter names must be 1 to {MaxNameBytes} UTF-8 bytes; got \"{name}\" ({nameBytes.Length} bytes).", nameof(parameters));
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)nameBytes.Length);
            buffer.Write(scratch, 0, 2);
            buffer.Write(nameBytes);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, m.RowCount);
            BinaryPrimitives.WriteInt32LittleEndian(scratch.AsSpan(4), m.ColumnCount);
            buffer.Write(scratch, 0, 8);
            for (int r = 0; r < m.RowCount; r++)
                for (int c = 0; c < m.ColumnCount; c++)
                {
                    if (size == 4) BinaryPrimitives.WriteSingleLittleEndian(scratch, float.CreateTruncating(m[r, c]));
                    else BinaryPrimitives.WriteDoubleLittleEndian(scratch, double.CreateTruncating(m[r, c]));
                    buffer.Write(scratch, 0, size);
                }
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));

        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = SafeFile.TemporaryPath(full, "tmp");   // fits the file system's name limit even beside a 255-byte name
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            SafeFile.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Reads every parameter in the file as a new matrix, in the file's order. A float32 file read as <c>double</c> is widened
    /// exactly; a float64 file read as <c>float</c> is rounded to the nearest float.
    /// </summary>
    /// <exception cref="ParameterFileException">Not a parameter file, an unknown version, truncated or damaged; not a regular
    /// file (a directory, FIFO or device is refused without reading it); or unreadable (the message names the fault).</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static Dictionary<string, Matrix<T>> Load<T>(string path)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ElementTypeOf<T>();
        return Parse<T>(ReadRegularFile(path), path);
    }

    /// <summary>
    /// The whole file, read only when it is a regular file no larger than any parameter file can be; exactly the length it
    /// had when opened is read, so a file that keeps growing cannot make the read endless.
    /// </summary>
    private static byte[] ReadRegularFile(string path)
    {
        try
        {
            using var file = SafeFile.OpenRead(path);
            long length = file.Length;
            if (length > Array.MaxLength)
                throw new ParameterFileException(
                    $"{path} is not a parameter file this library can read: it is {length} bytes long, more than the {Array.MaxLength} bytes of the largest one.", path);
            var bytes = GC.AllocateUninitializedArray<byte>((int)length);
            file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return bytes;
        }
        catch (FileNotFoundException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParameterFileException($"Cannot read {path}: {e.Message.TrimEnd('.')}.", path, e);
        }
    }

    /// <summary>
    /// Overwrites the matrices of <paramref name="parameters"/> in place with the file's values, so layers and anything else
    /// holding those matrices see the loaded values. The file must have exactly the same names and shapes; if it does not,
    /// nothing is changed.
    /// </summary>
    /// <example><code>ParameterFile.LoadInto("mnist-784-50-10.fsnp", net.Params);</code></example>
    /// <exception cref="ParameterFileException">Damaged, or names or shapes that differ from <paramref name="parameters"/>.</exception>
    public static void LoadInto<T>(string path, IDictionary<string, Matrix<T>> parameters)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var loaded = Load<T>(path);
        string Shapes(IEnumerable<KeyValuePair<string, Matrix<T>>> ps) => string.Join(", ", ps.Select(p => $"{p.Key} {p.Value.Shape()}"));

        var missing = parameters.Keys.Where(k => !loaded.ContainsKey(k)).ToList();
        var extra = loaded.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new ParameterFileException(
                $"{path} does not hold the network's parameters: "
                + (missing.Count > 0 ? $"missing [{string.Join(", ", missing)}]" : "")
                + (missing.Count > 0 && extra.Count > 0 ? ", " : "")
                + (extra.Count > 0 ? $"unexpected [{string.Join(", ", extra)}]" : "")
                + $". The file has {Shapes(loaded)}; the network has {Shapes(parameters)}.", path);
        foreach (var (name, target) in parameters)
        {
            var source = loaded[name];
            if (source.RowCount != target.RowCount || source.ColumnCount != target.ColumnCount)
                throw new ParameterFileException(
                    $"{path}: parameter \"{name}\" is {source.Shape()} in the file but {target.Shape()} in the network; "
                    + $"the file was saved from a network of other sizes ({Shapes(loaded)}).", path);
        }
        foreach (var (name, target) in parameters) loaded[name].CopyTo(target);   // in place: the same matrix objects
    }

    private static Dictionary<string, Matrix<T>> Parse<T>(byte[] bytes, string path)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>, IFormattable
    {
        var magic = Encoding.ASCII.GetBytes(Magic);
        if (bytes.Length < magic.Length && magic.AsSpan().StartsWith(bytes))
            throw new ParameterFileException($"{path} is truncated: it is {bytes.Length} bytes long, shorter than the {HeaderSize + ChecksumSize} bytes of an empty parameter file.", path);
        if (bytes.Length < magic.Length || !bytes.AsSpan(0, magic.Length).SequenceEqual(magic))
            throw new ParameterFileException(
                $"{path} is not a FromScratch parameter file: it starts with [{Convert.ToHexString(bytes.AsSpan(0, Math.Min(4, bytes.Length)))}], not the bytes of \"{Magic}\" [{Convert.ToHexString(magic)}].", path);
        if (bytes.Length < HeaderSize + ChecksumSize)
            throw new ParameterFileException($"{path} is truncated: it is {bytes.Length} bytes long, shorter than the {HeaderSize + ChecksumSize} bytes of an empty parameter file.", path);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (version != Version)
            throw new ParameterFileException(
                $"{path} is parameter file format version {version}; this library reads version {Version} only"
                + (version > Version ? " (the file was written by a newer FromScratch)." : "."), path);
        byte elementType = bytes[8];
        if (elementType is not (Float32 or Float64))
            throw new ParameterFileException($"{path} is damaged: unknown element type code {elementType} at byte 8 (1 = float32, 2 = float64).", path);
        int size = elementType == Float32 ? 4 : 8;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));

        int end = bytes.Length - ChecksumSize;   // where the parameters must stop
        int pos = HeaderSize;
        string where = "the header";
        // Sizes are Int128: rows × columns × 8 of two int32 fields can exceed a long, and must still be refused, not wrap.
        void Need(Int128 n, string what)
        {
            if (pos + n > end)
                throw new ParameterFileException(
                    $"{path} is truncated or damaged: {what} of {where} needs {n} bytes at byte {pos}, but the parameters must end at byte {end} (file length {bytes.Length} minus the {ChecksumSize}-byte checksum).", path);
        }

        var result = new Dictionary<string, Matrix<T>>();
        string? outOfRange = null;   // the first float64 number too large for T, reported once the checksum says the file is intact
        for (uint i = 0; i < count; i++)
        {
            where = $"parameter {i + 1} of {count}";
            Need(2, "the name length");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos));
            pos += 2;
            if (nameLength is 0 or > MaxNameBytes)
                throw new ParameterFileException($"{path} is damaged: {where} has a name of {nameLength} bytes (allowed 1..{MaxNameBytes}) at byte {pos - 2}.", path);
            Need(nameLength, "the name");
            string name;
            try { name = StrictUtf8.GetString(bytes, pos, nameLength); }
            catch (DecoderFallbackException e) { throw new ParameterFileException($"{path} is damaged: the name of {where} at byte {pos} is not valid UTF-8.", path, e); }
            pos += nameLength;
            where = $"parameter \"{name}\" ({i + 1} of {count})";
            if (result.ContainsKey(name))
                throw new ParameterFileException($"{path} is damaged: {where} appears twice.", path);
            Need(8, "the shape");
            int rows = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos));
            int cols = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 4));
            if (rows < 0 || cols < 0)
                throw new ParameterFileException($"{path} is damaged: {where} has the impossible shape ({rows}, {cols}) at byte {pos}.", path);
            pos += 8;
            Need((Int128)rows * cols * size, $"the ({rows}, {cols}) {(size == 4 ? "float32" : "float64")} data");
            var m = Matrix<T>.Build.Dense(rows, cols);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++, pos += size)
                {
                    double value = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(pos)) : BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(pos));
                    m[r, c] = T.CreateChecked(value);
                    if (outOfRange is null && double.IsFinite(value) && !T.IsFinite(m[r, c]))
                        outOfRange = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"{path}: parameter \"{name}\" element [{r}, {c}] is {value:R}, outside the range of {Sizes.TypeName<T>()} "
                            + $"(±{T.BitDecrement(T.PositiveInfinity)}); it would be ∞ in a {Sizes.TypeName<T>()} network. Load the file into a double network instead.");
                }
            result[name] = m;
        }
        if (pos != end)
            throw new ParameterFileException(
                $"{path} is damaged: {end - pos} unexpected bytes after the last of its {count} parameters (byte {pos}), before the checksum.", path);
        var expected = SHA256.HashData(bytes.AsSpan(0, end));
        if (!expected.AsSpan().SequenceEqual(bytes.AsSpan(end)))
            throw new ParameterFileException(
                $"{path} is damaged: its SHA-256 checksum {Convert.ToHexString(bytes.AsSpan(end)).ToLowerInvariant()} does not match its content ({Convert.ToHexString(expected).ToLowerInvariant()}).", path);
        if (outOfRange is not null) throw new ParameterFileException(outOfRange, path);
        return result;
    }

    private static byte ElementTypeOf<T>()
        => typeof(T) == typeof(float) ? Float32
         : typeof(T) == typeof(double) ? Float64
         : throw new NotSupportedException($"Parameter files hold float or double elements; got {typeof(T).Name}.");
}
