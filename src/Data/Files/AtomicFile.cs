using System.Text;

namespace Norms.Data;

/// <summary>
/// The one way a file is replaced whole: write a temporary file in the target's folder, flush it to disk, then move it
/// over the target, so a reader sees the old file or the new one and never half of either. A write that fails (a full
/// disk) leaves the old file and no temporary. Run folders, reports, checkpoints and downloads all write through it.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8.GetBytes(text));

    public static void WriteAllBytes(string path, byte[] content) => Write(path, stream => stream.Write(content));

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var staged = Stage(path);
        write(staged.Stream);
        staged.Commit();
    }

    /// <summary>Starts a write of <paramref name="path"/> for a caller that needs the steps apart (a download writes
    /// asynchronously, then verifies the file, then moves it into place): see <see cref="StagedFile"/>. With
    /// <paramref name="hidden"/> the temporary is .NAME.PID.RANDOM.part, out of sight in a cache shared by processes.</summary>
    public static StagedFile Stage(string path, bool useAsync = false, bool hidden = false) => new(path, useAsync, hidden);

    /// <summary>The temporary name a write of <paramref name="path"/> uses, beside it and unique to the call: PATH.PID.RANDOM.tmp
    /// (a folder's owner removes what a killed process left with <see cref="LeftoversOf"/>), or hidden, .NAME.PID.RANDOM.part.</summary>
    internal static string TemporaryPathFor(string path, bool hidden = false)
    {
        var unique = $"{Environment.ProcessId}.{Guid.NewGuid():N}";
        return hidden ? Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{unique}.part") : $"{path}.{unique}.tmp";
    }

    /// <summary>The temporary files that writes of <paramref name="fileName"/> in <paramref name="folder"/> left behind
    /// (only a killed process leaves any).</summary>
    public static IEnumerable<string> LeftoversOf(string folder, string fileName) => Directory.EnumerateFiles(folder, fileName + ".*.tmp");
}
