using System.IO.Compression;
using FromScratch.Data;

namespace FromScratch.Tests;

public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fromscratch-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}

public class IdxTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static IdxImages SmallImages(int count = 3) =>
        new(count, 4, 5, Enumerable.Range(0, count * 20).Select(i => (byte)(i * 7)).ToArray());

    [Theory]
    [InlineData("images")]
    [InlineData("images.gz")]
    public void Generated_files_round_trip(string name)
    {
        var images = SmallImages();
        Idx.WriteImages(_dir.File(name), images);
        var back = Idx.ReadImages(_dir.File(name));
        Assert.Equal((3, 4, 5), (back.Count, back.Rows, back.Columns));
        Assert.Equal(images.Pixels, back.Pixels);
        Idx.WriteLabels(_dir.File(name + ".labels"), [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, Idx.ReadLabels(_dir.File(name + ".labels")));
    }

    private DatasetException Fails(Func<object> read, string path)
    {
        var ex = Assert.Throws<DatasetException>(read);
        Assert.Equal(path, ex.FilePath);
        Assert.Contains(path, ex.Message);
        return ex;
    }

    [Fact]
    public void Wrong_magic_is_named()
    {
        string labels = _dir.File("labels");
        Idx.WriteLabels(labels, [1, 2, 3]);
        var ex = Fails(() => Idx.ReadImages(labels), labels);
        Assert.Contains("0x00000801", ex.Message);
        Assert.Contains("swapped", ex.Message);
    }

    [Fact]
    public void Truncated_data_is_detected()
    {
        string path = _dir.File("images");
        Idx.WriteImages(path, SmallImages());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^7]);
        Assert.Contains("truncated", Fails(() => Idx.ReadImages(path), path).Message);
        File.WriteAllBytes(path, bytes[..10]);
        Assert.Contains("header", Fails(() => Idx.ReadImages(path), path).Message);
        File.WriteAllBytes(path, [.. bytes, 0, 0]);
        Assert.Contains("unexpected data", Fails(() => Idx.ReadImages(path), path).Message);
    }

    [Fact]
    public void Truncated_gzip_is_detected()
    {
        string path = _dir.File("images.gz");
        Idx.WriteImages(path, SmallImages(50));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Fails(() => Idx.ReadImages(path), path);
    }

    [Fact]
    public void Empty_file_and_gzip_garbage_are_detected()
    {
        string empty = _dir.File("empty");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Fails(() => Idx.ReadImages(empty), empty).Message);
        string garbage = _dir.File("garbage.gz");
        File.WriteAllBytes(garbage, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
        Fails(() => Idx.ReadImages(garbage), garbage);
    }

    [Fact]
    public void A_huge_declared_count_fails_before_allocating()
    {
        string path = _dir.File("huge");
        using (var f = File.Create(path))
            f.Write([0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        Fails(() => Idx.ReadImages(path), path);
    }

    [Fact]
    public void Images_and_labels_counts_must_agree()
    {
        Idx.WriteImages(_dir.File("i"), SmallImages(3));
        Idx.WriteLabels(_dir.File("l"), [1, 2]);
        var ex = Fails(() => Idx.ReadPair(_dir.File("i"), _dir.File("l")), _dir.File("l"));
        Assert.Contains("3 images", ex.Message);
        Assert.Contains("2 labels", ex.Message);
        Idx.WriteLabels(_dir.File("l"), [1, 2, 12]);
        Assert.Contains("12", Fails(() => Idx.ReadPair(_dir.File("i"), _dir.File("l")), _dir.File("l")).Message);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        string path = _dir.File("nope");
        Assert.Contains("not found", Fails(() => Idx.ReadLabels(path), path).Message);
    }
}
