using System.IO.Compression;
using System.Text;

namespace Norms.Data;

/// <summary>
/// Reads the CIFAR-10 binary distribution: either the cifar-10-binary.tar.gz archive, streamed without
/// extracting it, or an extracted cifar-10-batches-bin/ folder. Each record is 1 label byte and
/// 3072 pixel bytes (R, G, B planes of 32x32); data_batch_1..5.bin are the train split, test_batch.bin the test split.
/// </summary>
public static class Cifar10Reader
{
    public const string ArchiveName = "cifar-10-binary.tar.gz";
    public const string FolderName = "cifar-10-batches-bin";
    public const int Side = 32;
    public const int ImageBytes = 3 * Side * Side;
    public const int RecordBytes = 1 + ImageBytes;
    public const int RecordsPerBatch = 10_000;
    public const long BatchBytes = (long)RecordsPerBatch * RecordBytes;
    public const int TrainBatches = 5;

    /// <summary>Most bytes the decompressed tar may hold: the official one is about 185 MB, so a gzip bomb of
    /// skipped entries is cut off instead of being read for minutes.</summary>
    public const long MaxArchiveBytes = 256L << 20;

    /// <summary>Largest entry the archive may declare: a data batch is exactly 30,730,000 bytes.</summary>
    public const long MaxEntryBytes = BatchBytes;

    public static IReadOnlyList<string> DefaultClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Reads the archive or an extracted folder (either the batches folder itself or a folder holding it).</summary>
    public static (ImageSet Train, ImageSet Test) Read(string path)
    {
        if (Directory.Exists(path))
        {
            var nested = Path.Combine(path, FolderName);
            return ReadFolder(Directory.Exists(nested) ? nested : path);
        }
        if (File.Exists(path)) return ReadArchive(path);
        throw new DataUnavailableException($"{path}: not found; put {ArchiveName} or an extracted {FolderName}/ folder there.");
    }

    public static (ImageSet Train, ImageSet Test) ReadArchive(string archivePath)
    {
        using var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var capped = new CappedStream(gzip, MaxArchiveBytes, archivePath);
        return ReadArchive(capped, archivePath);
    }

    /// <summary>Reads a decompressed tar stream; <paramref name="archiveName"/> names it in error messages.</summary>
    public static (ImageSet Train, ImageSet Test) ReadArchive(Stream tar, string archiveName)
    {
        var batches = new Batches(archiveName);
        try
        {
            var reader = new SafeTarReader(tar, archiveName, MaxEntryBytes);
            while (reader.Next() is { } item)
            {
                if (item.IsDirectory) continue;
                var fileName = item.Path.Split('/')[^1];
                var slot = Batches.Slot(fileName);
                if (slot is null && fileName != "batches.meta.txt") continue;
                var parent = item.Path.Length > fileName.Length ? item.Path[..^(fileName.Length + 1)] : "";
                if (parent != FolderName) continue;
                if (slot is { } s)
                {
                    if (item.Size != BatchBytes)
                        throw new DataFormatException($"{archiveName}: {item.Path} is {item.Size} bytes, expected {BatchBytes} (10000 records of 3073 bytes); download the archive again.");
                    batches.Fill(s, item.Path, span => reader.ReadData(span));
                }
                else
                {
                    // The meta file is tiny; the reader already capped its declared size.
                    if (item.Size > 4096)
                        throw new DataFormatException($"{archiveName}: {item.Path} is {item.Size} bytes, far above a list of class names; download the archive again.");
                    var bytes = new byte[item.Size];
                    reader.ReadData(bytes);
                    batches.SetClassNames(bytes);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not DataException)
        {
            throw new DataFormatException($"{archiveName}: gzip stream is damaged ({e.Message}); download the archive again.", e);
        }
        return batches.Build();
    }

    public static (ImageSet Train, ImageSet Test) ReadFolder(string folder)
    {
        var batches = new Batches(folder);
        foreach (var name in Enumerable.Range(1, TrainBatches).Select(i => $"data_batch_{i}.bin").Append("test_batch.bin"))
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                throw new DataUnavailableException($"{path}: missing; extract {ArchiveName} again so that {FolderName}/ holds data_batch_1..5.bin and test_batch.bin.");
            var length = new FileInfo(path).Length;
            if (length != BatchBytes)
                throw new DataFormatException($"{path}: is {length} bytes, expected {BatchBytes} (10000 records of 3073 bytes); extract the archive again.");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            batches.Fill(Batches.Slot(name)!.Value, path, span =>
            {
                if (BoundedRead.ReadUpTo(stream, span) < span.Length)
                    throw new DataFormatException($"{path}: ended early while reading; extract the archive again.");
            });
        }
        var meta = Path.Combine(folder, "batches.meta.txt");
        if (File.Exists(meta) && new FileInfo(meta).Length <= 4096)
            batches.SetClassNames(File.ReadAllBytes(meta));
        return batches.Build();
    }

    public delegate void SpanFiller(Span<byte> destination);

    /// <summary>Collects batches arriving in any order and splits records into label and pixel arrays.</summary>
    private sealed class Batches(string source)
    {
        private const int TestSlot = TrainBatches;
        // The 180 MB of buffers are allocated when the first batch arrives, not up front: an archive without a
        // well-sized batch entry (a hostile or damaged one) is refused without costing that memory.
        private byte[] trainPixels = [], trainLabels = [], testPixels = [], testLabels = [], record = [];
        private readonly bool[] seen = new bool[TrainBatches + 1];
        private IReadOnlyList<string> classNames = DefaultClassNames;

        public static int? Slot(string fileName) => fileName switch
        {
            "test_batch.bin" => TestSlot,
            _ when fileName.StartsWith("data_batch_", StringComparison.Ordinal) && fileName.EndsWith(".bin", StringComparison.Ordinal)
                   && int.TryParse(fileName.AsSpan(11, fileName.Length - 15), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k)
                   && k is >= 1 and <= TrainBatches => k - 1,
            _ => null,
        };

        public void Fill(int slot, string name, SpanFiller fill)
        {
            if (seen[slot]) throw new DataFormatException($"{source}: {name} appears twice; download the archive again.");
            if (record.Length == 0)
            {
                record = new byte[BatchBytes];
                trainPixels = new byte[TrainBatches * RecordsPerBatch * ImageBytes];
                trainLabels = new byte[TrainBatches * RecordsPerBatch];
                testPixels = new byte[RecordsPerBatch * ImageBytes];
                testLabels = new byte[RecordsPerBatch];
            }
            fill(record);
            var (pixels, labels, first) = slot == TestSlot ? (testPixels, testLabels, 0) : (trainPixels, trainLabels, slot * RecordsPerBatch);
            for (var r = 0; r < RecordsPerBatch; r++)
            {
                var label = record[(long)r * RecordBytes];
                if (label >= 10)
                    throw new DataFormatException($"{source}: {name} record {r} has label {label}, outside 0..9; the file is damaged, download it again.");
                labels[first + r] = label;
                record.AsSpan(r * RecordBytes + 1, ImageBytes).CopyTo(pixels.AsSpan((first + r) * ImageBytes, ImageBytes));
            }
            seen[slot] = true;
        }

        public void SetClassNames(byte[] meta)
        {
            var names = Encoding.UTF8.GetString(meta).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            if (names.Length != 10)
                throw new DataFormatException($"{source}: batches.meta.txt lists {names.Length} class names, expected 10; download the archive again.");
            classNames = names;
        }

        public (ImageSet Train, ImageSet Test) Build()
        {
            var missing = Enumerable.Range(0, seen.Length).Where(i => !seen[i])
                .Select(i => i == TestSlot ? "test_batch.bin" : $"data_batch_{i + 1}.bin").ToArray();
            if (missing.Length > 0)
                throw new DataFormatException($"{source}: {FolderName}/{string.Join(", ", missing)} missing; download the official {ArchiveName} again.");
            return (new ImageSet(trainPixels, trainLabels, TrainBatches * RecordsPerBatch, 3, Side, Side, classNames),
                    new ImageSet(testPixels, testLabels, RecordsPerBatch, 3, Side, Side, classNames));
        }
    }
}

/// <summary>A read-only view of a stream that fails with <see cref="DataFormatException"/> past <paramref name="limit"/> bytes.</summary>
internal sealed class CappedStream(Stream inner, long limit, string name) : Stream
{
    private long read;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, limit + 1 - read)]);
        read += n;
        if (read > limit)
            throw new DataFormatException($"{name}: decompresses to more than {limit} bytes, far beyond the real archive; download the official one again.");
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
