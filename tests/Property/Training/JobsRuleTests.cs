using Norms.Models;
using Norms.Torch;
using Norms.Training.Scheduling;

namespace Norms.Property.Tests.Training;

/// <summary>--jobs auto: runs that split their batches between replica threads go one after another, runs that cannot
/// go one a thread; the majority of a study's remaining runs decides.</summary>
public sealed class JobsRuleTests
{
    private static readonly ExperimentSpec Bn = BuiltInExperiments.Find("mnist-bn")!;
    private static readonly ExperimentSpec Ghost = Bn with { Norm = new BatchNorm(GhostBatch: 8) };
    private static readonly EngineOptions TwoThreads = EngineOptions.Cpu with { Threads = 2 };

    private static ExperimentSpec[] Runs(ExperimentSpec spec, int count) => Enumerable.Repeat(spec, count).ToArray();

    [Fact]
    public void Runs_that_split_go_one_after_another_on_every_thread()
    {
        Assert.True(JobsRule.Splits(Bn, TwoThreads));
        Assert.Equal(1, JobsRule.Choose(Runs(Bn, 5), TwoThreads));
        Assert.Equal(1, JobsRule.Choose(Runs(Bn with { Norm = new GroupNorm(ChannelsPerGroup: 2) }, 3), TwoThreads));
    }

    [Fact]
    public void Runs_that_cannot_split_go_one_a_thread()
    {
        Assert.False(JobsRule.Splits(Ghost, TwoThreads)); // ghost batch norm updates its statistics group by group
        Assert.Equal(2, JobsRule.Choose(Runs(Ghost, 5), TwoThreads));
        Assert.False(JobsRule.Splits(Bn with { BatchSize = 3 }, TwoThreads)); // a half would hold one sample
        Assert.Equal(2, JobsRule.Choose(Runs(Bn with { BatchSize = 2 }, 4), TwoThreads));
        Assert.Equal(2, JobsRule.Choose(Runs(Bn, 4), TwoThreads with { DataParallel = false })); // NORMS_DATA_PARALLEL=0
        Assert.Equal(4, JobsRule.Choose(Runs(Ghost, 6), EngineOptions.Cpu with { Threads = 4 }));
        Assert.Equal(3, JobsRule.Choose(Runs(Ghost, 3), EngineOptions.Cpu with { Threads = 8 })); // never more jobs than runs
    }

    [Fact]
    public void The_majority_decides_and_one_thread_or_one_run_is_one_job()
    {
        Assert.Equal(2, JobsRule.Choose([Ghost, Ghost, Bn], TwoThreads));
        Assert.Equal(1, JobsRule.Choose([Ghost, Bn], TwoThreads)); // a tie keeps the splitting runs fast
        Assert.Equal(1, JobsRule.Choose(Runs(Ghost, 5), EngineOptions.Cpu));
        Assert.Equal(1, JobsRule.Choose([Ghost], TwoThreads));
        Assert.Equal(1, JobsRule.Choose([], TwoThreads));
    }
}
