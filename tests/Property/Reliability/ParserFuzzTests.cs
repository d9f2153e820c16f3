using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Norms.Training;
using Norms.Models;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Generators;
using Norms.Torch;
using Norms.Torch.Serialization;

namespace Norms.Property.Tests.Reliability;

/// <summary>
/// Every parser of outside input, fed valid files with random corruptions (see <see cref="Mutation"/>): each case either
/// parses or throws the parser's documented, one-line error type; never another exception, never a hang, and never a
/// managed allocation far beyond the input's size (which is what trusting a corrupt header's size would cost).
/// </summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class ParserFuzzTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    // Bounds on managed allocation per case: the parsers copy the input a few times (file read, decompression buffers of
    // 1 MiB, UTF-16 strings), so a few times the input plus a couple of MiB is the honest ceiling; a trusted header
    // declaring gigabytes would blow far past it.
    private static long Bound(byte[] input) => 16L * input.Length + (4 << 20);

    private static readonly byte[] Pixels = Enumerable.Range(0, 6 * 5 * 4).Select(i => (byte)(i * 37)).ToArray();

    [Fact]
    public void Idx_images_and_labels_raw_or_gzipped_fail_only_with_DataException()
    {
        var valid = new[]
        {
            (Images: true, Bytes: DataFixtures.IdxImages(Pixels, 6, 5, 4)),
            (Images: false, Bytes: DataFixtures.IdxLabels([0, 1, 2, 3, 4, 5])),
        };
        var gen = from which in Gen.Choose(0, 1) from gzip in Gen.Elements(false, true) from mutations in Fuzz.Mutations
                  select (which, gzip, mutations);
        Props.ForAll(gen, c =>
        {
            var (images, raw) = valid[c.which];
            // Corrupt the raw bytes and gzip them (a damaged content) or corrupt the gzip itself (a damaged download).
            var bytes = c.gzip ? Fuzz.Apply(DataFixtures.Gzip(raw), c.mutations) : Fuzz.Apply(raw, c.mutations);
            var path = temp.File(c.gzip ? "x.gz" : "x", bytes);
            Fuzz.ExpectOnly<DataException>(() =>
            {
                if (images) IdxReader.ReadImages(path);
                else IdxReader.ReadLabels(path);
            }, Bound(bytes), $"idx {(images ? "images" : "labels")} {(c.gzip ? "gz" : "raw")} {string.Join(", ", c.mutations.AsEnumerable())}");
        }, maxTest: 150);
    }

    [Fact]
    public void Idx_headers_declaring_huge_sizes_are_refused_without_allocating_them()
    {
        var gen = from dim in Gen.Choose(0, 2) from big in Gen.Elements(0x7FFFFFFFu, 0xFFFFFFFFu, 0x40000000u, 100_000u)
                  from gzip in Gen.Elements(false, true) select (dim, big, gzip);
        Props.ForAll(gen, c =>
        {
            var raw = DataFixtures.IdxImages(Pixels, 6, 5, 4);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(4 + 4 * c.dim), c.big);
            var bytes = c.gzip ? DataFixtures.Gzip(raw) : raw;
            var path = temp.File("huge", bytes);
            Assert.NotNull(Fuzz.ExpectOnly<DataFormatException>(() => IdxReader.ReadImages(path), Bound(bytes), $"dim {c.dim} = {c.big}"));
        }, maxTest: 24);
    }

    /// <summary>A small archive shaped like CIFAR-10's (its folder, meta file, a pax header, a readme) but without the
    /// 30 MB batches: corrupted, it must fail with a DataException, whether the damage is in the tar or the gzip.</summary>
    [Fact]
    public void Cifar_archives_and_the_tar_reader_fail_only_with_DataException()
    {
        var meta = Encoding.ASCII.GetBytes(string.Join("\n", Cifar10Reader.DefaultClassNames) + "\n");
        var tar = DataFixtures.Tar(
        [
            new DataFixtures.TarEntrySpec("cifar-10-batches-bin/", [], '5'),
            DataFixtures.Pax(("path", "cifar-10-batches-bin/batches.meta.txt")),
            new DataFixtures.TarEntrySpec("placeholder", meta),
            new DataFixtures.TarEntrySpec("cifar-10-batches-bin/readme.html", Encoding.ASCII.GetBytes("<html>CIFAR</html>")),
            new DataFixtures.TarEntrySpec("cifar-10-batches-bin/data_batch_1.bin", new byte[700], DeclaredSize: 700),
        ]);
        var gen = from gzip in Gen.Elements(false, true) from mutations in Fuzz.Mutations select (gzip, mutations);
        Props.ForAll(gen, c =>
        {
            var bytes = c.gzip ? Fuzz.Apply(DataFixtures.Gzip(tar), c.mutations) : DataFixtures.Gzip(Fuzz.Apply(tar, c.mutations));
            var path = temp.File(Cifar10Reader.ArchiveName, bytes);
            var label = $"cifar {(c.gzip ? "gz" : "tar")} {string.Join(", ", c.mutations.AsEnumerable())}";
            // The archive has no real batches, so it can never be accepted.
            Assert.NotNull(Fuzz.ExpectOnly<DataException>(() => Cifar10Reader.ReadArchive(path), Bound(bytes), label));
            if (!c.gzip)
            {
                var raw = Fuzz.Apply(tar, c.mutations);
                Fuzz.ExpectOnly<DataFormatException>(() => ReadAll(raw), Bound(raw), "tar " + label);
            }
        }, maxTest: 150);
    }

    private static void ReadAll(byte[] tar)
    {
        var reader = new SafeTarReader(new MemoryStream(tar), "fuzz.tar", 1 << 20);
        while (reader.Next() is { } item)
        {
            // Read the data of half the entries and skip the rest: both paths must stay safe.
            if (item.Size % 2 == 0) reader.ReadData(new byte[item.Size]);
        }
    }

    [Theory]
    [InlineData("../../etc/passwd", '0', "climbs out")]
    [InlineData("cifar-10-batches-bin/../../x", '0', "climbs out")]
    [InlineData("/etc/cron.d/x", '0', "absolute")]
    [InlineData("cifar-10-batches-bin/data_batch_1.bin", '2', "symbolic link")]
    [InlineData("cifar-10-batches-bin/data_batch_1.bin", '1', "hard link")]
    [InlineData("cifar-10-batches-bin/dev", '3', "entry type")]
    public void Hostile_cifar_archives_are_refused_with_one_line(string name, char type, string expected)
    {
        var tar = DataFixtures.Tar([new DataFixtures.TarEntrySpec(name, [], type, LinkName: type is '1' or '2' ? "/etc/passwd" : "")]);
        var path = temp.File(Cifar10Reader.ArchiveName, DataFixtures.Gzip(tar));
        var error = Assert.IsType<DataFormatException>(Fuzz.ExpectOnly<DataFormatException>(() => Cifar10Reader.ReadArchive(path), 1 << 22, name));
        Assert.Contains(expected, error.Message);
    }

    /// <summary>Names from hostile files end up in messages: a newline in them must not break the one-line rule.</summary>
    [Fact]
    public void Names_with_control_characters_give_one_line_errors()
    {
        var tar = DataFixtures.Tar([new DataFixtures.TarEntrySpec("a\nerror: fake\r/../x", [])]);
        var path = temp.File(Cifar10Reader.ArchiveName, DataFixtures.Gzip(tar));
        Assert.NotNull(Fuzz.ExpectOnly<DataFormatException>(() => Cifar10Reader.ReadArchive(path), 1 << 22, "tar name"));

        using var t = Tensor.FromArray(new float[] { 1 }, 1);
        using var ms = new MemoryStream();
        TensorArchive.Write(ms, [("bad\nname", t)]);
        Assert.NotNull(Fuzz.ExpectOnly<TensorArchiveException>(() => TensorArchive.Read(ms.ToArray()), 1 << 22, "archive name"));
    }

    [Fact]
    public void A_cifar_batch_declaring_an_absurd_size_is_refused_before_reading()
    {
        var header = DataFixtures.TarHeader("cifar-10-batches-bin/data_batch_1.bin", 0, '0');
        "77777777777\0"u8.CopyTo(header.AsSpan(124)); // 8 GiB declared, no data behind it
        for (var i = 148; i < 156; i++) header[i] = (byte)' ';
        var sum = header.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        var path = temp.File(Cifar10Reader.ArchiveName, DataFixtures.Gzip([.. header, .. new byte[1024]]));
        var error = Fuzz.ExpectOnly<DataFormatException>(() => Cifar10Reader.ReadArchive(path), 1 << 22, "8 GiB entry");
        Assert.Contains("limit", Assert.IsType<DataFormatException>(error).Message);
    }

    private static readonly string SpecJson = ExperimentSpecJson.Serialize(BuiltInExperiments.Find("mnist-bn-l1-l2")!);

    [Property(Arbitrary = new[] { typeof(FuzzMutations) }, MaxTest = 200)]
    public void Experiment_specs_never_throw_and_report_errors_as_lines(Mutation[] mutations)
    {
        var bytes = Encoding.UTF8.GetBytes(SpecJson);
        var text = Encoding.UTF8.GetString(Fuzz.Apply(bytes, mutations));
        ExperimentParseResult? parsed = null;
        Fuzz.ExpectOnly<NeverThrown>(() => parsed = ExperimentSpecJson.Parse(text), Bound(bytes), "spec " + string.Join(", ", mutations.AsEnumerable()));
        Assert.True(parsed!.IsValid || parsed.Errors.Count > 0);
        Assert.All(parsed.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Theory]
    [InlineData("\"epochs\": 1e400")]
    [InlineData("\"epochs\": 99999999999999999999")]
    [InlineData("\"epochs\": -2147483648")]
    [InlineData("\"batch_size\": 2147483647")]
    [InlineData("\"l1\": 1e308")]
    [InlineData("\"l1\": \"NaN\"")]
    [InlineData("\"seed\": -1")]
    public void Experiment_specs_with_extreme_numbers_are_errors_not_crashes(string field)
    {
        var key = field[..field.IndexOf(':')];
        var lines = SpecJson.Split('\n').Select(l => l.TrimStart().StartsWith(key, StringComparison.Ordinal) ? "  " + field + (l.TrimEnd().EndsWith(',') ? "," : "") : l);
        var text = string.Join('\n', lines);
        ExperimentParseResult? parsed = null;
        Fuzz.ExpectOnly<NeverThrown>(() => parsed = ExperimentSpecJson.Parse(text), 1 << 22, field);
        Assert.False(parsed!.IsValid && field.Contains("e400"));
    }

    [Fact]
    public void Deeply_nested_or_huge_specs_are_errors_not_crashes()
    {
        foreach (var text in new[] { new string('[', 100_000), "{\"name\":" + new string('{', 5000), "{\"name\": \"" + new string('x', 1 << 20) + "\"}" })
        {
            ExperimentParseResult? parsed = null;
            Fuzz.ExpectOnly<NeverThrown>(() => parsed = ExperimentSpecJson.Parse(text), 64L << 20, text[..20]);
            Assert.False(parsed!.IsValid);
        }
    }

    private static readonly byte[] TensorJson = Encoding.UTF8.GetBytes(
        "{\"shape\": [2, 3, 2, 2], \"data\": [" + string.Join(", ", Enumerable.Range(0, 24).Select(i => (i * 0.25 - 2).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]}");

    [Property(Arbitrary = new[] { typeof(FuzzMutations) }, MaxTest = 200)]
    public void Explain_input_fails_only_with_FormatException(Mutation[] mutations)
    {
        var text = Encoding.UTF8.GetString(Fuzz.Apply(TensorJson, mutations));
        Fuzz.ExpectOnly<FormatException>(() => TensorFile.Parse(text), Bound(TensorJson), "tensor " + string.Join(", ", mutations.AsEnumerable()));
    }

    [Theory]
    [InlineData("[65536, 65536, 65536, 65536]", "")] // wraps a 64-bit product to 0
    [InlineData("[2147483647, 2147483647, 1, 1]", "1")]
    [InlineData("[1, 1, 1, 2000000]", "1")]
    public void Explain_input_with_huge_shapes_is_refused_before_allocating(string shape, string data)
    {
        var text = $"{{\"shape\": {shape}, \"data\": [{data}]}}";
        Assert.NotNull(Fuzz.ExpectOnly<FormatException>(() => TensorFile.Parse(text), 1 << 22, shape));
    }

    private static byte[] Archive(string metadata = "{\"note\": 1}")
    {
        using var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = Tensor.FromArray(new long[] { 7, 8, 9 }, 3);
        using var ms = new MemoryStream();
        TensorArchive.Write(ms, [("model.a", a), ("b", b)], metadata);
        return ms.ToArray();
    }

    /// <summary>Body mutated and the SHA-256 recomputed, so the structure checks behind the checksum are exercised too.</summary>
    private static byte[] Rehash(byte[] body) => [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];

    [Fact]
    public void Checkpoints_fail_only_with_TensorArchiveException_and_leak_no_tensor()
    {
        var valid = Archive();
        var baseline = LibTorch.LiveTensors;
        var gen = from rehash in Gen.Elements(false, true) from mutations in Fuzz.Mutations select (rehash, mutations);
        Props.ForAll(gen, c =>
        {
            var bytes = c.rehash && valid.Length > 32 ? Rehash(Fuzz.Apply(valid[..^32], c.mutations)) : Fuzz.Apply(valid, c.mutations);
            Fuzz.ExpectOnly<TensorArchiveException>(() =>
            {
                var (tensors, _) = TensorArchive.Read(bytes);
                foreach (var t in tensors.Values) t.Dispose();
            }, Bound(bytes), $"archive rehash={c.rehash} {string.Join(", ", c.mutations.AsEnumerable())}");
            Assert.Equal(baseline, LibTorch.LiveTensors);
        }, maxTest: 250);
    }

    /// <summary>A run folder's checkpoint corrupted on disk: reading it for --resume (metadata, then model, optimizer and
    /// RNG state) fails only with TensorArchiveException, which the CLI turns into one line.</summary>
    [Fact]
    public void Corrupt_run_checkpoints_fail_only_with_TensorArchiveException()
    {
        var spec = BuiltInExperiments.Find("mnist-bn-l1-l2")! with { Epochs = 1, BatchSize = 8 };
        var folder = new RunFolder(Path.Combine(temp.Path, "run"));
        Trainer.Run(spec, SyntheticData.Mnist(16, 8), folder, new TrainingSettings(EngineOptions.Cpu));
        var valid = File.ReadAllBytes(folder.CheckpointFile);
        var metadataStart = 12;
        var metadataLength = BitConverter.ToInt32(valid, 8);
        var baseline = LibTorch.LiveTensors;
        var gen = from place in Gen.Choose(0, 2) from mutations in Fuzz.Mutations select (place, mutations);
        Props.ForAll(gen, c =>
        {
            // 0: anywhere (mostly caught by the checksum); 1: anywhere, checksum recomputed; 2: only the metadata JSON, rehashed.
            var bytes = c.place switch
            {
                0 => Fuzz.Apply(valid, c.mutations),
                1 => Rehash(Fuzz.Apply(valid[..^32], c.mutations)),
                _ => WithMetadata(valid, metadataStart, metadataLength, Fuzz.Apply(valid[metadataStart..(metadataStart + metadataLength)], c.mutations)),
            };
            File.WriteAllBytes(folder.CheckpointFile, bytes);
            var label = $"checkpoint where={c.place} {string.Join(", ", c.mutations.AsEnumerable())}";
            Fuzz.ExpectOnly<TensorArchiveException>(() => folder.ReadCheckpointInfo(), Bound(bytes), label);
            Fuzz.ExpectOnly<TensorArchiveException>(() =>
            {
                using var model = ModelCompiler.Compile(spec.ToModelSpec(), EngineOptions.Cpu, spec.Seed);
                using var optimizer = OptimizerFactory.Create(spec, model.Parameters());
                folder.LoadCheckpoint(model, optimizer);
            }, Bound(bytes) + (16 << 20), label);
            Assert.Equal(baseline, LibTorch.LiveTensors);
        }, maxTest: 120);
    }

    private static byte[] WithMetadata(byte[] archive, int start, int length, byte[] metadata)
    {
        var length32 = BitConverter.GetBytes(metadata.Length);
        var body = archive[..8].Concat(length32).Concat(metadata).Concat(archive[(start + length)..^32]).ToArray();
        return Rehash(body);
    }

    /// <summary>For parsers that report errors as values: no exception type is expected at all.</summary>
    private sealed class NeverThrown : Exception;
}
