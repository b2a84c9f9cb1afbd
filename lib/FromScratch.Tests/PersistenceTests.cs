using System.Buffers.Binary;
using System.Security.Cryptography;
using FromScratch.Layers;
using FromScratch.Persistence;
using MathNet.Numerics.LinearAlgebra;

namespace FromScratch.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"fsnp-tests-{Guid.NewGuid():N}");

    public PersistenceTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string PathOf(string name) => Path.Combine(folder, name);

    /// <summary>A small "trained" float network with awkward values: negative zero, subnormals, extremes.</summary>
    private static TwoLayerNet<float> SmallNet(int seed = 3)
    {
        var net = new TwoLayerNet<float>(7, 5, 3, weightInitStd: 0.3, seed: seed);
        var rng = new Random(seed);
        net.Params["b1"].MapInplace(_ => (float)rng.NextDouble() - 0.5f);
        net.Params["b2"].MapInplace(_ => (float)rng.NextDouble() - 0.5f);
        net.Params["W1"][0, 0] = -0f;
        net.Params["W1"][1, 0] = float.Epsilon;
        net.Params["W1"][2, 0] = float.MaxValue;
        net.Params["W1"][3, 0] = 1f / 3;
        return net;
    }

    private static void AssertBitExact(Matrix<float> expected, Matrix<float> actual, string name)
    {
        Assert.Equal(expected.Shape(), actual.Shape());
        for (int r = 0; r < expected.RowCount; r++)
            for (int c = 0; c < expected.ColumnCount; c++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[r, c]) == BitConverter.SingleToInt32Bits(actual[r, c]),
                    $"{name}[{r}, {c}]: {expected[r, c]:R} saved, {actual[r, c]:R} loaded");
    }

    [Fact]
    public void Float_round_trip_is_bit_exact_and_keeps_the_order()
    {
        var net = SmallNet();
        string path = PathOf("small.fsnp");
        ParameterFile.Save(path, net.Params);
        var loaded = ParameterFile.Load<float>(path);
        Assert.Equal(TwoLayerNet<float>.ParamNames, loaded.Keys);
        foreach (var key in TwoLayerNet<float>.ParamNames) AssertBitExact(net.Params[key], loaded[key], key);
    }

    [Fact]
    public void Double_round_trip_is_bit_exact_and_float_files_widen_exactly()
    {
        var net = new TwoLayerNet<double>(9, 4, 3, weightInitStd: 1, seed: 5);
        net.Params["W2"][0, 0] = Math.PI;
        net.Params["W2"][1, 0] = double.Epsilon;
        string path = PathOf("double.fsnp");
        ParameterFile.Save(path, net.Params);
        var loaded = ParameterFile.Load<double>(path);
        foreach (var key in TwoLayerNet<double>.ParamNames)
            Assert.Equal(net.Params[key].Enumerate().Select(BitConverter.DoubleToInt64Bits), loaded[key].Enumerate().Select(BitConverter.DoubleToInt64Bits));

        var floats = SmallNet();
        ParameterFile.Save(PathOf("float.fsnp"), floats.Params);
        var widened = ParameterFile.Load<double>(PathOf("float.fsnp"));
        Assert.Equal(floats.Params["W1"].Map(v => (double)v), widened["W1"]);
    }

    [Fact]
    public void A_float64_file_with_numbers_beyond_float_is_refused_for_a_float_network_naming_the_parameter_element_and_value()
    {
        var net = new TwoLayerNet<double>(4, 3, 2, weightInitStd: 0.1, seed: 1);
        net.Params["W2"][2, 1] = 1e300;
        net.Params["b2"][0, 0] = -1e39;
        string path = PathOf("huge.fsnp");
        ParameterFile.Save(path, net.Params);
        var e = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path));
        Assert.Contains("parameter \"W2\" element [2, 1] is 1E+300, outside the range of float", e.Message);
        Assert.Contains(path, e.Message);
        var target = new TwoLayerNet<float>(4, 3, 2, weightInitStd: 0.1, seed: 1);
        var before = target.Params["W1"].Clone();
        Assert.Throws<ParameterFileException>(() => ParameterFile.LoadInto(path, target.Params));
        Assert.Equal(before, target.Params["W1"]);                          // nothing was changed
        Assert.Equal(1e300, ParameterFile.Load<double>(path)["W2"][2, 1]);   // a double network takes it
        net.Params["W2"][2, 1] = 3e38;                                      // within float's range (rounded)
        net.Params["b2"][0, 0] = 1e-50;                                     // rounds to 0 in float: tiny, not out of range
        ParameterFile.Save(path, net.Params);
        Assert.Equal(3e38f, ParameterFile.Load<float>(path)["W2"][2, 1]);
    }

    [Fact]
    public void The_bytes_follow_the_documented_layout()
    {
        var net = SmallNet();
        string path = PathOf("layout.fsnp");
        ParameterFile.Save(path, net.Params);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("FSNP"u8.ToArray(), bytes[..4]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(ParameterFile.Float32, bytes[8]);
        Assert.Equal(new byte[3], bytes[9..12]);
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)));
        Assert.Equal("W1"u8.ToArray(), bytes[18..20]);
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
        // row-major: the second element is W1[0, 1], not W1[1, 0]
        Assert.Equal(net.Params["W1"][0, 1], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(28 + 4)));
        int length = 16 + 4 * (2 + 2 + 8) + 4 * (7 * 5 + 5 + 5 * 3 + 3) + 32;
        Assert.Equal(length, bytes.Length);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, length - 32)), bytes[^32..]);
    }

    [Fact]
    public void LoadInto_overwrites_the_same_matrices_so_a_layered_net_sharing_them_sees_the_values()
    {
        var trained = SmallNet(seed: 3);
        string path = PathOf("trained.fsnp");
        ParameterFile.Save(path, trained.Params);

        var fresh = new TwoLayerNet<float>(7, 5, 3, seed: 99);
        var layered = LayeredNet<float>.From(fresh);
        var w1 = fresh.Params["W1"];
        ParameterFile.LoadInto(path, fresh.Params);
        Assert.Same(w1, fresh.Params["W1"]);
        foreach (var key in TwoLayerNet<float>.ParamNames) AssertBitExact(trained.Params[key], layered.Params[key], key);
        var x = Matrix<float>.Build.Dense(4, 7, (r, c) => (r + 1) * 0.1f - c * 0.05f);
        Assert.Equal(trained.Predict(x), layered.Predict(x));
    }

    [Fact]
    public void Loading_into_a_network_of_other_sizes_names_the_parameter_both_shapes_and_the_file_and_changes_nothing()
    {
        string path = PathOf("784-50-10.fsnp");
        ParameterFile.Save(path, new TwoLayerNet<float>(784, 50, 10, seed: 1).Params);
        var net = new TwoLayerNet<float>(784, 20, 10, seed: 2);
        var before = net.Params.ToDictionary(p => p.Key, p => p.Value.Clone());

        var ex = Assert.Throws<ParameterFileException>(() => ParameterFile.LoadInto(path, net.Params));
        Assert.Contains(path, ex.Message);
        Assert.Contains("\"W1\" is (784, 50) in the file but (784, 20) in the network", ex.Message);
        Assert.Equal(path, ex.FilePath);
        foreach (var key in before.Keys) Assert.Equal(before[key], net.Params[key]);

        var three = new LayeredNet<float>(784, [50, 30], 10, seed: 1);
        ex = Assert.Throws<ParameterFileException>(() => ParameterFile.LoadInto(path, three.Params));
        Assert.Contains("missing [W3, b3]", ex.Message);
    }

    private byte[] SavedBytes(out string path)
    {
        path = PathOf("victim.fsnp");
        ParameterFile.Save(path, SmallNet().Params);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Every_truncation_is_refused_as_truncated()
    {
        var bytes = SavedBytes(out string path);
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var ex = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path));
            Assert.Contains(path, ex.Message);
            Assert.Contains("truncated", ex.Message);
        }
    }

    [Fact]
    public void Every_damaged_byte_is_refused_with_the_file_named()
    {
        var bytes = SavedBytes(out string path);
        foreach (byte flip in new byte[] { 0x01, 0x80, 0xFF })
            for (int i = 0; i < bytes.Length; i++)
            {
                var damaged = (byte[])bytes.Clone();
                damaged[i] ^= flip;
                File.WriteAllBytes(path, damaged);
                var ex = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path));
                Assert.Contains(path, ex.Message);
                Assert.Matches("not a FromScratch parameter file|version|damaged|truncated", ex.Message);
            }
        // extra bytes after the data
        File.WriteAllBytes(path, [.. bytes[..^32], 0, .. bytes[^32..]]);
        Assert.Contains("1 unexpected bytes", Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path)).Message);
        // a flipped data bit is caught by the checksum
        var oneBit = (byte[])bytes.Clone();
        oneBit[40] ^= 0x04;
        File.WriteAllBytes(path, oneBit);
        Assert.Contains("checksum", Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path)).Message);
    }

    [Fact]
    public void Wrong_magic_and_unknown_version_say_so()
    {
        string png = PathOf("picture.png");
        File.WriteAllBytes(png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[64]]);
        var ex = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(png));
        Assert.Contains($"{png} is not a FromScratch parameter file", ex.Message);
        Assert.Contains("89504E47", ex.Message);

        // version 2 with a correct checksum: refused for its version, not as damage
        var bytes = SavedBytes(out string path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 2);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(path, bytes);
        ex = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path));
        Assert.Contains("version 2", ex.Message);
        Assert.Contains("version 1 only", ex.Message);

        Assert.Throws<FileNotFoundException>(() => ParameterFile.Load<float>(PathOf("nothing-here.fsnp")));
    }

    [Fact]
    public void Saving_replaces_the_old_file_whole_creates_the_folder_and_leaves_no_temporary_files()
    {
        string path = PathOf(Path.Combine("runs", "net.fsnp"));
        ParameterFile.Save(path, new TwoLayerNet<float>(784, 50, 10, seed: 1).Params);
        var small = SmallNet();
        ParameterFile.Save(path, small.Params);   // a shorter file over a longer one
        AssertBitExact(small.Params["b2"], ParameterFile.Load<float>(path)["b2"], "b2");
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));

        // a failed save (the target is a folder) leaves no temporary file behind
        string blocked = PathOf("blocked");
        Directory.CreateDirectory(blocked);
        Assert.ThrowsAny<IOException>(() => ParameterFile.Save(blocked, small.Params));
        Assert.Empty(Directory.GetFiles(folder));
    }
    /// <summary>A file of one float32 parameter "W1" that declares <paramref name="rows"/> × <paramref name="cols"/> but holds no data.</summary>
    private static byte[] Declaring(int rows, int cols, byte elementType = ParameterFile.Float32)
    {
        var bytes = new byte[16 + 2 + 2 + 8 + 32];
        "FSNP"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 1);
        bytes[8] = elementType;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 2);
        "W1"u8.CopyTo(bytes.AsSpan(18));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), rows);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), cols);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }

    [Theory]
    [InlineData(int.MaxValue, int.MaxValue, ParameterFile.Float32)]   // 2^64 − 2^34 + 4 bytes: wraps to a negative long
    [InlineData(int.MaxValue, int.MaxValue, ParameterFile.Float64)]
    [InlineData(1 << 30, 1 << 30, ParameterFile.Float64)]               // exactly 2^63: wraps to long.MinValue
    [InlineData(65536, 65536, ParameterFile.Float32)]                   // 16 GiB: fits a long, must still be refused
    [InlineData(1, int.MaxValue, ParameterFile.Float32)]
    public void A_60_byte_file_declaring_a_huge_shape_is_refused_before_anything_is_allocated(int rows, int cols, byte elementType)
    {
        string path = PathOf("huge.fsnp");
        File.WriteAllBytes(path, Declaring(rows, cols, elementType));
        Assert.Equal(60, new FileInfo(path).Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains($"{path} is truncated or damaged", ex.Message);
        Assert.Contains($"needs {(Int128)rows * cols * (elementType == ParameterFile.Float32 ? 4 : 8)} bytes", ex.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated to refuse a 60-byte file");
    }

    [Theory]
    [MemberData(nameof(SpecialFiles.Kinds), MemberType = typeof(SpecialFiles))]
    public void Only_regular_files_are_opened(string kind)
    {
        string path = PathOf("net.fsnp");
        string words = SpecialFiles.Make(kind, path);
        ParameterFileException? ex = null;
        SpecialFiles.Within(15, () => ex = Assert.Throws<ParameterFileException>(() => ParameterFile.Load<float>(path)), path);
        Assert.Equal(path, ex!.FilePath);
        Assert.StartsWith($"Cannot read {path}: it is a", ex.Message);
        Assert.Contains(words, ex.Message);
        Assert.Contains("not a regular file", ex.Message);
    }

    [Theory]
    [InlineData(255, "a")]      // the longest name ext4 allows
    [InlineData(254, "가")]      // three UTF-8 bytes a character: the temporary name must not cut one in half
    [InlineData(255, "😀")]      // four bytes, two UTF-16 code units
    public void Every_legal_name_can_be_saved_even_the_longest(int bytes, string unit)
    {
        int units = (bytes - ".fsnp".Length) / System.Text.Encoding.UTF8.GetByteCount(unit);
        string name = string.Concat(Enumerable.Repeat(unit, units)) + new string('x', bytes - ".fsnp".Length - units * System.Text.Encoding.UTF8.GetByteCount(unit)) + ".fsnp";
        Assert.Equal(bytes, System.Text.Encoding.UTF8.GetByteCount(name));
        string path = PathOf(name);
        var net = SmallNet();
        ParameterFile.Save(path, net.Params);
        AssertBitExact(net.Params["W1"], ParameterFile.Load<float>(path)["W1"], "W1");
        Assert.Equal([path], Directory.GetFiles(folder));
    }
}
