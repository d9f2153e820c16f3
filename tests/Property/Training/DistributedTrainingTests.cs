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
/// images, 256 test, batch 64: 2 or 4 steps, 1 thread a rank). Synchronized batch norm must end at the single run's weights
/// and running statistics bit for bit: the single run splits each batch between two replicas as the two ranks do.
/// Per-rank batch norm (--sync-bn off) must end at the weights of the single run with ghost batch norm, k = 32 = the
/// per-rank batch, up to float32 rounding (libtorch's batch norm on each group against the replicated one's float64
/// statistics). Measured: 3e-6 after 2 steps, 1.2e-5 after 4, but 6e-3 after 8 (mnist-bn's one-cycle rates amplify
/// rounding from step to step), so the runs are kept at 4 steps and the bound is 5e-5 absolute on every weight.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class DistributedTrainingTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 5e-5;
    private readonly string outDir = Directory.CreateTempSubdirectory("norms-distributed-").FullName;

    public void Dispose() => Directory.Delete(outDir, recursive: true);

    private static ExperimentSpec Spec => BuiltInExperiments.Find("mnist-bn-l1-l2")! with { Epochs = 1, BatchSize = 64 };

    private RunResult Single(ExperimentSpec spec, Dataset data, string folder, EngineOptions? engine = null) =>
        Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, folder)), new TrainingSettings(engine ?? EngineOptions.Cpu));

    /// <summary>Ranks 0 and 1 on two threads, writing (rank 0 only) into one folder.</summary>
    private RunResult[] TwoRanks(ExperimentSpec spec, Dataset data, string folder, bool syncBn, EngineOptions? engine = null) =>
        TwoRanksOnThreads.Run(TwoRanksOnThreads.Tcp(TimeSpan.FromSeconds(30)), group => Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, folder)),
            new TrainingSettings(engine ?? EngineOptions.Cpu, Distributed: new DistributedTraining(group, syncBn))), TimeSpan.FromSeconds(120));

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
        Assert.Equal(0, MaxDifference(one, two, IsWeight));
        Assert.Equal(0, MaxDifference(one, two, n => !IsWeight(n))); // rank 0's running statistics are the global batch's
        var (a, b) = (single.Epochs.Single(), ranks[0].Epochs.Single());
        Assert.Equal(a.TrainLoss, b.TrainLoss, 1e-4);
        Assert.Equal(a.TrainAcc, b.TrainAcc, 0.5);
        Assert.Equal(a.TestLoss, b.TestLoss, 1e-3);
        // The ranks share the test pass and all record it; only rank 0 writes.
        Assert.Equal(ranks[0].Epochs.Select(e => (e.TestLoss, e.TestAcc)), ranks[1].Epochs.Select(e => (e.TestLoss, e.TestAcc)));
    }

    /// <summary>
    /// The few hundred steps: 304 (38 epochs of the 512 images at batch 64) of mnist-bn at a constant learning rate
    /// of 0.01 with momentum 0.9, where any rounding difference grows chaotically (a different summation order flips ties
    /// in max pooling, MNIST's flat background, and routes whole gradient entries elsewhere: before one process split its
    /// batches at one thread, one process at 2 threads ended 0.052 from itself at 1, and two ranks 0.060 from it). Two ranks
    /// compute what one process's two replicas compute: the same halves of each batch, the same float64 meeting of the
    /// batch-norm statistics, and gradients of two halves added (two float terms commute, in the allreduce as in the
    /// shared parameters). So the two ranks end at one process's weights bit for bit, at 1 thread and at 2.
    /// Planted: each rank's loss weight doubled gives 1.01 (the 4-step tests: 0.009-0.014).
    /// </summary>
    [Fact]
    public void Two_ranks_with_synchronized_batch_norm_end_at_one_process_weights_bit_for_bit_after_304_steps()
    {
        if (RealMnist.OrSkip(output) is not { } data) return;
        var spec = BuiltInExperiments.Find("mnist-bn")! with { Epochs = 38, BatchSize = 64, Schedule = new ConstantSchedule(), Optimizer = new Sgd(0.01, 0.9) };
        Single(spec, data, "one");
        Single(spec, data, "threads", EngineOptions.Cpu with { Threads = 2 });
        var ranks = TwoRanks(spec, data, "two", syncBn: true);
        Assert.All(ranks, r => Assert.Equal(RunStatus.Completed, r.Status));
        var one = Saved(spec, "one");
        Assert.Equal(0, MaxDifference(one, Saved(spec, "threads"), _ => true));
        Assert.Equal(0, MaxDifference(one, Saved(spec, "two"), _ => true)); // rank 0's running statistics are the global batch's
    }

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    public void Two_ranks_with_per_rank_batch_norm_end_at_the_weights_of_ghost_batch_norm_with_k_the_per_rank_batch(int trainImages)
    {
        if (RealMnist.OrSkip(output) is not { } full) return;
        var data = full with { Train = full.Train.Slice(0, trainImages) };
        var ghost = Spec with { Norm = new BatchNorm(GhostBatch: Spec.BatchSize / 2) };
        // One layout for both (the ghost model would be channels-first, the ranks' plain batch norm channels-last): what is
        // compared is the statistics' semantics, not two layouts' rounding (1e-4 to 2e-3 after these steps).
        var engine = EngineOptions.Cpu with { Layout = LayoutPreference.ChannelsFirst };
        Single(ghost, data, "ghost", engine);
        TwoRanks(Spec, data, "per-rank", syncBn: false, engine);
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
