using System.Text;
using FsCheck.Fluent;
using Norms.Data;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Generators;

namespace Norms.Property.Tests.Reliability;

/// <summary>Corrupt and hostile files given to the CLI end to end: exit 2 and one line on stderr, never a stack trace.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class CliInputTests : IDisposable
{
    private const string Name = "mnist-bn-l1-l2";
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string[] RunArgs(string data, string outDir, params string[] extra) =>
        ["run", Name, "--dataset", "idx:" + data, "--out", outDir, "--epochs", "1", "--batch-size", "16", "--threads", "1", "--no-progress", .. extra];

    /// <summary>`run a b` where a fails (an unreadable checkpoint under --resume) goes on with b: one error line for a, b trains,
    /// the closing table says failed, and the exit code is the mistake's, 2.</summary>
    [Fact]
    public void A_failing_run_is_one_line_and_the_next_one_still_runs()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var outDir = Path.Combine(temp.Path, "out");
        Directory.CreateDirectory(Path.Combine(outDir, Name));
        File.WriteAllText(Path.Combine(outDir, Name, "checkpoint.nta"), "not an archive");
        using var p = CliProcess.Run(["run", Name, "mnist-gn", "--dataset", "idx:" + data, "--out", outDir, "--epochs", "1", "--batch-size", "16",
            "--threads", "1", "--no-progress", "--resume"]);
        Assert.Equal(2, p.ExitCode);
        var error = Assert.Single(p.Err, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("checkpoint.nta", error);
        Assert.DoesNotContain(p.Err, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // no stack trace
        Assert.Contains(p.Out, l => l.StartsWith(Name, StringComparison.Ordinal) && l.TrimEnd().EndsWith("failed", StringComparison.Ordinal));
        Assert.Contains(p.Out, l => l.StartsWith("mnist-gn ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("completed", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(outDir, "mnist-gn", "result.json")));
    }

    /// <summary>A spec that names a path instead of a name is refused before anything is written.</summary>
    [Fact]
    public void A_spec_whose_name_is_a_path_writes_nothing()
    {
        var outDir = Path.Combine(temp.Path, "deep", "out");
        var spec = temp.File("climb.json", Encoding.UTF8.GetBytes(
            "{\"name\": \"../../escaped\", \"dataset\": \"mnist\", \"model\": \"mnist8k\", \"norm\": {\"kind\": \"batch\"}, " +
            "\"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.01}, \"schedule\": {\"kind\": \"constant\"}, \"epochs\": 1}"));
        using var p = CliProcess.Run(["run", "--spec", spec, "--out", outDir, "--no-progress"]);
        var line = InProcessCli.AssertOneLineUserError((p.ExitCode, string.Join('\n', p.Out), string.Join('\n', p.Err)));
        Assert.Contains("$.name", line);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "escaped")));
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>The built executable as a user runs it, on each kind of bad input.</summary>
    [Fact]
    public void The_executable_answers_corrupt_inputs_with_exit_2_and_one_line()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var outDir = Path.Combine(temp.Path, "out");
        using (var ok = CliProcess.Run(RunArgs(data, outDir)))
            Assert.True(ok.ExitCode == 0, string.Join('\n', ok.Err));

        var truncated = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "truncated"), 48, 16);
        var images = Path.Combine(truncated, IdxFolder.TrainImages + ".gz");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..200]);

        var hostileRoot = Path.Combine(temp.Path, "hostile");
        Directory.CreateDirectory(Path.Combine(hostileRoot, "cifar-10"));
        File.WriteAllBytes(Path.Combine(hostileRoot, "cifar-10", Cifar10Reader.ArchiveName),
            DataFixtures.Gzip(DataFixtures.Tar([new DataFixtures.TarEntrySpec("../../../tmp/evil", Encoding.ASCII.GetBytes("x"))])));

        var spec = temp.File("bad-spec.json", Encoding.UTF8.GetBytes("{\"name\": \"x\", \"epochs\": 1e999"));
        var tensor = temp.File("bad-tensor.json", Encoding.UTF8.GetBytes("{\"shape\": [65536, 65536, 65536, 65536], \"data\": []}"));
        var checkpoint = Path.Combine(outDir, Name, "checkpoint.nta");
        var bytes = File.ReadAllBytes(checkpoint);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(checkpoint, bytes);

        var cases = new (string[] Args, string Expected)[]
        {
            (RunArgs(truncated, Path.Combine(temp.Path, "o1")), IdxFolder.TrainImages),
            (["run", "cifar10-bn", "--data-dir", hostileRoot, "--out", Path.Combine(temp.Path, "o2"), "--no-progress"], "climbs out"),
            (["run", "--spec", spec, "--out", Path.Combine(temp.Path, "o3")], "bad-spec.json"),
            (["explain", "--input", tensor], "bad-tensor.json"),
            (RunArgs(data, outDir, "--resume"), "checkpoint.nta"),
        };
        foreach (var (args, expected) in cases)
        {
            using var p = CliProcess.Run(args);
            var line = InProcessCli.AssertOneLineUserError((p.ExitCode, string.Join('\n', p.Out), string.Join('\n', p.Err)));
            Assert.Contains(expected, line);
        }
    }

    /// <summary>Inputs that never end (a device) cannot hang or exhaust the CLI: reads are capped.</summary>
    [Fact]
    public void Endless_inputs_are_refused_with_one_line()
    {
        if (!File.Exists("/dev/zero")) return;
        Assert.Contains("more than", InProcessCli.AssertOneLineUserError(InProcessCli.Run("run", "--spec", "/dev/zero")));
        Assert.Contains("more than", InProcessCli.AssertOneLineUserError(InProcessCli.Run("explain", "--input", "/dev/zero")));
    }

    /// <summary>A gzip bomb: a small archive that decompresses to more than a real CIFAR-10 tar (skipped entries of zeros)
    /// is cut off at <see cref="Cifar10Reader.MaxArchiveBytes"/> with one line, in seconds and without memory growth.</summary>
    [Fact]
    public void A_cifar_gzip_bomb_is_cut_off()
    {
        var path = Path.Combine(temp.Path, Cifar10Reader.ArchiveName);
        using (var file = File.Create(path))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 10; i++)
            {
                gzip.Write(DataFixtures.TarHeader($"cifar-10-batches-bin/filler{i}", 29L << 20, '0'));
                for (var m = 0; m < 29; m++) gzip.Write(zeros);
            }
        }
        var length = new FileInfo(path).Length;
        Assert.True(length < 16 << 20, $"the bomb is {length} bytes"); // vs 290 MB decompressed
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Fuzz.ExpectOnly<DataFormatException>(() => Cifar10Reader.ReadArchive(path), 8 << 20, "bomb");
        Assert.Contains("decompresses to more than", Assert.IsType<DataFormatException>(error).Message);
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Random corruptions of a dataset's files: the run either trains (the damage was in pixel values) or stops
    /// with exit 2 and one line.</summary>
    [Fact]
    public void Randomly_corrupted_datasets_either_train_or_fail_with_one_line()
    {
        var clean = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "clean"), 32, 16);
        var gen = from file in Gen.Elements(IdxFolder.FileNames.ToArray()) from mutations in Fuzz.Mutations select (file, mutations);
        var trial = 0;
        Props.ForAll(gen, c =>
        {
            var folder = Path.Combine(temp.Path, $"case{trial++}");
            Directory.CreateDirectory(folder);
            foreach (var f in Directory.GetFiles(clean)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            var target = Path.Combine(folder, c.file + ".gz");
            // Half the cases corrupt the decompressed idx (then re-gzip), half the gzip bytes themselves.
            var raw = DataFixtures.Gunzip(File.ReadAllBytes(target));
            File.WriteAllBytes(target, trial % 2 == 0 ? DataFixtures.Gzip(Fuzz.Apply(raw, c.mutations)) : Fuzz.Apply(File.ReadAllBytes(target), c.mutations));
            var r = InProcessCli.Run(RunArgs(folder, Path.Combine(folder, "out")));
            if (r.Exit != 0) InProcessCli.AssertOneLineUserError(r);
        }, maxTest: 25);
    }
}
