using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using FromScratch.Data;

namespace FromScratch.Tests;

/// <summary>A tiny HTTP server on 127.0.0.1 whose answer per path is scripted by the test.</summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Action<HttpListenerResponse>> _routes = new();
    private readonly Thread _loop;
    public string BaseUrl { get; }
    public List<string> Requests { get; } = [];

    public LoopbackServer()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20000, 60000);
            BaseUrl = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(BaseUrl);
            try { _listener.Start(); break; }
            catch (HttpListenerException) when (attempt < 20) { }
        }
        _loop = new Thread(Loop) { IsBackground = true };
        _loop.Start();
    }

    public void Route(string path, Action<HttpListenerResponse> answer) => _routes[path] = answer;

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
        _listener.Stop();
        _listener.Close();
    }
}

public class AcquisitionTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LoopbackServer _server = new();
    private readonly byte[] _content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 % 251)).ToArray();
    private readonly DatasetFile _file;

    public AcquisitionTests() => _file = new DatasetFile("data.bin", Convert.ToHexStringLower(SHA256.HashData(_content)), _content.Length);

    public void Dispose() { _server.Dispose(); _dir.Dispose(); }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    private HttpMirror Mirror(string folder) => new(_server.BaseUrl + folder + "/") { StallTimeout = TimeSpan.FromSeconds(2) };

    private string[] FilesLeft() => Directory.GetFiles(_dir.Path).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void Bad_mirrors_are_skipped_and_only_the_verified_file_lands()
    {
        var gz = Gzip(_content);
        _server.Serve("/truncated/data.bin.gz", gz[..(gz.Length / 2)]);
        _server.Serve("/wrong/data.bin.gz", Gzip(_content.Select(b => (byte)(b ^ 1)).ToArray()));
        _server.Route("/reset/data.bin.gz", r => { r.ContentLength64 = gz.Length; r.OutputStream.Write(gz, 0, 1000); r.Abort(); });
        _server.Serve("/good/data.bin.gz", gz);
        var log = new StringWriter();

        var paths = DatasetStore.Ensure("Test", _dir.Path, [_file],
            [Mirror("missing"), Mirror("truncated"), Mirror("wrong"), Mirror("reset"), Mirror("good")], log);

        Assert.Equal(_content, File.ReadAllBytes(paths[0]));
        Assert.Equal(["data.bin"], FilesLeft());
        string text = log.ToString();
        Assert.Contains("404", text);
        Assert.Contains("SHA-256", text);
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
        _server.Serve("/wrong/data.bin.gz", Gzip(new byte[100_000]));
        _server.Route("/slow/data.bin.gz", r => { Thread.Sleep(5000); r.Close(); });
        var sources = new DataSource[] { Mirror("missing"), Mirror("wrong"), Mirror("slow"), new LocalDirectorySource(_dir.File("nowhere")) };

        var ex = Assert.Throws<DatasetException>(() => DatasetStore.Ensure("Test", _dir.Path, [_file], sources, TextWriter.Null, "To fix: do X."));

        foreach (var s in sources) Assert.Contains(s.Description, ex.Message);
        Assert.Contains("404", ex.Message);
        Assert.Contains("SHA-256", ex.Message);
        Assert.Contains("2 s", ex.Message);          // the stall timeout
        Assert.Contains("To fix: do X.", ex.Message);
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
}
