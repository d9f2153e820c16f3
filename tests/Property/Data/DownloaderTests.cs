using Norms.Models;
using System.Net;
using System.Security.Cryptography;
using Norms.Data;
using Xunit;
using static Norms.Property.Tests.Data.DataFixtures;

namespace Norms.Property.Tests.Data;

/// <summary>The downloader against a local HttpListener on 127.0.0.1 (the machine has no internet; nothing leaves it).</summary>
public sealed class DownloaderTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly HttpListener listener = new();
    private readonly string prefix;
    private readonly Dictionary<string, Action<HttpListenerResponse>> routes = new();
    private readonly CancellationTokenSource stop = new();
    private int requests;

    public DownloaderTests()
    {
        // Find a free port by letting the OS pick one, then listen on it.
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        prefix = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        _ = Task.Run(Serve);
    }

    private async Task Serve()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref requests);
            try
            {
                if (routes.TryGetValue(context.Request.Url!.AbsolutePath, out var handler)) handler(context.Response);
                else context.Response.StatusCode = 404;
                context.Response.Close();
            }
            catch (Exception)
            {
                context.Response.Abort();
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        temp.Dispose();
    }

    private void Serve(string path, byte[] body) => routes[path] = r =>
    {
        r.ContentLength64 = body.Length;
        r.OutputStream.Write(body);
    };

    /// <summary>Announces the full length but sends only half, then drops the connection.</summary>
    private void ServeTruncated(string path, byte[] body) => routes[path] = r =>
    {
        r.ContentLength64 = body.Length;
        r.OutputStream.Write(body, 0, body.Length / 2);
        r.OutputStream.Flush();
        r.Abort();
        throw new OperationCanceledException("dropped on purpose");
    };

    private static byte[] Payload(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 31 + 7)).ToArray();

    private static FileCheck.Sha256 ShaOf(byte[] body) => new(Convert.ToHexStringLower(SHA256.HashData(body)), body.Length);

    private RemoteFile Remote(string name, FileCheck check, params string[] paths) =>
        new(name, paths.Select(p => new Uri(prefix + p.TrimStart('/'))).ToArray(), check);

    private string Folder => Path.Combine(temp.Path, "cache", "sub");

    [Fact]
    public async Task Good_file_is_downloaded_verified_and_moved_into_place_with_progress()
    {
        var body = Payload(300_000);
        Serve("/good.bin", body);
        var progress = new List<DownloadProgress>();
        var path = await new Downloader().EnsureAsync(Remote("good.bin", ShaOf(body), "good.bin"), Folder, progress.Add);
        Assert.Equal(Path.Combine(Folder, "good.bin"), path);
        Assert.Equal(body, File.ReadAllBytes(path));
        Assert.Equal(body.Length, progress[^1].BytesReceived);
        Assert.Equal(body.Length, progress[^1].TotalBytes);
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.First.BytesReceived <= p.Second.BytesReceived));
        Assert.Single(Directory.GetFiles(Folder)); // no temp files left

        // Present now: used as is, no request made.
        var before = requests;
        Assert.Equal(path, await new Downloader().EnsureAsync(Remote("good.bin", ShaOf(body), "good.bin"), Folder));
        Assert.Equal(before, requests);
    }

    [Fact]
    public async Task Gzip_content_is_verified_after_decompression()
    {
        var raw = Payload(50_000);
        Serve("/m.gz", Gzip(raw));
        var check = new FileCheck.GunzippedSha256(Convert.ToHexStringLower(SHA256.HashData(raw)), raw.Length);
        var path = await new Downloader().EnsureAsync(Remote("m.gz", check, "m.gz"), Folder);
        Assert.Equal(raw, Gunzip(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task Bad_checksum_is_rejected_and_leaves_nothing_behind()
    {
        var body = Payload(1000);
        Serve("/bad.bin", body);
        var wrong = ShaOf(Payload(999)) with { Length = 1000 };
        var e = await Assert.ThrowsAsync<DataUnavailableException>(() => new Downloader().EnsureAsync(Remote("bad.bin", wrong, "bad.bin"), Folder));
        Assert.Contains("sha256", e.Message);
        Assert.Contains(Path.Combine(Folder, "bad.bin"), e.Message);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task Bad_gzip_content_is_rejected()
    {
        Serve("/m.gz", Gzip(Payload(100)));
        var check = new FileCheck.GunzippedSha256(Convert.ToHexStringLower(SHA256.HashData(Payload(101))), 101);
        var e = await Assert.ThrowsAsync<DataUnavailableException>(() => new Downloader().EnsureAsync(Remote("m.gz", check, "m.gz"), Folder));
        Assert.Contains("decompresses to 100 bytes", e.Message);
    }

    [Fact]
    public async Task Truncated_transfer_is_rejected()
    {
        var body = Payload(400_000);
        ServeTruncated("/cut.bin", body);
        var e = await Assert.ThrowsAsync<DataUnavailableException>(() => new Downloader().EnsureAsync(Remote("cut.bin", ShaOf(body), "cut.bin"), Folder));
        Assert.Contains("cut.bin", e.Message);
        Assert.False(File.Exists(Path.Combine(Folder, "cut.bin")));
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task Not_found_is_reported_and_the_next_mirror_is_tried()
    {
        var body = Payload(2000);
        Serve("/mirror2/f.bin", body);
        var e = await Assert.ThrowsAsync<DataUnavailableException>(() => new Downloader().EnsureAsync(Remote("f.bin", ShaOf(body), "missing/f.bin"), Folder));
        Assert.Contains("404", e.Message);
        var path = await new Downloader().EnsureAsync(Remote("f.bin", ShaOf(body), "missing/f.bin", "mirror2/f.bin"), Folder);
        Assert.Equal(body, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Oversized_download_is_cut_off()
    {
        Serve("/big.bin", Payload(10_000));
        var e = await Assert.ThrowsAsync<DataUnavailableException>(() => new Downloader().EnsureAsync(Remote("big.bin", ShaOf(Payload(100)), "big.bin"), Folder));
        Assert.Contains("more than the 100 bytes", e.Message);
    }

    /// <summary>No network: the handler fails like a DNS or connect failure does.</summary>
    private sealed class OfflineHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Name or service not known (" + request.RequestUri!.Host + ":443)");
    }

    [Fact]
    public void Offline_gives_one_message_with_every_file_and_its_exact_path()
    {
        var root = Path.Combine(temp.Path, "root");
        var e = Assert.Throws<DataUnavailableException>(() => DatasetLoader.Load(new DatasetSource.Mnist(), root, new Downloader(new OfflineHandler())));
        Assert.Contains("no network", e.Message);
        foreach (var name in IdxFolder.FileNames)
            Assert.Contains(Path.Combine(root, "mnist", name + ".gz"), e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var cifar = Assert.Throws<DataUnavailableException>(() => DatasetLoader.Load(new DatasetSource.Cifar10(), root, new Downloader(new OfflineHandler())));
        Assert.Contains(Path.Combine(root, "cifar-10", "cifar-10-binary.tar.gz"), cifar.Message);
        Assert.Contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", cifar.Message);
    }

    [Fact]
    public async Task Parallel_downloads_of_the_same_file_share_the_cache_safely()
    {
        var body = Payload(2_000_000);
        Serve("/shared.bin", body);
        var file = Remote("shared.bin", ShaOf(body), "shared.bin");
        var paths = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new Downloader().EnsureAsync(file, Folder))));
        Assert.All(paths, p => Assert.Equal(Path.Combine(Folder, "shared.bin"), p));
        Assert.Equal(body, File.ReadAllBytes(paths[0]));
        Assert.Single(Directory.GetFiles(Folder));
    }
}
