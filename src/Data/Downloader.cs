namespace Norms.Data;

/// <summary>
/// Fetches missing data files into a cache folder shared by any number of processes: each download goes to a
/// hidden temp file unique to this process in the target folder (.NAME.PID.GUID.part, <see cref="AtomicFile"/>), is
/// verified, then renamed into place without overwriting (atomic on one file system). A file already in place is used
/// as is, so a process that loses the race simply reuses the winner's.
/// </summary>
public sealed class Downloader(HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient client = new(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
    {
        Timeout = TimeSpan.FromMinutes(30),
        DefaultRequestHeaders = { { "User-Agent", "Norms/1.0 (dataset download)" } },
    };

    /// <summary>
    /// Makes sure every file is in <paramref name="folder"/>, downloading the missing ones. Returns their paths.
    /// When any cannot be fetched, throws one <see cref="DataUnavailableException"/> listing each missing file,
    /// where it comes from, and the exact path to put it at.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnsureAllAsync(IReadOnlyList<RemoteFile> files, string folder,
        Action<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        var paths = new List<string>();
        var failures = new List<(RemoteFile File, string Reason)>();
        foreach (var file in files)
        {
            var (path, failure) = await FetchOneAsync(file, folder, progress, cancel);
            if (path is not null) paths.Add(path);
            else failures.Add((file, failure!));
        }
        if (failures.Count == 0) return paths;
        var offline = failures.All(f => f.Reason.Contains(OfflineMarker, StringComparison.Ordinal));
        var what = string.Join("; ", failures.Select(f => $"{f.File.Sources[0]} -> {Path.Combine(Path.GetFullPath(folder), f.File.FileName)}"));
        var why = offline ? "no network" : string.Join("; ", failures.Select(f => $"{f.File.FileName}: {f.Reason}"));
        throw new DataUnavailableException($"cannot download ({why}); fetch these files elsewhere and copy them to the paths shown: {what}");
    }

    /// <summary>Returns the path of the file in <paramref name="folder"/>, downloading and verifying it first if it is not there.</summary>
    public async Task<string> EnsureAsync(RemoteFile file, string folder, Action<DownloadProgress>? progress = null, CancellationToken cancel = default) =>
        (await EnsureAllAsync([file], folder, progress, cancel))[0];

    /// <summary>The final path, or null and the reasons every source failed.</summary>
    private async Task<(string? Path, string? Failure)> FetchOneAsync(RemoteFile file, string folder, Action<DownloadProgress>? progress, CancellationToken cancel)
    {
        var final = Path.Combine(folder, file.FileName);
        if (File.Exists(final)) return (final, null);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot create folder {folder} ({e.Message})");
        }
        var reasons = new List<string>();
        foreach (var source in file.Sources)
        {
            try
            {
                var (staged, problem) = await FetchToAsync(source, final, file, progress, cancel);
                using (staged)
                {
                    if (staged is not null)
                    {
                        staged.Close();
                        problem = file.Check.Verify(staged.TemporaryPath);
                    }
                    if (problem is not null)
                    {
                        reasons.Add($"{source}: {problem}");
                        continue;
                    }
                    // False when another process finished the same download first; its verified copy is as good as ours.
                    staged!.Commit(overwrite: false);
                }
                return (final, null);
            }
            catch (HttpRequestException e) when (e.StatusCode is null)
            {
                reasons.Add($"{source}: {OfflineMarker} ({e.Message})");
            }
            catch (HttpRequestException e)
            {
                reasons.Add($"{source}: HTTP {(int)e.StatusCode!.Value} {e.StatusCode}");
            }
            catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
            {
                reasons.Add($"{source}: timed out ({e.Message})");
            }
            catch (IOException e)
            {
                reasons.Add($"{source}: transfer failed ({e.Message})");
            }
        }
        return (null, string.Join("; ", reasons));
    }

    private const string OfflineMarker = "unreachable";

    public void Dispose() => client.Dispose();

    /// <summary>Streams the response body into a staged write of <paramref name="final"/>; returns it, or a problem
    /// description (and nothing left behind).</summary>
    private async Task<(StagedFile? Staged, string? Problem)> FetchToAsync(Uri source, string final, RemoteFile file, Action<DownloadProgress>? progress,
        CancellationToken cancel)
    {
        using var response = await client.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancel);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        var limit = file.Check.DownloadLength;
        if (total is { } announced && limit is { } cap && announced > cap)
            return (null, $"server announces {announced} bytes, more than the {cap} bytes the file can have");
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var staged = AtomicFile.Stage(final, useAsync: true, hidden: true);
        try
        {
            var problem = await CopyAsync(body, staged.Stream, file, total, progress, cancel);
            if (problem is null) return (staged, null);
            staged.Dispose();
            return (null, problem);
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    private static async Task<string?> CopyAsync(Stream body, Stream output, RemoteFile file, long? total, Action<DownloadProgress>? progress,
        CancellationToken cancel)
    {
        var limit = file.Check.DownloadLength;
        var buffer = new byte[1 << 16];
        long received = 0;
        progress?.Invoke(new DownloadProgress(file.FileName, 0, total));
        while (true)
        {
            var read = await body.ReadAsync(buffer, cancel);
            if (read == 0) break;
            received += read;
            if (limit is { } max && received > max)
                return $"sent more than the {max} bytes the file can have";
            await output.WriteAsync(buffer.AsMemory(0, read), cancel);
            progress?.Invoke(new DownloadProgress(file.FileName, received, total));
        }
        if (total is { } expected && received != expected)
            return $"transfer ended after {received} of {expected} bytes";
        return null;
    }
}
