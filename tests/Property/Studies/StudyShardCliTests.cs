using System.Text.Json.Nodes;
using Norms.Experiments.Cli;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Property.Tests.Training;
using Norms.Studies;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Studies;

/// <summary>`study run --shard/--shards` through the CLI: every mistake one line naming the fix, nothing written; a
/// sharded study trains its shard's runs only, `study report` gathers a part-done folder, and the other shard completes it.</summary>
[Collection(TrainingCollection.Name)]
public sealed class StudyShardCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Spec() => PairStudy.Write(temp.Path);

    [Theory]
    [InlineData("4/4", "--shard: shard index 4 is not in 0..3; the indices of 4 shards start at 0 (e.g. --shard 0/4)")]
    [InlineData("1", "--shard takes I/N (this worker's index and the number of workers, e.g. --shard 0/4), not '1'")]
    [InlineData("0/0", "--shard: the number of shards must be 1 to 100000, got 0")]
    public void A_bad_shard_is_one_line_and_writes_nothing(string shard, string expected)
    {
        var outDir = Path.Combine(temp.Path, "out");
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("study", "run", Spec(), "--shard", shard, "--out", outDir, "--threads", "1"));
        Assert.Equal("error: " + expected, line);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Shard_and_shards_together_are_one_line()
    {
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("study", "run", Spec(), "--shard", "0/2", "--shards", "2", "--out", Path.Combine(temp.Path, "out")));
        Assert.Contains("give --shard I/N or --shards N, not both", line);
    }

    [Fact]
    public void Shards_outside_a_batch_system_is_one_line_naming_both_and_the_way_out()
    {
        if (Environment.GetEnvironmentVariable(ShardEnvironment.SlurmTaskId) is not null || Environment.GetEnvironmentVariable(ShardEnvironment.KubernetesIndex) is not null)
        {
            output.WriteLine("SKIPPED: this test host runs inside a job array");
            return;
        }
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("study", "run", Spec(), "--shards", "4", "--out", Path.Combine(temp.Path, "out")));
        Assert.Equal("error: --shards 4 reads this worker's index from SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes indexed Job), and neither is set; run under one of them, or pass --shard I/4", line);
    }

    [Fact]
    public void The_environment_edge_turns_a_count_mismatch_into_a_user_error()
    {
        var e = Assert.Throws<UserError>(() => ShardOptions.Resolve(null, 4, new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "2" }));
        Assert.Equal("--shards 4: the Slurm array has SLURM_ARRAY_TASK_COUNT=2 tasks; use --shards 2 or `sbatch --array=0-3`", e.Message);
        Assert.Equal(new StudyShard(1, 4), ShardOptions.Resolve(null, 4, new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "1" }));
        Assert.Null(ShardOptions.Resolve(null, null, new Dictionary<string, string?>()));
    }

    /// <summary>Real MNIST slices (the ids are then fixed: 4 runs, shard 0 of 2 has 1 or more of them and not all).</summary>
    [Fact]
    public void A_shard_trains_its_runs_only_the_report_gathers_what_is_complete_and_the_other_shard_finishes()
    {
        if (RealMnist.OrSkip(output) is null) return;
        var outDir = Path.Combine(temp.Path, "out");
        (int Exit, string Out, string Err) Shard(string shard) => InProcessCli.Run("study", "run", Spec(), "--shard", shard, "--out", outDir,
            "--limit-train", "256", "--limit-test", "64", "--threads", "1", "--no-progress");
        StudyFile Read() => StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "pair", StudyFile.FileName)))!;

        // --dry-run lists the shard's runs only, and writes nothing.
        var dry = InProcessCli.Run("study", "run", Spec(), "--shard", "1/2", "--dry-run", "--out", outDir, "--limit-train", "256", "--limit-test", "64", "--threads", "1");
        Assert.True(dry.Exit == 0, dry.Err);
        var listed = System.Text.RegularExpressions.Regex.Matches(dry.Out, @"s\d+-[0-9a-f]{12}").Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, id => Assert.Equal(1, StudyShard.Of(id, 2)));
        Assert.False(Directory.Exists(outDir));

        var first = Shard("0/2");
        output.WriteLine(first.Out + first.Err);
        Assert.True(first.Exit == 0, first.Err);
        var study = Read();
        Assert.Equal(4, study.Runs.Count); // study.json lists the whole study, not the shard
        var mine = study.Runs.Where(r => StudyShard.Of(r.Id, 2) == 0).Select(r => r.Id).ToHashSet();
        Assert.InRange(mine.Count, 1, 3);
        Assert.Contains($"study pair: shard 0/2: {mine.Count} of the 4 run(s)", first.Out);
        Assert.All(study.Runs, r => Assert.Equal(mine.Contains(r.Id) ? "completed" : "pending", r.Status));

        // The report of a part-done study: the completed runs only, each cell's n of its asked.
        var report = InProcessCli.Run("study", "report", outDir);
        Assert.True(report.Exit == 0, report.Err);
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "pair", StudyFile.FileName)))!["cells"]!.AsArray();
        Assert.Equal(mine.Count, cells.Sum(c => (int)c!["n"]!));
        Assert.All(cells, c => Assert.Equal(2, (int)c!["asked"]!));
        Assert.True(File.Exists(Path.Combine(outDir, "pair", "study-report.md")));

        var second = Shard("1/2");
        Assert.True(second.Exit == 0, second.Err);
        Assert.Contains($"study pair: shard 1/2: {4 - mine.Count} of the 4 run(s)", second.Out);
        Assert.All(Read().Runs, r => Assert.Equal("completed", r.Status));
        // Each shard trained its own: the first shard's results were not rewritten by the second.
        Assert.DoesNotContain(mine, id => second.Out.Contains(id, StringComparison.Ordinal));
    }
}
