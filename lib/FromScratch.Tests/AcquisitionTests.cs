using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>A tiny HTTP server on 127.0.0.1 whose answer per path is scripted by the test.</summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Dictionary<string, Action<HttpListenerResponse>> _routes = new();
    private readonly Thread _loop;
    private readonly ManualResetEventSlim _stopped = new();
    public string BaseUrl { get; }
    public List<string> Requests { get; } = [];

    public LoopbackServer() : this(() => Random.Shared.Next(20000, 60000)) { }

    /// <summary>A server on the first free port <paramref name="nextPort"/> gives (tried up to 20 times).</summary>
    public LoopbackServer(Func<int> nextPort)
    {
        for (int attempt = 0; ; attempt++)
        {
            BaseUrl = $"http://127.0.0.1:{nextPort()}/";
            // A listener whose Start failed is closed: each attempt needs a new one (reusing it threw ObjectDisposedException).
            var listener = new HttpListener();
            listener.Prefixes.Add(BaseUrl);
            try { listener.Start(); _listener = listener; break; }
            catch (HttpListenerException) when (attempt < 20) { listener.Close(); }
        }
        _loop = new Thread(Loop) { IsBackground = true };
        _loop.Start();
    }

    public void Route(string path, Action<HttpListenerResponse> answer) => _routes[path] = answer;

    /// <summary>Blocks a route's thread until the server is disposed: a server that goes silent.</summary>
    public void Hang() => _stopped.Wait(TimeSpan.FromSeconds(20));

    public void Serve(string path, byte[] body) => Route(path, r =>
    {
        r.ContentLength64 = body.Length;
        r.OutputStream.Write(body);
        r.Close();
    });

    // Dedicated threads, not the thread pool: the code under test blocks on HTTP, and on two cores
    // a pool-based server would starve behind it.
    private void Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = _listener.GetContext(); } catch { return; }
            string path = ctx.Request.Url!.AbsolutePath;
            lock (Requests) Requests.Add(path);
            new Thread(() =>
            {
                try
                {
                    if (_routes.TryGetValue(path, out var answer)) answer(ctx.Response);
                    else { ctx.Response.StatusCode = 404; ctx.Response.Close(); }
                }
                catch { }
            }) { IsBackground = true }.Start();
        }
    }

    public void Dispose()
    {
        _stopped.Set();
        // Close alone: Stop then Close removes the prefixes twice, and the second removal re-binds the port, which fails
        // ("Address already in use") when another test's server has just taken it.
        try { _listener.Close(); } catch (HttpListenerException) { }
    }
}

/// <summary>The file the download tests fetch (also from the child processes started by <see cref="Program"/>).</summary>
internal static class TestContent
{
    public static readonly byte[] Bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 % 251)).ToArray();
    public static readonly DatasetFile File = new("data.bin", Convert.ToHexStringLower(SHA256.HashData(Bytes)), Bytes.Length);

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }
}

/// <summary>What every download test has: a temporary folder, a local server, the test file, and mirrors on that server.</summary>
public abstract class DownloadTestsBase : IDisposable
{
    protected readonly TempDir _dir = new();
    protected readonly LoopbackServer _server = new();
    protected readonly byte[] _content = TestContent.Bytes;
    private protected readonly DatasetFile _file = TestContent.File;

    public void Dispose() { _server.Dispose(); _dir.Dispose(); }

    /// <summary>
    /// How long the mirrors of <see cref="Mirror(string)"/> may stall: long enough for a loopback answer on a busy CI machine.
    /// A test of a stalling mirror gives its own, short timeout (<see cref="Mirror(string, TimeSpan)"/>).
    /// </summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The server's folder <paramref name="folder"/> as a mirror.</summary>
    internal HttpMirror Mirror(string folder) => Mirror(folder, StallTimeout);

    /// <summary>The server's folder <paramref name="folder"/> as a mirror that gives up after <paramref name="stallTimeout"/> of silence.</summary>
    internal HttpMirror Mirror(string folder, TimeSpan stallTimeout) => new(_server.BaseUrl + folder + "/") { StallTimeout = stallTimeout };
}

public class AcquisitionTests : DownloadTestsBase
{
    [Fact]
    public void The_test_server_moves_on_when_its_port_is_taken()
    {   // found in a full run: a port already in use closed the listener, and the next attempt threw ObjectDisposedException
        using var first = new LoopbackServer();
        int busy = new Uri(first.BaseUrl).Port, calls = 0;
        using var second = new LoopbackServer(() => calls++ == 0 ? busy : busy == 59999 ? 20000 : busy + 1);
        Assert.True(calls >= 2, $"{calls} port(s) tried");
        Assert.NotEqual(first.BaseUrl, second.BaseUrl);
        second.Serve("/x", [1, 2, 3]);
        using var http = new HttpClient();
        Assert.Equal(new byte[] { 1, 2, 3 }, http.GetByteArrayAsync(second.BaseUrl + "x").Result);
    }


    private static byte[] Gzip(byte[] data) => TestContent.Gzip(data);

    /// <summary>
    /// One mirror per way a download goes wrong, each with what the error must say about it.
    /// The stall timeout is 2 s; the silent servers would stay silent until the test ends.
    /// </summary>
    private static readonly TimeSpan ShortStall = TimeSpan.FromSeconds(2);

    private List<(HttpMirror Mirror, string Why)> EveryKindOfFailingMirror()
    {
        var gz = Gzip(_content);
        _server.Serve("/truncated/data.bin.gz", gz[..(gz.Length / 2)]);                       // a complete response, half a file
        _server.Serve("/wrong/data.bin.gz", Gzip(_content.Select(b => (byte)(b ^ 1)).ToArray()));
        _server.Route("/reset/data.bin.gz", r =>                                              // connection reset mid-file
        {
            r.ContentLength64 = gz.Length;
            r.OutputStream.Write(gz, 0, gz.Length / 2);
            r.OutputStream.Flush();
            r.Abort();
        });
        _server.Route("/stall/data.bin.gz", r =>                                              // goes silent mid-file
        {
            r.ContentLength64 = gz.Length;
            r.OutputStream.Write(gz, 0, 500);
            r.OutputStream.Flush();
            _server.Hang();
            r.Abort();
        });
        _server.Route("/silent/data.bin.gz", _ => _server.Hang());                            // never answers
        return
        [
            (Mirror("missing"), "answered 404"),
            (Mirror("truncated"), "bytes, expected 100000"),
            (Mirror("wrong"), "SHA-256"),
            (Mirror("reset"), $"the connection broke after {gz.Length / 2} of {gz.Length} bytes"),
            (Mirror("stall", ShortStall), "stalled for more than 2 s after 500 bytes"),
            (Mirror("silent", ShortStall), "no response from " + _server.BaseUrl + "silent/data.bin.gz within 2 s"),
        ];
    }

    private string[] FilesLeft() => Directory.GetFiles(_dir.Path).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void Bad_mirrors_are_skipped_and_only_the_verified_file_lands()
    {
        var bad = EveryKindOfFailingMirror();
        _server.Serve("/good/data.bin.gz", Gzip(_content));
        var log = new StringWriter();

        var paths = DatasetStore.Ensure("Test", _dir.Path, [_file], [.. bad.Select(b => b.Mirror), Mirror("good")], log);

        Assert.Equal(_content, File.ReadAllBytes(paths[0]));
        Assert.Equal(["data.bin"], FilesLeft());
        string text = log.ToString();
        var failed = text.Split('\n').Where(l => l.Contains(" failed (")).ToList();
        Assert.Equal(bad.Count, failed.Count);
        for (int i = 0; i < bad.Count; i++)                                  // each one tried, in turn, failing for its own reason
        {
            Assert.StartsWith($"{_file.Name}: {bad[i].Mirror.Description} failed (", failed[i]);
            Assert.Contains(bad[i].Why, failed[i]);
        }
        Assert.Contains("100%", text.Replace("done", "100%"));
    }

    [Fact]
    public void Plain_uncompressed_bodies_are_accepted_too()
    {
        _server.Serve("/plain/data.bin.gz", _content);
        DatasetStore.Ensure("Test", _dir.Path, [_file], [Mirror("plain")], TextWriter.Null);
        Assert.Equal(_content, File.ReadAllBytes(_dir.File("data.bin")));
    }

    [Fact]
    public void When_every_source_fails_the_error_lists_them_all_and_nothing_is_left()
    {
        var bad = EveryKindOfFailingMirror();
        var local = new LocalDirectorySource(_dir.File("nowhere"));

        var ex = Assert.Throws<DatasetException>(() =>
            DatasetStore.Ensure("Test", _dir.Path, [_file], [.. bad.Select(b => (DataSource)b.Mirror), local], TextWriter.Null, "To fix: do X."));

        var lines = ex.Message.Split(Environment.NewLine);
        Assert.StartsWith($"Could not get Test file data.bin into {_dir.Path}. Tried:", lines[0]);
        for (int i = 0; i < bad.Count; i++)
        {
            Assert.StartsWith($"  - {bad[i].Mirror.Description}: ", lines[1 + i]);            // every source, in order …
            Assert.Contains(bad[i].Why, lines[1 + i]);                                        // … with why it failed
        }
        Assert.Equal($"  - {local.Description}: neither {_dir.File("nowhere/data.bin")} nor {_dir.File("nowhere/data.bin.gz")} exists", lines[1 + bad.Count]);
        Assert.Equal("To fix: do X.", lines[^1]);
        Assert.Equal(ex.Message.Length, ex.Message.TrimEnd().Length);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void A_damaged_local_file_is_replaced()
    {
        File.WriteAllBytes(_dir.File("data.bin"), _content[..5000]);
        _server.Serve("/good/data.bin.gz", Gzip(_content));
        var log = new StringWriter();
        DatasetStore.Ensure("Test", _dir.Path, [_file], [Mirror("good")], log);
        Assert.Equal(_content, File.ReadAllBytes(_dir.File("data.bin")));
        Assert.Contains("damaged", log.ToString());
    }

    [Fact]
    public void A_verified_local_file_is_used_without_asking_any_source()
    {
        File.WriteAllBytes(_dir.File("data.bin"), _content);
        DatasetStore.Ensure("Test", _dir.Path, [_file], [Mirror("good")], TextWriter.Null);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void An_unreachable_host_is_not_asked_again_for_the_next_file()
    {
        var second = _file with { Name = "other.bin" };
        var dead = new HttpMirror("http://127.0.0.1:9/") { StallTimeout = TimeSpan.FromSeconds(2) };  // discard port: refused
        var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", _dir.Path, [_file, second], [dead], TextWriter.Null));
        Assert.Contains("127.0.0.1:9", ex.Message);
    }

    [Fact]
    public void Concurrent_loads_end_with_one_good_file()
    {
        var gz = Gzip(_content);
        _server.Serve("/good/data.bin.gz", gz);
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            try { DatasetStore.Ensure("Test", _dir.Path, [_file], [Mirror("good")], TextWriter.Null); }
            catch (Exception e) { lock (errors) errors.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        Assert.Equal(_content, File.ReadAllBytes(_dir.File("data.bin")));
        Assert.Equal(["data.bin"], FilesLeft());
    }

    [Fact]
    public async Task Two_processes_filling_the_same_empty_folder_at_once_end_with_one_good_file()
    {
        // The server holds both requests until both have arrived, so the two downloads really overlap.
        var gz = Gzip(_content);
        using var bothAsked = new CountdownEvent(2);
        _server.Route("/good/data.bin.gz", r =>
        {
            bothAsked.Signal();
            bool overlapped = bothAsked.Wait(TimeSpan.FromSeconds(30));
            r.ContentLength64 = gz.Length;
            for (int i = 0; i < gz.Length; i += 256)
            {
                r.OutputStream.Write(gz, i, Math.Min(256, gz.Length - i));   // in small pieces, so the writes interleave
                r.OutputStream.Flush();
            }
            r.Close();
            if (!overlapped) throw new TimeoutException("only one process asked");
        });
        string dir = Path.Combine(_dir.Path, "data");
        string self = typeof(Program).Assembly.Location;
        var children = Enumerable.Range(0, 2).Select(_ =>
        {
            var psi = new System.Diagnostics.ProcessStartInfo("dotnet", ["exec", self, "fetch", dir, _server.BaseUrl + "good/"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            return System.Diagnostics.Process.Start(psi)!;
        }).ToList();
        try
        {
            var outputs = children.Select(c => (Out: c.StandardOutput.ReadToEndAsync(), Err: c.StandardError.ReadToEndAsync())).ToList();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            foreach (var (child, output) in children.Zip(outputs))
            {
                await child.WaitForExitAsync(timeout.Token);
                Assert.True(child.ExitCode == 0, $"child exited {child.ExitCode}: {await output.Out}{await output.Err}");
            }
        }
        finally
        {
            foreach (var c in children) { if (!c.HasExited) c.Kill(entireProcessTree: true); c.Dispose(); }
        }
        Assert.Equal(2, _server.Requests.Count(r => r == "/good/data.bin.gz"));        // both downloaded, neither found it done
        Assert.Equal(_content, File.ReadAllBytes(Path.Combine(dir, "data.bin")));
        Assert.Equal(["data.bin"], Directory.GetFiles(dir).Select(Path.GetFileName));  // no .part left behind
    }

    [Fact]
    public void Parts_left_by_a_killed_download_are_removed_but_not_those_of_a_running_one()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        string abandoned = _dir.File($"data.bin.{gone.Id}.{Guid.NewGuid():N}.part");
        string running = _dir.File($"data.bin.{Guid.NewGuid():N}.part");
        string unrelated = _dir.File("notes.part");
        foreach (var f in new[] { abandoned, unrelated }) File.WriteAllBytes(f, [1, 2, 3]);
        File.WriteAllBytes(_dir.File("data.bin"), _content);

        using (DatasetStore.CreatePart(running))                 // a download in progress holds its part open, locked
        {
            DatasetStore.Ensure("Test", _dir.Path, [_file], [], TextWriter.Null);
            Assert.False(File.Exists(abandoned));
            Assert.True(File.Exists(running));
            Assert.True(File.Exists(unrelated));
        }
    }

    [Fact]
    public void A_gz_copy_in_the_data_folder_is_used_without_asking_any_source()
    {
        File.WriteAllBytes(_dir.File("data.bin.gz"), Gzip(_content));
        var paths = DatasetStore.Ensure("Test", _dir.Path, [_file], [Mirror("good")], TextWriter.Null);
        Assert.Equal(_content, File.ReadAllBytes(paths[0]));
        Assert.Empty(_server.Requests);
        Assert.Equal(["data.bin", "data.bin.gz"], FilesLeft().Order());
    }
}
