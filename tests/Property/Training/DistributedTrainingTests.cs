using Norms;
using Norms.Data;
using Norms.Models;
using Norms.Results;
using Norms.Tests;
using Norms.Torch;
using Norms.Training;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Training;

/// <summary>
/// The DDP recipe against the single-process run on the same global batches: two ranks as two threads of this process,
/// each with a process group of its own over loopback (what two processes would hold), on real MNIST (128 or 256 train
/// images, 256 test, batch 64: 2 or 4 steps, 1 thread a rank). Synchronized batch norm must end at the single run's weights and running
/// statistics; per-rank batch norm (--sync-bn off) at the weights of the single run with ghost batch norm, k = 32 = the
/// per-rank batch. Both up to float32 rounding (the allreduce's sums, the replicated batch norm's float64 statistics
/// against libtorch's). Measured: 3e-6 after 2 steps, 1.2e-5 after 4, but 6e-3 after 8 (mnist-bn's one-cycle rates amplify
/// rounding from step to step, as they do between the in-process replicas and the unsplit step), so the runs are kept
/// at 4 steps and the bound is 5e-5 absolute on every weight and statistic.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class DistributedTrainingTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 5e-5;
    private readonly string outDir = Directory.CreateTempSubdirectory("norms-distributed-").FullName;

    public void Dispose() => Directory.Delete(outDir, recursive: true);

    private static ExperimentSpec Spec => BuiltInExperiments.Find("mnist-bn-l1-l2")! with { Epochs = 1, BatchSize = 64 };

    private RunResult Single(ExperimentSpec spec, Dataset data, string folder) =>
        Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, folder)), new TrainingSettings(EngineOptions.Cpu));

    /// <summary>Ranks 0 and 1 on two threads, writing (rank 0 only) into one folder.</summary>
    private RunResult[] TwoRanks(ExperimentSpec spec, Dataset data, string folder, bool syncBn) =>
        TwoRanksOnThreads.Run(TwoRanksOnThreads.Tcp(TimeSpan.FromSeconds(30)), group => Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, folder)),
            new TrainingSettings(EngineOptions.Cpu, Distributed: new DistributedTraining(group, syncBn))), TimeSpan.FromSeconds(120));

    /// <summary>The weights and buffers rank 0's (or the single run's) checkpoint holds.</summary>
    private Dictionary<string, double[]> Saved(ExperimentSpec spec, string folder)
    {
        using var model = ModelCompiler.Compile(spec.ToModelSpec(), EngineOptions.Cpu, spec.Seed);
        using var optimizer = OptimizerFactory.Create(spec, model.Parameters());
        new RunFolder(Path.Combine(outDir, folder)).LoadCheckpoint(model, optimizer);
        using var scope = LibTorch.NewDisposeScope(); // the contiguous copies read out below
        return model.StateDict().Where(s => s.Tensor.Dtype == ScalarType.Float32)
            .ToDictionary(s => s.Name, s => s.Tensor.Contiguous().ToArray<float>().Select(v => (double)v).ToArray());
    }

    private double MaxDifference(Dictionary<string, double[]> a, Dictionary<string, double[]> b, Func<string, bool> which)
    {
        var names = a.Keys.Where(which).ToArray();
        Assert.NotEmpty(names);
        var worst = names.Max(n => a[n].Zip(b[n], (x, y) => Math.Abs(x - y)).Max());
        output.WriteLine($"{names.Length} tensors, largest difference {worst:G3}");
        return worst;
    }

    private static bool IsWeight(string name) => !name.Contains("running_");

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    public void Two_ranks_with_synchronized_batch_norm_end_at_the_single_process_weights_and_statistics(int trainImages)
    {
        if (RealMnist.OrSkip(output) is not { } full) return;
        var data = full with { Train = full.Train.Slice(0, trainImages) };
        // Tensors an earlier test dropped without disposing are freed by finalizers: let them go before the baseline.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = (LibTorch.LiveTensors, ProcessGroup.Live);
        var single = Single(Spec, data, "one");
        var ranks = TwoRanks(Spec, data, "two", syncBn: true);
        Assert.Equal(live, (LibTorch.LiveTensors, ProcessGroup.Live));
        Assert.All(ranks, r => Assert.Equal(RunStatus.Completed, r.Status));
        var one = Saved(Spec, "one");
        var two = Saved(Spec, "two");
        Assert.InRange(MaxDifference(one, two, IsWeight), 0, Tolerance);
        Assert.InRange(MaxDifference(one, two, n => !IsWeight(n)), 0, Tolerance); // rank 0's running statistics are the global batch's
        var (a, b) = (single.Epochs.Single(), ranks[0].Epochs.Single());
        Assert.Equal(a.TrainLoss, b.TrainLoss, 1e-4);
        Assert.Equal(a.TrainAcc, b.TrainAcc, 0.5);
        Assert.Equal(a.TestLoss, b.TestLoss, 1e-3);
        // The ranks share the test pass and all record it; only rank 0 writes.
        Assert.Equal(ranks[0].Epochs.Select(e => (e.TestLoss, e.TestAcc)), ranks[1].Epochs.Select(e => (e.TestLoss, e.TestAcc)));
    }

    /// <summary>
    /// The few hundred steps: 304 (38 epochs of the 512 images at batch 64) of mnist-bn at a constant learning rate
    /// of 0.01 with momentum 0.9. Past the first steps no float32 run is reproducible to 5e-5, not even the one-process run
    /// against itself at another thread count: a rounding difference in the convolutions flips ties in max pooling (MNIST's
    /// flat background) and so routes whole gradient entries elsewhere. Measured on 512 images, largest weight difference,
    /// two ranks against one process / one process at 2 threads against 1: 4.6e-4 / 4.6e-4 after 8 steps, 3.5e-3 / 3.5e-3
    /// after 32, 2.9e-2 / 2.6e-2 after 128, 6.0e-2 / 5.2e-2 after 304. So the bound is relative to the engine's own
    /// rounding spread, taken as the larger of two perturbations of the one-process run that change only its summation
    /// order: 2 threads (the batch split between replicas) and the channels-last layout (other oneDNN kernels). One such
    /// chaotic difference alone is a fragile scale (another host's kernels give another trajectory), so the two ranks must
    /// stay within twice the larger. Measured on the 2-core EPYC: 0.060 against 0.052 (threads) and 0.061 (layout).
    /// Planted: each rank's loss weight doubled gives 0.20, red.
    /// </summary>
    [Fact]
    public void Two_ranks_with_synchronized_batch_norm_stay_as_close_to_one_process_as_its_own_rounding_does_for_304_steps()
    {
        if (RealMnist.OrSkip(output) is not { } data) return;
        var spec = BuiltInExperiments.Find("mnist-bn")! with { Epochs = 38, BatchSize = 64, Schedule = new ConstantSchedule(), Optimizer = new Sgd(0.01, 0.9) };
        Single(spec, data, "one");
        Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, "threads")), new TrainingSettings(EngineOptions.Cpu with { Threads = 2 }));
        Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, "layout")),
            new TrainingSettings(EngineOptions.Cpu with { Layout = LayoutPreference.ChannelsLast }));
        var ranks = TwoRanks(spec, data, "two", syncBn: true);
        Assert.All(ranks, r => Assert.Equal(RunStatus.Completed, r.Status));
        var one = Saved(spec, "one");
        var spread = Math.Max(MaxDifference(one, Saved(spec, "threads"), IsWeight), MaxDifference(one, Saved(spec, "layout"), IsWeight));
        var distributed = MaxDifference(one, Saved(spec, "two"), IsWeight);
        Assert.InRange(distributed, 0, 2 * spread);
    }

    /// <summary>The job's test pass, shared by two ranks, gives both ranks the one-process pass bit for bit (every rank's
    /// model the same weights: one seed), batch-statistics pass and validation alike.</summary>
    [Fact]
    public void A_test_pass_shared_by_two_ranks_is_bit_identical_to_the_whole_pass()
    {
        if (RealMnist.OrSkip(output) is not { } full) return;
        var test = full.Test;
        using var model = ModelCompiler.Compile(Spec.ToModelSpec(), EngineOptions.Cpu, Spec.Seed);
        var whole = Evaluation.Run(model, test, full.Stats, Device.Cpu, batchSize: 60); // 5 batches, the last short
        var wholeBatchStats = PreciseBatchNorm.WithBatchStatistics(model, test, full.Stats, Device.Cpu);
        var shared = TwoRanksOnThreads.Run(TwoRanksOnThreads.Tcp(TimeSpan.FromSeconds(30)), group =>
        {
            using var mine = ModelCompiler.Compile(Spec.ToModelSpec(), EngineOptions.Cpu, Spec.Seed);
            return (Running: Evaluation.Run(mine, test, full.Stats, Device.Cpu, batchSize: 60, shards: group),
                BatchStats: PreciseBatchNorm.WithBatchStatistics(mine, test, full.Stats, Device.Cpu, group));
        }, TimeSpan.FromSeconds(60));
        foreach (var (running, batchStats) in shared)
        {
            Assert.Equal(whole.Loss, running.Loss);
            Assert.Equal(whole.Predictions, running.Predictions);
            Assert.Equal(whole.Misclassified, running.Misclassified);
            Assert.Equal(wholeBatchStats.Loss, batchStats.Loss);
            Assert.Equal(wholeBatchStats.Predictions, batchStats.Predictions);
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    public void Two_ranks_with_per_rank_batch_norm_end_at_the_weights_of_ghost_batch_norm_with_k_the_per_rank_batch(int trainImages)
    {
        if (RealMnist.OrSkip(output) is not { } full) return;
        var data = full with { Train = full.Train.Slice(0, trainImages) };
        var ghost = Spec with { Norm = new BatchNorm(GhostBatch: Spec.BatchSize / 2) };
        Single(ghost, data, "ghost");
        TwoRanks(Spec, data, "per-rank", syncBn: false);
        // Running statistics differ by design: the ghost model updates them per group, rank 0 from its own shard (DDP's).
        Assert.InRange(MaxDifference(Saved(ghost, "ghost"), Saved(Spec, "per-rank"), IsWeight), 0, Tolerance);
    }

    [Fact]
    public void Shards_are_disjoint_consecutive_and_cover_the_batch()
    {
        foreach (var (batch, world) in new[] { (64L, 2), (7L, 3), (5L, 5), (65L, 4) })
        {
            var shards = Enumerable.Range(0, world).Select(r => GlobalBatchShards.Of(batch, r, world)).ToArray();
            Assert.Equal(0, shards[0].Offset);
            for (var r = 1; r < world; r++) Assert.Equal(shards[r - 1].Offset + shards[r - 1].Count, shards[r].Offset);
            Assert.Equal(batch, shards.Sum(s => s.Count));
            Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1);
        }
        Assert.Null(GlobalBatchShards.Problem(512, 64, 2));
        Assert.NotNull(GlobalBatchShards.Problem(513, 64, 2)); // a last batch of 1 cannot feed 2 ranks
    }
}
