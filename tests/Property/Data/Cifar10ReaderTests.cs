using System.IO.Compression;
using System.Text;
using Norms.Data;
using Xunit;
using static Norms.Property.Tests.Data.DataFixtures;

namespace Norms.Property.Tests.Data;

public sealed class Cifar10ReaderTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private const string Dir = Cifar10Reader.FolderName;

    /// <summary>A full-size batch whose label and pixels are a known function of (batch, record, byte).</summary>
    private static byte[] Batch(int batch)
    {
        var data = new byte[Cifar10Reader.BatchBytes];
        for (var r = 0; r < Cifar10Reader.RecordsPerBatch; r++)
        {
            var offset = r * Cifar10Reader.RecordBytes;
            data[offset] = (byte)((r + batch) % 10);
            // Constant per record, so the gzip stays fast; three spot values make each plane distinct.
            data.AsSpan(offset + 1, Cifar10Reader.ImageBytes).Fill((byte)(r * 7 + batch));
            data[offset + 1] = (byte)batch;
            data[offset + 1 + 1024] = 200;
            data[offset + 3072] = (byte)(r % 256);
        }
        return data;
    }

    private static void CheckRecord(ImageSet set, int index, int batch, int r)
    {
        Assert.Equal((r + batch) % 10, set.Labels[index]);
        var image = set.Image(index);
        Assert.Equal((byte)batch, image[0]);
        Assert.Equal((byte)(r * 7 + batch), image[1]);
        Assert.Equal(200, image[1024]);
        Assert.Equal((byte)(r % 256), image[3071]);
    }

    private static void CheckSplits(ImageSet train, ImageSet test)
    {
        Assert.Equal((50_000, 3, 32, 32), (train.Count, train.Channels, train.Height, train.Width));
        Assert.Equal(10_000, test.Count);
        foreach (var (batch, r) in new[] { (1, 0), (1, 9999), (3, 17), (5, 9999) })
            CheckRecord(train, (batch - 1) * 10_000 + r, batch, r);
        CheckRecord(test, 4321, 6, 4321);
    }

    [Fact]
    public void Archive_is_streamed_in_any_entry_order_and_folder_reads_the_same()
    {
        var names = new[] { "batches.meta.txt", "data_batch_4.bin", "test_batch.bin", "data_batch_2.bin", "data_batch_1.bin", "data_batch_5.bin", "data_batch_3.bin" };
        var archive = Path.Combine(temp.Path, Cifar10Reader.ArchiveName);
        using (var file = File.Create(archive))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
        {
            WriteTar(gz, [new TarEntrySpec(Dir + "/", [], '5'), new TarEntrySpec(Dir + "/readme.html", Encoding.UTF8.GetBytes("<html/>"))], endBlocks: false);
            foreach (var name in names)
            {
                var data = name == "batches.meta.txt"
                    ? Encoding.UTF8.GetBytes("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n")
                    : Batch(name == "test_batch.bin" ? 6 : name[11] - '0');
                WriteTar(gz, [new TarEntrySpec(Dir + "/" + name, data)], endBlocks: name == names[^1]);
            }
        }
        var (train, test) = Cifar10Reader.Read(archive);
        CheckSplits(train, test);
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], train.ClassNames);

        for (var b = 1; b <= 5; b++) temp.File($"x/{Dir}/data_batch_{b}.bin", Batch(b));
        temp.File($"x/{Dir}/test_batch.bin", Batch(6));
        var (folderTrain, folderTest) = Cifar10Reader.Read(Path.Combine(temp.Path, "x"));
        CheckSplits(folderTrain, folderTest);
        Assert.Equal(Cifar10Reader.DefaultClassNames, folderTrain.ClassNames);
        Assert.Equal(train.Pixels, folderTrain.Pixels);
    }

    private static string Rejection(IEnumerable<TarEntrySpec> entries) =>
        Assert.IsType<DataFormatException>(Record.Exception(() => Cifar10Reader.ReadArchive(new MemoryStream(Tar(entries)), "x.tar.gz"))).Message;

    [Fact]
    public void Wrong_batch_size_missing_batches_and_bad_labels_are_rejected()
    {
        Assert.Contains("30730000", Rejection([new TarEntrySpec(Dir + "/data_batch_1.bin", new byte[3073])]));
        Assert.Contains("test_batch.bin", Rejection([new TarEntrySpec(Dir + "/other.bin", [1])]));
        var bad = Batch(1);
        bad[3073 * 5] = 10;
        Assert.Contains("label 10", Rejection([new TarEntrySpec(Dir + "/data_batch_1.bin", bad)]));
        Assert.Contains("symbolic link", Rejection([new TarEntrySpec(Dir + "/data_batch_1.bin", [], '2', LinkName: "/dev/zero")]));
        Assert.Contains("..", Rejection([new TarEntrySpec("../" + Dir + "/data_batch_1.bin", [1])]));
    }

    [Fact]
    public void A_damaged_gzip_archive_is_a_data_format_exception()
    {
        var gz = Gzip(Tar([new TarEntrySpec(Dir + "/batches.meta.txt", Encoding.UTF8.GetBytes("a\nb"))]));
        var path = temp.File(Cifar10Reader.ArchiveName, gz[..(gz.Length / 2)]);
        Assert.IsType<DataFormatException>(Record.Exception(() => Cifar10Reader.Read(path)));
        var wrongSize = temp.File($"f/{Dir}/data_batch_1.bin", new byte[100]);
        Assert.Contains(wrongSize, Assert.Throws<DataFormatException>(() => Cifar10Reader.ReadFolder(Path.GetDirectoryName(wrongSize)!)).Message);
    }
}
