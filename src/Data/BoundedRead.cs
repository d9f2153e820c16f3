using System.IO.Compression;

namespace Norms.Data;

/// <summary>
/// Reading files whose declared sizes cannot be trusted: gzip is detected by its magic bytes, and
/// reads are capped so that neither a lying header nor a gzip bomb can make us allocate much more
/// than the file really holds.
/// </summary>
internal static class BoundedRead
{
    /// <summary>Opens a file for reading, transparently decompressing it when it starts with the gzip magic 1f 8b.</summary>
    public static Stream OpenMaybeGzip(string path, out bool gzipped)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataUnavailableException($"{path}: cannot open ({e.Message}); check the path and its permissions.", e);
        }
        Span<byte> magic = stackalloc byte[2];
        var got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        gzipped = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        return gzipped ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }

    /// <summary>
    /// Checks the gzip trailer's ISIZE field (decompressed length mod 2^32, the file's last 4 bytes) against what was
    /// read. The runtime's GZipStream accepts a file whose trailer was cut off, so truncation there is caught here.
    /// </summary>
    public static bool GzipTrailerMatches(string path, long decompressedLength)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (file.Length < 18) return false; // 10-byte header + 8-byte trailer at least
        file.Seek(-4, SeekOrigin.End);
        Span<byte> isize = stackalloc byte[4];
        if (ReadUpTo(file, isize) != 4) return false;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(isize) == (uint)decompressedLength;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes or returns how many were available before the end.</summary>
    public static int ReadUpTo(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    /// <summary>
    /// Reads the rest of the stream, but never more than <paramref name="expected"/> + 1 bytes. The buffer grows
    /// with the data actually read (doubling), so a header claiming gigabytes costs nothing until they arrive.
    /// Returns the bytes when exactly <paramref name="expected"/> were there; otherwise the actual length
    /// (which is expected + 1 when the stream is longer) through <paramref name="actual"/> and null.
    /// </summary>
    public static byte[]? ReadExactlyOrReport(Stream stream, long expected, out long actual)
    {
        if (expected < 0 || expected > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(expected));
        var buffer = new byte[(int)Math.Min(expected + 1, 1 << 20)];
        long total = 0;
        var cap = expected + 1;
        while (total < cap)
        {
            if (total == buffer.Length)
            {
                var grown = (int)Math.Min(Math.Min(cap, Array.MaxLength), (long)buffer.Length * 2);
                if (grown == buffer.Length) break;
                Array.Resize(ref buffer, grown);
            }
            var read = stream.Read(buffer, (int)total, (int)Math.Min(buffer.Length - total, cap - total));
            if (read == 0) break;
            total += read;
        }
        actual = total;
        if (total != expected) return null;
        if (buffer.Length != expected) Array.Resize(ref buffer, (int)expected);
        return buffer;
    }
}
