using System.Diagnostics;
using System.Text;
using Norms.Training;
using Norms.Results;
using Norms.Models;
using Norms.Property.Tests.Data;
using Norms.Torch;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Reliability;

/// <summary>Full disks, native handles and memory over many epochs.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class ResourceTests(ITestOutputHelper log) : IDisposable
{
    private const string Name = "mnist-bn-l1-l2";
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string[] RunArgs(string data, string outDir, int epochs = 1) =>
        ["run", Name, "--dataset", "idx:" + data, "--out", outDir, "--epochs", epochs.ToString(), "--batch-size", "16", "--threads", "1", "--no-progress"];

    private static bool Exec(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static Dictionary<string, byte[]> Snapshot(RunFolder folder) =>
        new[] { folder.ResultFile, folder.MetricsFile, folder.CheckpointFile }.ToDictionary(f => f, File.ReadAllBytes);

    /// <summary>
    /// A real full disk: a 2 MiB tmpfs (needs root; elsewhere the test says so and checks nothing, except under CI=true).
    /// A run that cannot write says "no space left" in one line naming the folder, and the files of the last completed
    /// run stay byte for byte as they were, with no temporary or lock file left behind; first with the disk completely
    /// full (the lock cannot be written), then with a few pages free (the lock fits, result.json or the checkpoint does not).
    /// </summary>
    [Fact]
    public void A_full_disk_gives_one_line_and_keeps_the_previous_files_intact()
    {
        var mount = Path.Combine(temp.Path, "small-disk");
        Directory.CreateDirectory(mount);
        if (!OperatingSystem.IsLinux() || !Exec("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount))
        {
            global::Norms.Tests.Prerequisite.Missing(log, "cannot mount a tmpfs here (not root?)", "CI must allow mounting one (run as root)");
            return;
        }
        try
        {
            var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 32, 16);
            var outDir = Path.Combine(mount, "out");
            var folder = new RunFolder(Path.Combine(outDir, Name));
            var first = InProcessCli.Run(RunArgs(data, outDir));
            Assert.True(first.Exit == 0, first.Err);
            var before = Snapshot(folder);

            var fillers = Fill(mount);
            foreach (var freePages in new[] { 0, 6 })
            {
                for (var i = 0; i < freePages; i++) File.Delete(fillers[^(i + 1)]);
                var r = InProcessCli.Run(RunArgs(data, outDir, epochs: 2));
                var line = InProcessCli.AssertOneLineUserError(r);
                log.WriteLine($"{freePages} pages free: {line}");
                Assert.Contains("no space left", line);
                Assert.Contains(folder.Path, line);
                if (freePages == 0)
                    foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} changed");
                else
                {
                    // A fresh run (no --resume) starts over: its small first result.json may fit, the checkpoint does not;
                    // whatever is there is whole, and the checkpoint is the last complete one.
                    Assert.Equal(before[folder.CheckpointFile], File.ReadAllBytes(folder.CheckpointFile));
                    RunResultJson.Deserialize(File.ReadAllText(folder.ResultFile));
                    MetricsFileCheck.IsWhole(folder.MetricsFile);
                }
                Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
                Assert.False(File.Exists(folder.LockFile), "no lock may be left behind");
            }

            // The seam-free unit view: an atomic write that runs out of space throws IOException and leaves the old file.
            var error = Assert.ThrowsAny<IOException>(() => RunFolder.WriteAtomically(folder.ResultFile, new string('x', 1 << 20)));
            Assert.True(global::Norms.Training.Failure.IsDiskFull(error), error.Message);
            var resultBefore = File.ReadAllBytes(folder.ResultFile);
            Assert.ThrowsAny<IOException>(() => RunFolder.WriteAtomically(folder.ResultFile, new string('y', 1 << 20)));
            Assert.Equal(resultBefore, File.ReadAllBytes(folder.ResultFile));
            Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
        }
        finally
        {
            Exec("umount", "-l", mount);
        }
    }

    /// <summary>Fills the file system with 4 KiB files until it refuses; returns them (delete some to free pages).</summary>
    private static List<string> Fill(string mount)
    {
        var files = new List<string>();
        var page = new byte[4096];
        while (true)
        {
            var file = Path.Combine(mount, $"filler{files.Count}");
            try
            {
                using (var s = new FileStream(file, FileMode.CreateNew)) { s.Write(page); s.Flush(true); }
                files.Add(file);
            }
            catch (IOException)
            {
                try { File.Delete(file); } catch (IOException) { }
                return files;
            }
        }
    }

    /// <summary>A diverging run through the CLI: exit 3, a line on stderr saying why, and result.json with status
    /// "diverged", the message and every completed epoch (what the report reads).</summary>
    [Fact]
    public void A_diverging_run_stops_with_exit_3_and_result_json_says_diverged()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 32, 16);
        var spec = BuiltInExperiments.Find(Name)! with
        {
            Name = "diverges", Epochs = 3, BatchSize = 16, L1 = 0, L2 = 0, Schedule = new ConstantSchedule(), Optimizer = new Sgd(Lr: 1e30, Momentum: 0.9),
        };
        var file = temp.File("diverges.json", Encoding.UTF8.GetBytes(ExperimentSpecJson.Serialize(spec)));
        var outDir = Path.Combine(temp.Path, "out");
        var r = InProcessCli.Run("run", "--spec", file, "--dataset", "idx:" + data, "--out", outDir, "--threads", "1", "--no-progress");
        Assert.Equal(3, r.Exit);
        Assert.Contains("diverges: diverged: the training loss became", r.Err);
        var result = RunResultJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "diverges", "result.json")));
        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Contains("lower the learning rate", result.Message);
        Assert.Equal(File.ReadAllLines(Path.Combine(outDir, "diverges", "metrics.csv")).Length - 1, result.Epochs.Count);
    }

    /// <summary>Every verb, on success and on a user error, leaves the engine's live tensor count where it was, at once
    /// (deterministic disposal) and after a full garbage collection; no tensor is ever released by a finalizer.</summary>
    [Fact]
    public void Every_verb_returns_the_live_handle_count_to_its_baseline()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 32, 16);
        var outDir = Path.Combine(temp.Path, "out");
        var tensor = temp.File("x.json", Encoding.UTF8.GetBytes(
            "{\"shape\": [2, 4, 2, 2], \"data\": [" + string.Join(",", Enumerable.Range(0, 32).Select(i => (i % 7).ToString())) + "]}"));
        var badSpec = temp.File("bad.json", Encoding.UTF8.GetBytes("{\"name\": 3}"));
        InProcessCli.Run("list"); // warm-up: lazy statics of the engine
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = LibTorch.LiveTensors;
        var finalized = LibTorch.FinalizedTensors;
        var verbs = new[]
        {
            (new[] { "list" }, 0),
            (["summary", "mnist8k", "--norm", "gn"], 0),
            (["summary", "cifar50k", "--norm", "bn", "--format", "json"], 0),
            (["explain", "--input", tensor], 0),
            (["explain", "--input", tensor, "--groups", "3"], 2),
            (RunArgs(data, outDir, epochs: 2), 0),
            ([.. RunArgs(data, outDir, epochs: 2), "--resume"], 0),
            (["run", "--spec", badSpec], 2),
        };
        foreach (var (args, exit) in verbs)
        {
            var r = InProcessCli.Run(args);
            Assert.True(r.Exit == exit, $"{string.Join(' ', args)}: exit {r.Exit}, stderr {r.Err}");
            Assert.True(baseline == LibTorch.LiveTensors, $"{args[0]} left {LibTorch.LiveTensors - baseline} tensors alive");
            Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Equal(baseline, LibTorch.LiveTensors);
            Assert.True(finalized == LibTorch.FinalizedTensors, $"{args[0]} left a tensor for the finalizer");
        }
    }

    /// <summary>Many short epochs: after warm-up the tensor count is flat and the resident memory grows by less than a
    /// bound (a leak of even one batch of activations per step would pass it within the run).</summary>
    [Fact]
    public void A_soak_of_many_short_epochs_keeps_tensors_and_memory_flat()
    {
        const int epochs = 30;
        var spec = BuiltInExperiments.Find(Name)! with { Epochs = epochs, BatchSize = 16 };
        var observer = new Sampler();
        var baseline = LibTorch.LiveTensors;
        var result = Trainer.Run(spec, SyntheticData.Mnist(64, 32), new RunFolder(Path.Combine(temp.Path, "soak")), new TrainingSettings(EngineOptions.Cpu), observer);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(baseline, LibTorch.LiveTensors);
        var warm = observer.Samples[4];
        Assert.All(observer.Samples.Skip(4), s => Assert.Equal(warm.Live, s.Live));
        var growth = observer.Samples.Skip(4).Max(s => s.Rss) - warm.Rss;
        log.WriteLine($"RSS after warm-up {warm.Rss / 1e6:F1} MB, growth over {epochs - 5} epochs {growth / 1e6:F1} MB; live tensors {warm.Live}");
        // 25 epochs × 4 steps × a 16×8×28×28 float activation (400 KB) would leak 40 MB; allocator noise stays well below 24 MB.
        Assert.True(growth < 24_000_000, $"RSS grew by {growth / 1e6:F1} MB after warm-up");
    }

    private sealed class Sampler : ITrainingObserver
    {
        public List<(long Live, long Rss)> Samples { get; } = [];
        public void EpochStarted(ExperimentSpec spec, int epoch, int steps) { }
        public void StepCompleted(int step, double meanLoss, double accuracy) { }
        public void Note(string message) { }

        public void EpochCompleted(ExperimentSpec spec, EpochRecord record)
        {
            GC.Collect(); // managed garbage is not a leak: measure what survives
            GC.WaitForPendingFinalizers();
            using var self = Process.GetCurrentProcess();
            Samples.Add((LibTorch.LiveTensors, self.WorkingSet64));
        }
    }
}
