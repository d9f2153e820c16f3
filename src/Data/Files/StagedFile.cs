namespace Norms.Data;

/// <summary>
/// One write of <see cref="Target"/> under way (<see cref="AtomicFile.Stage"/>): write <see cref="Stream"/>, then
/// <see cref="Commit"/>; <see cref="Close"/> first when the temporary must be read before it is moved. Disposing without
/// a commit throws the temporary away.
/// </summary>
public sealed class StagedFile : IDisposable
{
    private FileStream? stream;

    internal StagedFile(string path, bool useAsync, bool hidden)
    {
        Target = Path.GetFullPath(path);
        TemporaryPath = AtomicFile.TemporaryPathFor(Target, hidden);
        stream = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, useAsync ? 1 << 16 : 4096, useAsync);
    }

    public string Target { get; }

    /// <summary>Where the content is written until <see cref="Commit"/> moves it.</summary>
    public string TemporaryPath { get; }

    public Stream Stream => stream ?? throw new InvalidOperationException($"the write of {Target} is already closed");

    /// <summary>Flushes the content to disk and closes the temporary file (so it can be read, e.g. to verify it).</summary>
    public void Close()
    {
        if (stream is null) return;
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        stream = null;
    }

    /// <summary>Closes the temporary file and moves it over <see cref="Target"/>. With <paramref name="overwrite"/> false (a
    /// cache shared by processes) a target that is already there is kept and false returned: another process put its
    /// copy there first.</summary>
    public bool Commit(bool overwrite = true)
    {
        Close();
        try
        {
            File.Move(TemporaryPath, Target, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(Target))
        {
            return false;
        }
        return true;
    }

    public void Dispose()
    {
        // After a failed write (a full disk) closing can fail too; the first error is the one the caller sees.
        try { stream?.Dispose(); } catch (IOException) { }
        stream = null;
        try
        {
            if (File.Exists(TemporaryPath)) File.Delete(TemporaryPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary that cannot be removed is never read: its name is unique, and a run folder removes such leftovers.
        }
    }
}
