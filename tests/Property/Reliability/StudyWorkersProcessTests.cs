using System.Diagnostics;
using System.Text.RegularExpressions;
using Norms.Property.Tests.Studies;
using Norms.Property.Tests.Training;
using Norms.Studies;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Reliability;

/// <summary>
/// Issue 21's acceptance: two study workers running at once over one folder finish the study exactly once per run.
/// Two real processes of the built program, started together on a tiny study (4 runs of 16 steps on real MNIST slices,
/// a thread each), once as shards 0/2 and 1/2 and once as two plain `study run`s that share the runs through their
/// locks. Each worker's stdout names the runs it trained ("ID: completed, ..."); those of the two must be disjoint and
/// make up the study, and study.json must list every run completed. Without NORMS_DATA it passes after saying why.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed partial class StudyWorkersProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("norms-workers-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [GeneratedRegex(@"^(s\d+-[0-9a-f]{12}): completed, ")]
    private static partial Regex Trained();

    private string Spec() => PairStudy.Write(root);

    [Theory]
    [InlineData("--shard 0/2", "--shard 1/2")]
    [InlineData("", "")]
    public void Two_workers_over_one_folder_train_every_run_exactly_once(string first, string second)
    {
        if (RealMnist.OrSkip(output) is null) return;
        var outDir = Path.Combine(root, "out");
        var clock = Stopwatch.StartNew();
        string[] Args(string shard) => ["study", "run", Spec(), "--out", outDir, "--limit-train", "512", "--limit-test", "64",
            "--threads", "1", "--no-progress", .. shard.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        using var a = CliProcess.Start(Args(first));
        using var b = CliProcess.Start(Args(second));
        var (exitA, exitB) = (a.WaitForExit(90), b.WaitForExit(90)); // each is killed if it overruns
        output.WriteLine($"both done in {clock.Elapsed.TotalSeconds:F1} s\n--- a\n{string.Join('\n', a.Out.Concat(a.Err))}\n--- b\n{string.Join('\n', b.Out.Concat(b.Err))}");
        Assert.Equal(0, exitA);
        Assert.Equal(0, exitB);

        var trainedA = a.Out.Select(l => Trained().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var trainedB = b.Out.Select(l => Trained().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var study = StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "pair", StudyFile.FileName)))!;
        Assert.Equal(4, study.Runs.Count);
        Assert.Empty(trainedA.Intersect(trainedB));
        Assert.Equal(study.Runs.Select(r => r.Id).Order(), trainedA.Concat(trainedB).Order()); // each once: no duplicates either
        Assert.All(study.Runs, r => Assert.Equal("completed", r.Status));
        if (first.Length > 0)
        {
            Assert.All(trainedA, id => Assert.Equal(0, StudyShard.Of(id, 2)));
            Assert.All(trainedB, id => Assert.Equal(1, StudyShard.Of(id, 2)));
        }
        // No lock, takeover guard or half-written file is left behind.
        var left = Directory.EnumerateFiles(Path.Combine(outDir, "pair"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".lock", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".takeover", StringComparison.Ordinal)).ToList();
        Assert.Empty(left);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 90);
    }

    /// <summary>A worker killed with SIGKILL part way through a run leaves its run.lock behind; the run shows as
    /// interrupted (its owner's process is gone), and the next worker over the folder takes the lock over and resumes the
    /// run from its last checkpoint rather than skipping it as "being trained".</summary>
    [Fact]
    public void A_killed_workers_run_is_taken_over_and_resumed_by_the_next_worker()
    {
        if (RealMnist.OrSkip(output) is null) return;
        var outDir = Path.Combine(root, "out");
        var spec = Path.Combine(root, "one.json");
        File.WriteAllText(spec, """{ "name": "one", "base": "mnist-bn", "seeds": 1, "overrides": { "epochs": 3, "batch_size": 32 } }""");
        string[] args = ["study", "run", spec, "--out", outDir, "--limit-train", "2048", "--limit-test", "64", "--threads", "1", "--no-progress"];
        using (var dying = CliProcess.Start(args))
        {
            Assert.True(dying.WaitForLine(l => l.Contains(" epoch 1/3")), "the first worker never finished epoch 1");
            dying.Signal("KILL");
            dying.WaitForExit();
        }
        var runs = Path.Combine(outDir, "one", "runs");
        var id = Path.GetFileName(Assert.Single(Directory.GetDirectories(runs)));
        Assert.True(File.Exists(Path.Combine(runs, id, "run.lock"))); // a killed worker removes nothing
        using (var status = CliProcess.Run("study", "status", outDir))
            Assert.Contains(status.Out, l => l.Contains("study one: 1 interrupted"));

        using var next = CliProcess.Run(args);
        output.WriteLine(string.Join('\n', next.Out.Concat(next.Err)));
        Assert.Equal(0, next.ExitCode);
        Assert.DoesNotContain(next.Out, l => l.Contains("skipped"));
        Assert.Contains(next.Out, l => l.StartsWith($"{id}: resuming after epoch ", StringComparison.Ordinal));
        Assert.Contains(next.Out, l => l.StartsWith($"{id}: completed, ", StringComparison.Ordinal));
        Assert.Equal("completed", Assert.Single(StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "one", StudyFile.FileName)))!.Runs).Status);
        Assert.False(File.Exists(Path.Combine(runs, id, "run.lock")));
    }
}
