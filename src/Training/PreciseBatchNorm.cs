using Norms.Data;
using Norms.Precise;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Training;

/// <summary>The extra test passes of spec precise_bn: with PreciseBN's population statistics, and with each test batch's own.</summary>
public sealed record PreciseEvaluation(EvaluationResult Precise, EvaluationResult BatchStatistics);

/// <summary>
/// PreciseBN (<see cref="PreciseStatistics"/>) on a trained model, and the train/eval gap. The images are the first
/// <c>images</c> of the training set the run trains on (after its validation slice is held back), in set order, without
/// augmentation, in batches of the run's batch size (the last one short when the batch does not divide them): a pure
/// function of the set and the count, the same every epoch and in `evaluate`. Each batch goes through the model once, in
/// eval mode (dropout off) without gradients, every batch norm normalizing by the batch's statistics
/// (<see cref="Collectors"/>); the statistics are those of all the values each layer saw, pooled (<see cref="PreciseStatistics"/>). num_batches_tracked is left as it was: it counts training steps, and a momentum-null
/// batch norm reads it.
/// </summary>
public static class PreciseBatchNorm
{
    /// <summary>The batch of the batch-statistics test pass: the lab's usual training batch, so the gap it shows is the
    /// one a model trained at that batch meets.</summary>
    public const int BatchStatisticsBatch = 64;

    /// <summary>Whether PreciseBN changes anything: some batch norm of <paramref name="model"/> keeps running statistics.</summary>
    public static bool Applies(Module model) => Collectors.BatchNorms(model).Any(l => l.RunningMean is not null);

    /// <summary>Overwrites every batch norm's running_mean and running_var with PreciseBN's statistics from the first
    /// <paramref name="images"/> of <paramref name="train"/>.</summary>
    public static void Recompute(Module model, ImageSet train, int images, int batchSize, ChannelStats stats, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(images, train.Count);
        using var collectors = Collectors.Install(model, record: true);
        // The test pass's machinery is the pass PreciseBN needs: eval mode, no gradients, no augmentation, set order.
        Evaluation.Run(model, train.Slice(0, images), stats, device, replicas: null, batchSize);
        foreach (var c in collectors.All)
        {
            if (c.Layer is not { RunningMean: { } runningMean, RunningVar: { } runningVar }) continue;
            var (mean, variance) = PreciseStatistics.Aggregate(c.Batches);
            Write(runningMean, mean);
            Write(runningVar, variance);
        }
    }

    /// <summary>The test pass with every batch norm normalizing by the test batch's own statistics
    /// (<see cref="BatchStatisticsBatch"/> images a batch); the running statistics are neither used nor changed.
    /// <paramref name="shards"/>: a job's ranks share the batches (<see cref="Evaluation.Run"/>).</summary>
    public static EvaluationResult WithBatchStatistics(Module model, ImageSet test, ChannelStats stats, Device device, ProcessGroup? shards = null)
    {
        using var collectors = Collectors.Install(model, record: false);
        return Evaluation.Run(model, test, stats, device, replicas: null, BatchStatisticsBatch, shards);
    }

    /// <summary>Both extra test passes, the model's own running statistics restored afterwards (bit for bit, so training
    /// goes on as without them); null when PreciseBN does nothing for the model. With <paramref name="shards"/>, a job's
    /// ranks share both test passes; each recomputes the statistics whole (the same images and weights give every rank the
    /// same bits, and the pooling needs every batch's moments).</summary>
    public static PreciseEvaluation? Evaluate(Module model, ImageSet train, int images, int batchSize, ImageSet test, ChannelStats stats,
        Device device, int evaluationBatch, ProcessGroup? shards = null)
    {
        if (!Applies(model)) return null;
        var batchStatistics = WithBatchStatistics(model, test, stats, device, shards);
        using var saved = RunningStatistics.Save(model);
        try
        {
            Recompute(model, train, images, batchSize, stats, device);
            return new PreciseEvaluation(Evaluation.Run(model, test, stats, device, replicas: null, evaluationBatch, shards), batchStatistics);
        }
        finally
        {
            saved.Restore();
        }
    }

    private static void Write(Tensor buffer, double[] values)
    {
        var floats = Array.ConvertAll(values, v => (float)v);
        using var source = Tensor.FromSpan<float>(floats, [floats.Length], buffer.Device);
        buffer.CopyInPlace(source);
    }
}
