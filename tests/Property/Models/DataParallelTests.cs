using Norms.Training;
using Norms.Models;
using Norms.Property.Tests.Norms;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Models;

/// <summary>
/// A data-parallel step (the batch split between two replica threads, DataParallel) computes what the whole-batch
/// step computes: the same loss, every parameter gradient and the batch-norm running statistics, with dropout too
/// (its masks are keyed by each sample's position, so both steps drop the same elements).
/// </summary>
[Collection("FusedKernelSwitches")]
public class DataParallelTests
{
    private sealed record StepResult(double Loss, long Hits, float[][] Grads, float[][] Buffers);

    private static StepResult Step(ModelSpec spec, Tensor x, Tensor y, double l1, bool split, ulong seed = 5)
    {
        using var model = ModelCompiler.Compile(spec, EngineOptions.Cpu, seed: 3);
        using var scope = LibTorch.NewDisposeScope();
        var weights = model.RegularizedWeights().ToArray();
        double loss;
        long hits;
        using (var replicas = split ? new DataParallel() : null)
            (loss, hits) = TrainingStep.Run(model, replicas, x, y, weights, l1, new DropoutKey(DropoutStreams.ForEpoch(seed, 1), 128));
        return new StepResult(loss, hits,
            model.Parameters().Select(p => p.Grad!.ToArray<float>()).ToArray(),
            model.NamedBuffers().Where(b => b.Tensor.Dtype == ScalarType.Float32).Select(b => b.Tensor.ToArray<float>()).ToArray());
    }

    private static (Tensor X, Tensor Y) Batch(ModelSpec spec, int n)
    {
        LibTorch.ManualSeed(11);
        return (Tensor.Randn([n, spec.Input.Channels, spec.Input.Height, spec.Input.Width]), Tensor.RandInt(0, 10, [n]));
    }

    [Theory]
    [InlineData("mnist8k", "bn", 0.0)]
    [InlineData("mnist8k", "gn", 1e-3)]
    [InlineData("cifar50k", "bn", 1e-3)]
    [InlineData("cifar50k", "ln", 0.0)]
    public void A_split_step_computes_the_whole_batch_step_without_dropout(string modelName, string normName, double l1)
    {
        var spec = Architectures.ByName(modelName, Architectures.NormFor(modelName, normName)!, dropout: 0)!;
        var (x, y) = Batch(spec, 7); // uneven shares, 4 and 3: the loss weights must follow the share sizes
        using (x)
        using (y)
        {
            var whole = Step(spec, x, y, l1, split: false);
            var split = Step(spec, x, y, l1, split: true);
            // float32 through ~10 layers, the statistics summed in another order: as the fast path's tolerance.
            Approx.AllClose([whole.Loss], [split.Loss], 1e-5, 1e-5, "loss");
            Assert.Equal(whole.Hits, split.Hits);
            for (var i = 0; i < whole.Grads.Length; i++)
                Approx.AllClose(whole.Grads[i], split.Grads[i], 1e-4, 1e-3, $"gradient {i}");
            Assert.Equal(whole.Buffers.Length, split.Buffers.Length);
            for (var i = 0; i < whole.Buffers.Length; i++)
                Approx.AllClose(whole.Buffers[i], split.Buffers[i], 1e-4, 1e-3, $"buffer {i}");
        }
    }

    [Theory]
    [InlineData("mnist8k", "bn", 16)]
    [InlineData("mnist8k", "gn", 9)]
    [InlineData("cifar50k", "bn", 6)]
    public void With_dropout_a_split_step_computes_the_whole_batch_step(string modelName, string normName, int batch)
    {
        // Dropout 0.3 drops about a third of every activation: a mask that differed between the steps would move the
        // loss and the gradients by far more than the rounding the tolerances allow.
        var spec = Architectures.ByName(modelName, Architectures.NormFor(modelName, normName)!, dropout: 0.3)!;
        var (x, y) = Batch(spec, batch);
        using (x)
        using (y)
        {
            var whole = Step(spec, x, y, 0, split: false);
            var split = Step(spec, x, y, 0, split: true);
            Approx.AllClose([whole.Loss], [split.Loss], 1e-5, 1e-5, "loss");
            for (var i = 0; i < whole.Grads.Length; i++)
                Approx.AllClose(whole.Grads[i], split.Grads[i], 1e-4, 1e-3, $"gradient {i}");
            var again = Step(spec, x, y, 0, split: true);
            for (var i = 0; i < split.Grads.Length; i++)
                Assert.Equal(split.Grads[i], again.Grads[i]);
            var otherSeed = Step(spec, x, y, 0, split: true, seed: 6);
            Assert.NotEqual(split.Grads[0], otherSeed.Grads[0]);
        }
    }

    /// <summary>Replicas at once and replicas taking turns (one thread); either replica failing, while the other waits
    /// at a batch norm or, taking turns, for the turn.</summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 0)]
    public void A_failing_replica_fails_the_step_with_its_own_error_and_the_next_step_runs(bool turns, int failing)
    {
        var spec = Architectures.ByName("mnist8k", Architectures.NormFor("mnist8k", "bn")!, dropout: 0)!;
        using var model = ModelCompiler.Compile(spec, EngineOptions.Cpu, seed: 3);
        var (x, y) = Batch(spec, 8);
        using (x)
        using (y)
        using (var replicas = new DataParallel(turns: turns))
        {
            var live = LibTorch.LiveTensors;
            // One replica fails before its first batch norm; the other would wait there for it without the abort.
            var step = Task.Run(() => replicas.Run(8, (rank, offset, count) =>
            {
                if (rank == failing) throw new InvalidOperationException($"replica {rank} broke");
                using var scope = LibTorch.NewDisposeScope();
                using var share = x.Slice(0, offset, offset + count);
                using var output = model.Forward(share);
            }));
            Assert.True(((IAsyncResult)step).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the step hung after a replica failed");
            var error = Assert.IsType<InvalidOperationException>(step.Exception?.InnerException);
            Assert.Equal($"replica {failing} broke", error.Message);
            // A fresh group serves the next step.
            var losses = new double[2];
            replicas.Run(8, (rank, offset, count) =>
            {
                using var scope = LibTorch.NewDisposeScope();
                using var share = x.Slice(0, offset, offset + count);
                using var labels = y.Slice(0, offset, offset + count);
                using var output = model.Forward(share);
                using var loss = Functional.NllLoss(output, labels);
                losses[rank] = loss.ToDouble();
            });
            Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0));
            Assert.Equal(live, LibTorch.LiveTensors);
        }
    }

    /// <summary>In a group that takes turns, a replica entering its scope waits while another holds the turn, and gets it
    /// once that one's scope ends: one replica computes at a time.</summary>
    [Fact]
    public void Replicas_that_take_turns_run_one_at_a_time()
    {
        using var group = new ReplicaGroup(2, turns: true);
        var first = ReplicaScope.Enter(group, 0);
        using var entered = new ManualResetEventSlim();
        var second = new Thread(() =>
        {
            using (ReplicaScope.Enter(group, 1)) entered.Set();
        });
        second.Start();
        Assert.False(entered.Wait(TimeSpan.FromMilliseconds(300)), "replica 1 ran while replica 0 held the turn");
        first.Dispose();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "replica 1 never got the turn");
        second.Join();
    }

    [Fact]
    public void Split_steps_leave_no_tensors_behind()
    {
        var spec = Architectures.ByName("cifar50k", Architectures.NormFor("cifar50k", "bn")!)!;
        using var model = ModelCompiler.Compile(spec, EngineOptions.Cpu, seed: 3);
        var weights = model.RegularizedWeights().ToArray();
        var (x, y) = Batch(spec, 6);
        using (x)
        using (y)
        using (var replicas = new DataParallel())
        {
            var live = LibTorch.LiveTensors;
            for (var i = 0; i < 3; i++)
            {
                model.ZeroGrad();
                using (LibTorch.NewDisposeScope())
                    TrainingStep.Run(model, replicas, x, y, weights, 1e-4, new DropoutKey(1, i * 6));
            }
            model.ZeroGrad();
            Assert.Equal(live, LibTorch.LiveTensors);
        }
    }

    [Theory]
    [InlineData(1, new long[] { 1 })]
    [InlineData(3, new long[] { 3 })]
    [InlineData(4, new long[] { 2, 2 })]
    [InlineData(7, new long[] { 4, 3 })]
    [InlineData(64, new long[] { 32, 32 })]
    public void Shares_cover_the_batch_in_order(long batch, long[] counts)
    {
        var shares = DataParallel.Shares(batch);
        Assert.Equal(counts, shares.Select(s => s.Count));
        Assert.Equal(0, shares[0].Offset);
        for (var i = 1; i < shares.Length; i++)
            Assert.Equal(shares[i - 1].Offset + shares[i - 1].Count, shares[i].Offset);
    }
}
