using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>--shard I/N's split of a study's runs: each run in exactly one shard, by a hash that never changes; "I/N"
/// and the batch system's variables read, every mistake one message naming the fix.</summary>
public sealed class StudyShardTests
{
    private static IReadOnlyList<StudyRun> Runs(int[] axisSizes, int seeds)
    {
        var paths = new[] { "batch_size", "l1", "epochs" };
        var axes = new JsonObject();
        for (var i = 0; i < axisSizes.Length; i++)
            axes[paths[i]] = new JsonArray([.. Enumerable.Range(1, axisSizes[i]).Select(v => (JsonNode)JsonValue.Create(paths[i] == "l1" ? v * 1e-5 : v * 2))]);
        var json = new JsonObject { ["name"] = "p", ["base"] = "mnist-gn", ["axes"] = axes, ["seeds"] = seeds }.ToJsonString();
        var expansion = StudyGrid.Expand(StudySpecJson.Parse(json).Value!, StudyFlags.None);
        Assert.True(expansion.IsValid, string.Join("\n", expansion.Errors));
        return expansion.Runs;
    }

    [Fact]
    public void Every_run_of_any_expansion_lands_in_exactly_one_shard_for_any_count()
    {
        var sizes = Gen.Choose(1, 3).ArrayOf().Where(a => a.Length <= 3);
        Prop.ForAll(sizes.ToArbitrary(), Gen.Choose(1, 6).ToArbitrary(), Gen.Choose(1, 40).ToArbitrary(), (axisSizes, seeds, count) =>
        {
            var runs = Runs(axisSizes, seeds);
            var shards = Enumerable.Range(0, count).Select(i => new StudyShard(i, count)).ToArray();
            Assert.All(runs, r => Assert.Single(shards, s => s.Owns(r.Id)));
            // So the shards' runs, put together, are the study: none lost, none twice.
            var union = shards.SelectMany(s => runs.Where(r => s.Owns(r.Id))).Select(r => r.Id).ToList();
            Assert.Equal(runs.Select(r => r.Id).Order(), union.Order());
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_string_has_one_shard_in_range()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null), Gen.Choose(1, 1000).ToArbitrary(), (id, count) =>
        {
            var shard = StudyShard.Of(id, count);
            Assert.InRange(shard, 0, count - 1);
            Assert.True(new StudyShard(shard, count).Owns(id));
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Workers of one study may run different builds (a cluster upgraded part way): a change of the hash would
    /// give two workers one run, or none. These are FNV-1a 64's published values and shards of a few ids.</summary>
    [Theory]
    [InlineData("", 0xcbf29ce484222325UL, 1, 2, 1)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL, 0, 1, 0)]
    [InlineData("s1-0123456789ab", 0x55552fa000344878UL, 0, 0, 0)]
    [InlineData("s2-fedcba987654", 0x0cd5d199a0f1337bUL, 1, 1, 3)]
    [InlineData("s3-a1b2c3d4e5f6", 0xad124a2ffc7b53a4UL, 0, 1, 0)]
    public void The_hash_and_shards_of_a_few_ids_are_pinned(string id, ulong hash, int of2, int of3, int of4)
    {
        Assert.Equal(hash, StudyShard.Fnv1a64(id));
        Assert.Equal([of2, of3, of4], new[] { 2, 3, 4 }.Select(n => StudyShard.Of(id, n)));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/100000", 0, 100000)]
    public void I_of_N_reads(string text, int index, int count) =>
        Assert.Equal(new StudyShard(index, count), StudyShard.Parse(text).Shard);

    [Theory]
    [InlineData("4/4", "shard index 4 is not in 0..3")]
    [InlineData("7/2", "shard index 7 is not in 0..1")]
    [InlineData("-1/4", "--shard takes I/N")]
    [InlineData("1", "--shard takes I/N (this worker's index and the number of workers, e.g. --shard 0/4), not '1'")]
    [InlineData("a/b", "--shard takes I/N")]
    [InlineData("1/2/3", "--shard takes I/N")]
    [InlineData("0/0", "the number of shards must be 1 to 100000, got 0")]
    [InlineData(" 0/2", "--shard takes I/N")]
    public void A_bad_I_of_N_names_the_fix(string text, string expected)
    {
        var (shard, problem) = StudyShard.Parse(text);
        Assert.Null(shard);
        Assert.Contains(expected, problem);
    }

    private static (StudyShard? Shard, string? Problem) FromEnvironment(int count, params (string Name, string Value)[] variables) =>
        ShardEnvironment.Read(count, variables.ToDictionary(v => v.Name, v => (string?)v.Value));

    [Fact]
    public void A_slurm_array_task_is_counted_from_the_arrays_first_index()
    {
        Assert.Equal(new StudyShard(2, 4), FromEnvironment(4, ("SLURM_ARRAY_TASK_ID", "2")).Shard);
        Assert.Equal(new StudyShard(2, 4), FromEnvironment(4, ("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "4")).Shard);
        // Slurm's variables are read before Kubernetes'.
        Assert.Equal(new StudyShard(1, 4), FromEnvironment(4, ("SLURM_ARRAY_TASK_ID", "1"), ("JOB_COMPLETION_INDEX", "3")).Shard);
    }

    [Fact]
    public void A_kubernetes_indexed_job_gives_its_completion_index() =>
        Assert.Equal(new StudyShard(3, 4), FromEnvironment(4, ("JOB_COMPLETION_INDEX", "3")).Shard);

    [Theory]
    [InlineData("SLURM_ARRAY_TASK_ID", "5", "", "", "shard index 5 is not in 0..3")]
    [InlineData("SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_MIN", "1", "shard index -1 is not in 0..3")]
    [InlineData("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "8", "--shards 4: the Slurm array has SLURM_ARRAY_TASK_COUNT=8 tasks; use --shards 8 or `sbatch --array=0-3`")]
    [InlineData("SLURM_ARRAY_TASK_ID", "x", "", "", "SLURM_ARRAY_TASK_ID is 'x', not a whole number")]
    [InlineData("JOB_COMPLETION_INDEX", "4", "", "", "--shards 4 (JOB_COMPLETION_INDEX=4): shard index 4 is not in 0..3")]
    [InlineData("HOME", "/root", "", "", "--shards 4 reads this worker's index from SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes indexed Job), and neither is set; run under one of them, or pass --shard I/4")]
    public void A_batch_system_mistake_names_the_fix(string name, string value, string name2, string value2, string expected)
    {
        var variables = name2.Length == 0 ? new[] { (name, value) } : [(name, value), (name2, value2)];
        var (shard, problem) = FromEnvironment(4, variables);
        Assert.Null(shard);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Shards_zero_is_refused() =>
        Assert.Contains("--shards takes the number of workers", FromEnvironment(0, ("JOB_COMPLETION_INDEX", "0")).Problem);
}
