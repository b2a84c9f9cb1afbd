using System.Security.Cryptography;
using FromScratch.Persistence;

namespace FromScratch.Data;

/// <summary>
/// Puts verified dataset files into a folder: keeps files already there when their SHA-256 matches, otherwise tries each
/// source in order. Every fetched file is written to a temporary <c>NAME.RANDOM.part</c> in the same folder, verified, then
/// renamed into place, so the folder never holds a partial or unverified file — also when two processes fill it at once.
/// </summary>
/// <remarks>
/// <para>A <c>.part</c> is owned through an OS file lock held for as long as its writer has it open (<c>flock</c> on Linux
/// and macOS, a share lock on Windows), not through process ids, so loaders in different containers that share
/// <c>data/</c> cannot mistake each other's downloads for abandoned ones. A <c>.part</c> nobody holds was left by a killed
/// process and is removed.</para>
/// <para>Only regular files are read: a FIFO, device or directory named like a dataset file is refused, never read.
/// A source that sends more than the file's known length fails at once. Faults of the data folder itself (permission,
/// read-only, full disk) end the load with their own message instead of trying the next source.</para>
/// </remarks>
internal static class DatasetStore
{
    /// <summary>Ensures the files of <paramref name="spec"/> in its folder of the data directory; disposes the sources.</summary>
    public static IReadOnlyList<string> Ensure(IdxDatasetSpec spec, IReadOnlyList<DataSource> sources, string? dataDirectory, TextWriter? log)
    {
        try { return Ensure(spec.Name, Path.Combine(DataDirectory.Resolve(dataDirectory), spec.Folder), spec.Files, sources, log, spec.HowToFix); }
        finally { foreach (var s in sources) (s as IDisposable)?.Dispose(); }
    }

    /// <summary>
    /// <see cref="Ensure(IdxDatasetSpec, IReadOnlyList{DataSource}, string?, TextWriter?)"/>, then <paramref name="read"/> of the
    /// verified files. Checking a file reads all of it, so when every file is already in place the checks run on a second core
    /// while <paramref name="read"/> runs here. Its result is kept only when every check passed and no file changed meanwhile
    /// (length and time of last write); otherwise the files are read again once they have been fetched and checked. Nothing
    /// read from a file is returned before that file has passed its check.
    /// </summary>
    public static TResult Ensure<TResult>(IdxDatasetSpec spec, IReadOnlyList<DataSource> sources, string? dataDirectory, TextWriter? log,
        Func<IReadOnlyList<string>, TResult> read)
    {
        string directory = Path.Combine(DataDirectory.Resolve(dataDirectory), spec.Folder);
        List<string> paths = [.. spec.Files.Select(f => Path.Combine(directory, f.Name))];
        if (!paths.All(File.Exists)) return read(Ensure(spec, sources, dataDirectory, log));
        var before = paths.Select(Stamp).ToList();
        var check = Task.Run(() => Ensure(spec, sources, dataDirectory, log));
        TResult early = default!;
        Exception? failure = null;
        try { early = read(paths); }
        catch (Exception e) { failure = e; }
        var files = check.GetAwaiter().GetResult();                 // a file that cannot be had throws here, as without the overlap
        if (failure is null && files.Select(Stamp).SequenceEqual(before)) return early;
        if (failure is not null and not DatasetException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return read(files);                                         // a file was damaged and fetched again: read the good copy
    }

    private static (long Length, DateTime Written) Stamp(string path)
    {
        var info = new FileInfo(path);
        return (info.Exists ? info.Length : -1, info.LastWriteTimeUtc);
    }

    /// <summary>Ensures that every file of <paramref name="files"/> is in <paramref name="directory"/> and verified.</summary>
    /// <returns>The full path of each file, in the order given.</returns>
    /// <exception cref="DatasetException">A file could be had from no source (the message lists every source and why it
    /// failed), or the data folder cannot hold it (the message names the path and the fault).</exception>
    public static IReadOnlyList<string> Ensure(string datasetName, string directory, IReadOnlyList<DatasetFile> files,
        IReadOnlyList<DataSource> sources, TextWriter? log = null, string? howToFix = null)
    {
        log ??= Console.Out;
        try { Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot create the data folder {directory}: {Fault(e)}. {ChooseAnotherFolder}", directory, e);
        }
        RemoveAbandonedParts(directory, files);
        var paths = new List<string>();
        var unreachable = new Dictionary<DataSource, string>(); // sources that failed for a reason that will not change for the next file
        foreach (var file in files)
        {
            string path = Path.Combine(directory, file.Name);
            paths.Add(path);
            if (Exists(path))
            {
                string? problem = Verify(path, file);
                if (problem is null) continue;
                log.WriteLine($"{path} is damaged ({problem}); fetching it again.");
                try { File.Delete(path); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new DatasetException($"{path} is damaged ({problem}) and cannot be removed: {Fault(e)}.", path, e);
                }
            }
            // A copy the user dropped in as .gz (as the mirrors serve it) comes first.
            bool gzHere = Exists(path + ".gz");
            if (gzHere) CheckReadable(path + ".gz");
            var from = gzHere ? [new LocalDirectorySource(directory, "already in the data folder"), .. sources] : sources;
            Acquire(datasetName, path, file, from, unreachable, log, howToFix);
        }
        return paths;
    }

    private const string ChooseAnotherFolder = "Set FROMSCRATCH_DATA to a folder you can write, or fix the folder's permissions.";

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    private static void Acquire(string datasetName, string path, DatasetFile file, IReadOnlyList<DataSource> sources,
        Dictionary<DataSource, string> unreachable, TextWriter log, string? howToFix)
    {
        var failures = new List<string>();
        foreach (var source in sources)
        {
            if (unreachable.TryGetValue(source, out var earlier))
            {
                failures.Add($"  - {source.Description}: {earlier}");
                continue;
            }
            string temp = SafeFile.TemporaryPath(path, "part", hidden: false);
            FileStream? part = null;
            try
            {
                part = Guard(temp, file, () => CreatePart(temp));
                source.Fetch(file, new PartStream(part, temp, file), log);
                string? problem = Guard(temp, file, () => { part.Flush(); return Verify(part, file); });
                if (problem is not null) throw new InvalidDataException(problem);
                if (OperatingSystem.IsWindows()) part.Dispose();   // Windows renames only closed files; Unix renames it still locked
                Guard(path, file, () => { File.Move(temp, path, overwrite: true); return 0; });
                return;
            }
            catch (FolderFault fault)
            {
                throw Describe(datasetName, file, fault);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                string why = e is AggregateException { InnerException: { } inner } ? inner.Message : e.Message;
                failures.Add($"  - {source.Description}: {why}");
                if (IsUnreachable(e)) unreachable[source] = why;
                log.WriteLine($"{file.Name}: {source.Description} failed ({why}); trying the next source.");
            }
            finally
            {
                try { part?.Dispose(); }                   // on a full disk, closing fails too: the part is deleted anyway
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                SafeFile.TryDelete(temp);
            }
        }
        throw new DatasetException(
            $"Could not get {datasetName} file {file.Name} into {Path.GetDirectoryName(path)}. Tried:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures)
            + (howToFix is null ? "" : Environment.NewLine + howToFix), path);
    }

    /// <summary>
    /// Creates a <c>.part</c> and keeps it locked while open: exclusively on Unix (flock LOCK_EX, which .NET takes for
    /// FileShare.None); on Windows any open handle locks it, and FileShare.Delete lets the writer rename it when done.
    /// </summary>
    internal static FileStream CreatePart(string temp) => PartFactoryForTests?.Invoke(temp) ?? new(temp, FileMode.CreateNew,
        FileAccess.ReadWrite, OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None, 1 << 16);

    /// <summary>
    /// Lets a test put a failing disk under the current thread's loads when it cannot mount a tiny file system; null otherwise.
    /// </summary>
    [ThreadStatic] internal static Func<string, FileStream>? PartFactoryForTests;

    /// <summary>A fault of the data folder (not of the source): no other source can help.</summary>
    private sealed class FolderFault(string path, DatasetFile file, Exception inner) : Exception(inner.Message, inner)
    {
        public string Path { get; } = path;
        public DatasetFile File { get; } = file;
    }

    private static T Guard<T>(string path, DatasetFile file, Func<T> action)
    {
        try { return action(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FolderFault(path, file, e); }
    }

    private static DatasetException Describe(string datasetName, DatasetFile file, FolderFault fault)
    {
        string folder = Path.GetDirectoryName(fault.Path)!;
        var e = fault.InnerException!;
        if (SafeFile.IsDiskFull(e))
        {
            long? free = SafeFile.FreeBytes(folder);
            return new DatasetException(FormattableString.Invariant(
                $"The disk is full: {datasetName} file {file.Name} needs {file.Length:N0} bytes ({file.Length / 1e6:0.0} MB) in {folder}")
                + (free is long f ? FormattableString.Invariant($", which has {f:N0} bytes ({f / 1e6:0.0} MB) free") : "")
                + FormattableString.Invariant($". Free at least {file.Length / 1e6:0.0} MB there, or set FROMSCRATCH_DATA to a folder on a disk with room."), fault.Path, e);
        }
        return new DatasetException($"Cannot write {fault.Path}: {Fault(e)}. {ChooseAnotherFolder}", fault.Path, e);
    }

    /// <summary>The fault in a few words, for "Cannot … PATH: FAULT."</summary>
    private static string Fault(Exception e) => e is UnauthorizedAccessException ? "permission denied" : e.Message.TrimEnd('.');

    /// <summary>
    /// The destination of a fetch: refuses content beyond the file's known length (a source can never fill the disk),
    /// and marks the part's own write faults as faults of the data folder.
    /// </summary>
    private sealed class PartStream(FileStream part, string path, DatasetFile file) : Stream
    {
        private long _written;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > file.Length)
                throw new InvalidDataException($"the content is longer than the {file.Length} bytes of {file.Name}");
            try { part.Write(buffer); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FolderFault(path, file, e); }
            _written += buffer.Length;
        }
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// Deletes the <c>.part</c> files of downloads that no process holds any more — left behind when a process was killed
    /// mid-download (a notebook kernel stopped or restarted). A part still open by its writer, in this process, another
    /// process or another container on the same files, is locked and left alone.
    /// </summary>
    private static void RemoveAbandonedParts(string directory, IReadOnlyList<DatasetFile> files)
    {
        foreach (var file in files)
            foreach (var part in Directory.EnumerateFiles(directory, file.Name + ".*.part"))
                try
                {
                    // Opening exclusively succeeds only when nobody holds the part; DeleteOnClose then removes it.
                    using var _ = new FileStream(part, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // held, or already gone
    }

    // No connection, no DNS, no npm: trying the same source for the next file would fail the same way.
    private static bool IsUnreachable(Exception e) => e switch
    {
        HttpRequestException { StatusCode: null } => true,
        System.Net.Sockets.SocketException => true,
        TimeoutException => true,
        InvalidOperationException => true,
        _ => e.InnerException is { } inner && IsUnreachable(inner),
    };

    /// <summary>Refuses, with a <see cref="DatasetException"/> naming it, a path that is not a readable regular file.</summary>
    private static void CheckReadable(string path) => OpenChecked(path).Dispose();

    private static FileStream OpenChecked(string path)
    {
        try { return SafeFile.OpenRead(path, 1 << 20); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read {path}: {Fault(e)}. Remove it (the loader then fetches the file again) or fix its permissions.", path, e);
        }
    }

    /// <summary>Null when <paramref name="path"/> has the expected length and SHA-256, else what is wrong.</summary>
    /// <exception cref="DatasetException">The path is not a readable regular file (a FIFO, a device, a directory, no permission).</exception>
    public static string? Verify(string path, DatasetFile file)
    {
        using var s = OpenChecked(path);
        try { return Verify(s, file); }
        catch (IOException e) { throw new DatasetException($"Cannot read {path}: {Fault(e)}.", path, e); }
    }

    /// <summary>Null when the whole stream has the expected length and SHA-256, else what is wrong.</summary>
    private static string? Verify(FileStream s, DatasetFile file)
    {
        long length = s.Length;
        if (length != file.Length) return $"{length} bytes, expected {file.Length}";
        s.Position = 0;
        string sha = Convert.ToHexStringLower(SHA256.HashData(s));
        return string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase) ? null : $"SHA-256 {sha}, expected {file.Sha256}";
    }
}
