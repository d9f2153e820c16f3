using Norms.Models;
using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Xunit;

namespace Norms.Property.Tests.Data;

public sealed class IdxReaderProperties : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>A random small image set: count, height, width, class count, pixels, labels, and whether to gzip.</summary>
    public sealed record Sample(int Count, int Height, int Width, int Classes, byte[] Pixels, byte[] Labels, bool Gzip)
    {
        public override string ToString() => $"{Count}x{Height}x{Width}, {Classes} classes, gzip={Gzip}";
    }

    private static readonly Gen<Sample> Samples =
        from count in Gen.Choose(1, 20)
        from height in Gen.Choose(1, 12)
        from width in Gen.Choose(1, 12)
        from classes in Gen.Choose(1, 20)
        from pixels in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), count * height * width)
        from labels in Gen.ArrayOf(Gen.Choose(0, classes - 1).Select(b => (byte)b), count)
        from gzip in Gen.Elements(false, true)
        select new Sample(count, height, width, classes, pixels, labels, gzip);

    private (string Images, string Labels) Write(Sample s, string tag)
    {
        var images = DataFixtures.IdxImages(s.Pixels, s.Count, s.Height, s.Width);
        var labels = DataFixtures.IdxLabels(s.Labels);
        return (temp.File(tag + "-images", s.Gzip ? DataFixtures.Gzip(images) : images),
                temp.File(tag + "-labels", s.Gzip ? DataFixtures.Gzip(labels) : labels));
    }

    private static void Run<T>(Gen<T> gen, Action<T> body, int tests = 60) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(tests), Prop.ForAll(gen.ToArbitrary(), body));

    [Fact]
    public void Valid_files_parse_back_exactly()
    {
        Run(Samples, s =>
        {
            var (images, labels) = Write(s, Guid.NewGuid().ToString("N"));
            var set = IdxReader.ReadPair(images, labels, IdxFolder.DigitClassNames(s.Classes));
            Assert.Equal((s.Count, 1, s.Height, s.Width), (set.Count, set.Channels, set.Height, set.Width));
            Assert.Equal(s.Pixels, set.Pixels);
            Assert.Equal(s.Labels, set.Labels);
            Assert.Equal(s.Classes, set.ClassCount);
        });
    }

    [Fact]
    public void Truncated_files_are_rejected_with_the_typed_exception()
    {
        var gen = from s in Samples from fraction in Gen.Choose(0, 999) from labelsFile in Gen.Elements(false, true) select (s, fraction, labelsFile);
        Run(gen, t =>
        {
            var (s, fraction, labelsFile) = t;
            var raw = labelsFile ? DataFixtures.IdxLabels(s.Labels) : DataFixtures.IdxImages(s.Pixels, s.Count, s.Height, s.Width);
            var full = s.Gzip ? DataFixtures.Gzip(raw) : raw;
            var cut = full[..(int)((long)full.Length * fraction / 1000)];
            var path = temp.File(Guid.NewGuid().ToString("N"), cut);
            var e = Record.Exception(() => { if (labelsFile) IdxReader.ReadLabels(path, s.Classes); else IdxReader.ReadImages(path); });
            Assert.IsType<DataFormatException>(e);
            Assert.Contains(path, e.Message);
        });
    }

    [Fact]
    public void Header_byte_flips_are_rejected()
    {
        var gen = from s in Samples from labelsFile in Gen.Elements(false, true) from position in Gen.Choose(0, 15) from mask in Gen.Choose(1, 255)
                  select (s, labelsFile, position, mask);
        Run(gen, t =>
        {
            var (s, labelsFile, position, mask) = t;
            var raw = labelsFile ? DataFixtures.IdxLabels(s.Labels) : DataFixtures.IdxImages(s.Pixels, s.Count, s.Height, s.Width);
            raw[position % (labelsFile ? 8 : 16)] ^= (byte)mask;
            var path = temp.File(Guid.NewGuid().ToString("N"), s.Gzip ? DataFixtures.Gzip(raw) : raw);
            var e = Record.Exception(() => { if (labelsFile) IdxReader.ReadLabels(path, 256); else IdxReader.ReadImages(path); });
            Assert.IsType<DataFormatException>(e);
        });
    }

    [Fact]
    public void Random_corruption_of_a_gzip_file_is_rejected_or_harmless()
    {
        // Flips in gzip metadata (timestamp, OS byte) change nothing we read; everything else must be caught.
        var gen = from s in Samples from position in Gen.Choose(0, int.MaxValue) from mask in Gen.Choose(1, 255) select (s, position, mask);
        Run(gen, t =>
        {
            var (s, position, mask) = t;
            var gz = DataFixtures.Gzip(DataFixtures.IdxImages(s.Pixels, s.Count, s.Height, s.Width));
            gz[position % gz.Length] ^= (byte)mask;
            var path = temp.File(Guid.NewGuid().ToString("N"), gz);
            try
            {
                var images = IdxReader.ReadImages(path);
                Assert.Equal(s.Pixels, images.Pixels);
            }
            catch (DataFormatException)
            {
            }
        }, tests: 150);
    }

    [Fact]
    public void Wrong_magic_is_rejected_and_named()
    {
        var gen = from s in Samples from magic in Gen.Choose(int.MinValue, int.MaxValue).Where(m => m != IdxReader.ImagesMagic) select (s, magic);
        Run(gen, t =>
        {
            var raw = DataFixtures.IdxImages(t.s.Pixels, t.s.Count, t.s.Height, t.s.Width);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(raw, t.magic);
            var path = temp.File(Guid.NewGuid().ToString("N"), raw);
            var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
            Assert.Contains("magic", e.Message);
        });
    }

    [Fact]
    public void Labels_file_given_as_images_is_rejected()
    {
        var path = temp.File("labels-as-images", DataFixtures.IdxLabels(new byte[20]));
        Assert.Contains("2051", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path)).Message);
    }

    [Fact]
    public void Count_mismatch_between_images_and_labels_is_rejected()
    {
        var gen = from s in Samples from extra in Gen.Choose(1, 5) from fewer in Gen.Elements(false, true) select (s, extra, fewer);
        Run(gen, t =>
        {
            var (s, extra, fewer) = t;
            var images = temp.File(Guid.NewGuid().ToString("N"), DataFixtures.IdxImages(s.Pixels, s.Count, s.Height, s.Width));
            var n = fewer ? Math.Max(0, s.Count - extra) : s.Count + extra;
            if (n == 0) n = s.Count + extra;
            var labels = temp.File(Guid.NewGuid().ToString("N"), DataFixtures.IdxLabels(new byte[n]));
            var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadPair(images, labels, IdxFolder.DigitClassNames(10)));
            Assert.Contains("labels", e.Message);
        });
    }

    [Fact]
    public void Label_out_of_range_is_rejected()
    {
        var gen = from s in Samples from bad in Gen.Choose(0, 255) from at in Gen.Choose(0, 1000) select (s, bad, at);
        Run(gen, t =>
        {
            var (s, bad, at) = t;
            if (bad < s.Classes) bad = s.Classes + bad % (256 - s.Classes);
            var labels = (byte[])s.Labels.Clone();
            labels[at % labels.Length] = (byte)bad;
            var path = temp.File(Guid.NewGuid().ToString("N"), DataFixtures.IdxLabels(labels));
            var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path, s.Classes));
            Assert.Contains($"label {bad}", e.Message);
        });
    }

    [Fact]
    public void A_header_claiming_gigabytes_costs_no_memory()
    {
        // 60000 x 4096 x 4096 images would be 1 TB; the file is 16 bytes.
        var raw = DataFixtures.IdxImages([], 0, 0, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4), 60000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(8), 4096);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(12), 4096);
        foreach (var content in new[] { raw, DataFixtures.Gzip(raw) })
        {
            var path = temp.File(Guid.NewGuid().ToString("N"), content);
            var bytes = DataFixtures.AllocatedBy(() => Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path)));
            Assert.True(bytes < 4_000_000, $"allocated {bytes} bytes");
        }
        // 1000 x 1000 x 1000 = 1e9 bytes is under the limit, yet a 1 MB payload must not make us allocate 1 GB.
        var claims = DataFixtures.IdxImages(new byte[1_000_000], 1, 1000, 1000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(claims.AsSpan(4), 1000);
        var gzPath = temp.File("claims.gz", DataFixtures.Gzip(claims));
        var allocated = DataFixtures.AllocatedBy(() => Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(gzPath)));
        Assert.True(allocated < 16_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_gzip_bomb_is_cut_off_at_the_declared_size()
    {
        // Declares 4 images of 2x2 (16 bytes) but decompresses to 64 MB of zeros.
        var header = DataFixtures.IdxImages(new byte[16], 4, 2, 2);
        var bomb = new byte[header.Length + (64 << 20)];
        header.CopyTo(bomb, 0);
        var path = temp.File("bomb.gz", DataFixtures.Gzip(bomb));
        DataFormatException? e = null;
        var allocated = DataFixtures.AllocatedBy(() => e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path)));
        Assert.Contains("beyond", e!.Message);
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Missing_file_is_a_data_exception_naming_the_path()
    {
        var path = Path.Combine(temp.Path, "nope");
        var e = Assert.Throws<DataUnavailableException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_folder_with_the_four_files_raw_or_gz_is_a_dataset()
    {
        var folder = Path.Combine(temp.Path, "set");
        var rng = new Random(7);
        byte[] Bytes(int n, int max) { var b = new byte[n]; for (var i = 0; i < n; i++) b[i] = (byte)rng.Next(max); return b; }
        var trainPixels = Bytes(5 * 3 * 4, 256);
        var testPixels = Bytes(2 * 3 * 4, 256);
        temp.File("set/train-images-idx3-ubyte.gz", DataFixtures.Gzip(DataFixtures.IdxImages(trainPixels, 5, 3, 4)));
        temp.File("set/train-labels-idx1-ubyte", DataFixtures.IdxLabels(Bytes(5, 3)));
        temp.File("set/t10k-images-idx3-ubyte", DataFixtures.IdxImages(testPixels, 2, 3, 4));
        Assert.Contains("t10k-labels-idx1-ubyte", Assert.Throws<DataUnavailableException>(() => IdxFolder.Read(folder, 3)).Message);
        temp.File("set/t10k-labels-idx1-ubyte.gz", DataFixtures.Gzip(DataFixtures.IdxLabels(Bytes(2, 3))));
        var dataset = DatasetLoader.Load(DatasetSource.TryParse("idx:" + folder)!, temp.Path, downloader: null);
        Assert.Equal(5, dataset.Train.Count);
        Assert.Equal(2, dataset.Test.Count);
        Assert.Equal(trainPixels, dataset.Train.Pixels);
        Assert.Equal(1, dataset.Stats.Channels);
    }
}
