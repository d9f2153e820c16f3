using Norms.Torch;

namespace Norms.Training;

/// <summary>One line for an exception that was not a user mistake: what happened and, where one is known, the fix.</summary>
public static class Failure
{
    private const int MaxLength = 400;

    public static string Describe(Exception e) => OneLine(e switch
    {
        OutOfMemoryException or InsufficientExecutionStackException =>
            "out of memory; lower --batch-size, use --limit-train, or close other programs",
        TorchException t when t.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || t.Message.Contains("bad_alloc", StringComparison.Ordinal) =>
            $"the engine ran out of memory ({FirstLine(t.Message)}); lower --batch-size, or close other programs",
        IOException io when IsDiskFull(io) =>
            "no space left on the device; free some space or use another --out, then run again with --resume",
        IOException or UnauthorizedAccessException => $"cannot read or write a file ({FirstLine(e.Message)}); check the path, its permissions and free space",
        TorchArgumentException or TorchIndexException or TorchException => $"the engine refused an operation: {FirstLine(e.Message)}",
        _ => $"{e.GetType().Name}: {FirstLine(e.Message)} (a bug: run again with --debug and report the stack trace)",
    });

    /// <summary>ENOSPC (28) on Linux and macOS, ERROR_HANDLE_DISK_FULL/ERROR_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(Exception e) =>
        (e.HResult & 0xFFFF) is 28 or 0x27 or 0x70 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    public static string FirstLine(string s) => s.Split('\n')[0].Trim();

    // Messages can quote libtorch or a file: keep them one printable line of bounded length.
    private static string OneLine(string s)
    {
        var chars = s.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        var text = new string(chars).Trim();
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }
}
