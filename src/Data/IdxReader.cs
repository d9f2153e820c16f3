using System.Buffers.Binary;
using System.IO.Compression;

namespace Norms.Data;

/// <summary>
/// Reader for the idx format of the MNIST distribution (raw or gzipped): a big-endian header
/// (magic 0x00000803 = 2051 for images with dims N,H,W; 0x00000801 = 2049 for labels with dim N;
/// the third magic byte 0x08 says unsigned bytes) followed by the bytes. Every declared size is
/// checked against the data actually present before it is trusted.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Largest payload accepted (1 GiB): far above MNIST-like sets (47 MB), far below what would hurt.</summary>
    public const long MaxPayloadBytes = 1L << 30;

    public sealed record Images(byte[] Pixels, int Count, int Height, int Width);

    public static Images ReadImages(string path)
    {
        using var stream = BoundedRead.OpenMaybeGzip(path, out var gzipped);
        return Guard(path, gzipped, () =>
        {
            var dims = ReadHeader(stream, path, ImagesMagic, 3, "images (idx3-ubyte)");
            var payload = ReadPayload(stream, path, gzipped, 16, dims);
            return new Images(payload, (int)dims[0], (int)dims[1], (int)dims[2]);
        });
    }

    public static byte[] ReadLabels(string path, int classCount = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        using var stream = BoundedRead.OpenMaybeGzip(path, out var gzipped);
        var labels = Guard(path, gzipped, () =>
        {
            var dims = ReadHeader(stream, path, LabelsMagic, 1, "labels (idx1-ubyte)");
            return ReadPayload(stream, path, gzipped, 8, dims);
        });
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] >= classCount)
                throw new DataFormatException(
                    $"{path}: label {labels[i]} at index {i} is outside 0..{classCount - 1}; use a labels file for {classCount} classes or raise the class count.");
        return labels;
    }

    /// <summary>Reads an image file and its label file and checks that they describe the same images.</summary>
    public static ImageSet ReadPair(string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classNames.Count);
        if (labels.Length != images.Count)
            throw new DataFormatException(
                $"{imagesPath}: holds {images.Count} images but {labelsPath} holds {labels.Length} labels; use the label file that belongs to these images.");
        return new ImageSet(images.Pixels, labels, images.Count, 1, images.Height, images.Width, classNames);
    }

    /// <summary>Turns the exceptions of a damaged stream (truncated gzip, bad deflate data) into a <see cref="DataFormatException"/>.</summary>
    private static T Guard<T>(string path, bool gzipped, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException && e is not DataException)
        {
            var what = gzipped ? "gzip stream is damaged" : "file cannot be read";
            throw new DataFormatException($"{path}: {what} ({e.Message}); download the file again.", e);
        }
    }

    private static long[] ReadHeader(Stream stream, string path, int magic, int dimensions, string kind)
    {
        var headerLength = 4 + 4 * dimensions;
        Span<byte> header = stackalloc byte[headerLength];
        var got = BoundedRead.ReadUpTo(stream, header);
        if (got < headerLength)
            throw new DataFormatException($"{path}: {got} bytes is too short for an idx {kind} header of {headerLength} bytes; the file is truncated, download it again.");
        var actualMagic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (actualMagic != magic)
        {
            var hint = header[0] != 0 || header[1] != 0 ? "not an idx file"
                : header[2] != 0x08 ? $"element type 0x{header[2]:x2} is not unsigned byte (0x08)"
                : $"{header[3]} dimensions where {kind} have {dimensions}";
            throw new DataFormatException(
                $"{path}: magic number {actualMagic} (0x{actualMagic:x8}) is not {magic} ({hint}); point the loader at an MNIST-format {kind} file.");
        }
        var dims = new long[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * d)..]);
            if (dims[d] == 0 || dims[d] > int.MaxValue)
                throw new DataFormatException($"{path}: dimension {d} is {dims[d]}, expected 1..{int.MaxValue}; the header is damaged, download the file again.");
        }
        return dims;
    }

    private static byte[] ReadPayload(Stream stream, string path, bool gzipped, int headerLength, long[] dims)
    {
        long expected;
        try
        {
            expected = 1;
            foreach (var d in dims) expected = checked(expected * d);
        }
        catch (OverflowException)
        {
            throw new DataFormatException($"{path}: dimensions {string.Join('x', dims)} overflow; the header is damaged, download the file again.");
        }
        if (expected > MaxPayloadBytes)
            throw new DataFormatException(
                $"{path}: dimensions {string.Join('x', dims)} declare {expected} bytes, more than the {MaxPayloadBytes}-byte limit; the header is damaged or the set is too large.");
        if (!gzipped)
        {
            // A raw file's length is known up front: compare before allocating anything.
            var length = new FileInfo(path).Length;
            if (length != headerLength + expected)
                throw new DataFormatException(
                    $"{path}: file is {length} bytes but its header ({string.Join('x', dims)}) needs {headerLength + expected}; the file is truncated or damaged, download it again.");
        }
        var payload = BoundedRead.ReadExactlyOrReport(stream, expected, out var actual);
        if (payload is null)
        {
            var problem = actual > expected ? "has data beyond" : $"ends after {headerLength + actual} bytes, short of";
            throw new DataFormatException(
                $"{path}: content {problem} the {headerLength + expected} bytes its header ({string.Join('x', dims)}) declares; the file is damaged, download it again.");
        }
        if (gzipped && !BoundedRead.GzipTrailerMatches(path, headerLength + expected))
            throw new DataFormatException($"{path}: gzip trailer is missing or does not match the content; the file is truncated, download it again.");
        return payload;
    }

    /// <summary>Writes an idx file (used by tests and tools to build fixtures); gzip when asked.</summary>
    public static void WriteImages(Stream destination, ReadOnlySpan<byte> pixels, int count, int height, int width) =>
        Write(destination, ImagesMagic, [count, height, width], pixels);

    public static void WriteLabels(Stream destination, ReadOnlySpan<byte> labels) =>
        Write(destination, LabelsMagic, [labels.Length], labels);

    private static void Write(Stream destination, int magic, int[] dims, ReadOnlySpan<byte> payload)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        destination.Write(word);
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            destination.Write(word);
        }
        destination.Write(payload);
    }

    /// <summary>Gzip-compresses bytes (fixtures, and checks of downloaded archives).</summary>
    internal static byte[] Gzip(ReadOnlySpan<byte> raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(raw);
        return output.ToArray();
    }
}
