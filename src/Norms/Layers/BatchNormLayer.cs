using Norms.Precise;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Layers;

/// <summary>
/// nn.BatchNorm2d. Parameters: weight (γ, starts at 1) and bias (β, starts at 0) when affine.
/// Buffers when tracking: running_mean (0), running_var (1), num_batches_tracked (0, int64), saved
/// with checkpoints. Training normalizes with batch statistics and updates the buffers (momentum
/// is the weight of the new batch; null = 1 / num_batches_tracked); eval uses the buffers; without
/// tracking, batch statistics always (semantics: <see cref="Reference.ReferenceNorms"/>). With a ghost batch k
/// (<see cref="BatchNorm.GhostBatch"/>), "batch statistics" are each ghost group's (<see cref="GhostBatches"/>):
/// in training, and in eval without tracking.
/// </summary>
public sealed class BatchNormLayer : Module
{
    public BatchNormLayer(BatchNorm spec, int channels, TensorOptions options)
    {
        Spec = spec;
        Channels = channels;
        var (dtype, device) = (options.Dtype, options.Device);
        if (spec.Affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([channels], dtype, device));
            Bias = RegisterParameter("bias", Tensor.Zeros([channels], dtype, device));
        }
        if (spec.TrackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([channels], dtype, device));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([channels], dtype, device));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], ScalarType.Int64, device));
        }
    }

    public BatchNorm Spec { get; }
    public int Channels { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }
    public Tensor? NumBatchesTracked { get; }

    /// <summary>While set, <see cref="Forward(Tensor, bool)"/> is the collector's: batch statistics, the running ones untouched
    /// (PreciseBN and the batch-statistics test pass, <see cref="Collectors"/>).</summary>
    public StatisticsCollector? Collector { get; set; }

    /// <summary>Normalizes in the module's current mode (<see cref="Module.Training"/>).</summary>
    public override Tensor Forward(Tensor input) => Forward(input, Training);

    /// <summary>Normalizes in the given mode; <paramref name="training"/> updates the running statistics.</summary>
    /// <exception cref="NormConfigurationException">batch statistics over a single value per channel.</exception>
    public Tensor Forward(Tensor input, bool training)
    {
        if (Collector is { } collector)
            return collector.Forward(input);
        var (n, _, h, w) = LayerInput.Check(input, "batch norm", Channels);
        var useBatchStats = training || RunningMean is null;
        // In a data-parallel step the batch is split between replicas; they share the statistics (so the whole
        // batch, not this share, needs more than one value per channel: the engine checks that), and only the
        // first replica counts the batch and updates the running statistics (once per batch, as unsplit).
        var replica = training ? ReplicaScope.Current : null;
        // Its running statistics are updated group by group, in order, and its groups are not the replicas' shares:
        // DataParallel.CanSplit trains such a model unsplit.
        if (replica is not null && Spec.GhostBatch is not null)
            throw new InvalidOperationException("ghost batch norm cannot be trained data-parallel (DataParallel.CanSplit refuses it)");
        if (useBatchStats && Spec.GhostBatch is { } k && n > k)
            return GhostForward(input, k, training, h, w);
        if (useBatchStats && replica is null)
            NormConfigurationException.ThrowIfSingleValuePerChannel(n, h, w);

        var factor = training && NumBatchesTracked is not null && (replica is null || replica.Rank == 0) ? CountBatch() : 0.0;
        if (replica is not null)
        {
            var updates = replica.Rank == 0;
            return Functional.BatchNormReplicated(input, Weight, Bias, updates ? RunningMean : null, updates ? RunningVar : null,
                replica.Group, replica.Rank, factor, Spec.Eps);
        }
        return Functional.BatchNorm(input, Weight, Bias, RunningMean, RunningVar, useBatchStats, factor, Spec.Eps);
    }

    /// <summary>Ghost batch norm: each group of consecutive samples normalized by its own statistics, the outputs
    /// concatenated in order. In training each group counts as one batch: num_batches_tracked += 1 and one
    /// running-statistics update with factor momentum (or 1 / num_batches_tracked), group after group, as PyTorch's
    /// BatchNorm2d called on each group in turn.</summary>
    private Tensor GhostForward(Tensor input, int k, bool training, long h, long w)
    {
        var groups = GhostBatches.Partition(checked((int)input.Shape[0]), k);
        // Every group is checked before any buffer changes, so a refused batch leaves the state as it was.
        foreach (var (start, end) in groups)
            NormConfigurationException.ThrowIfSingleValuePerChannel(end - start, h, w);
        var pieces = new List<Tensor>(groups.Length);
        try
        {
            foreach (var (start, end) in groups)
            {
                var factor = training && NumBatchesTracked is not null ? CountBatch() : 0.0;
                using var slice = input.Slice(0, start, end);
                // libtorch updates running_mean / running_var in place on each call: one update per group, in order.
                pieces.Add(Functional.BatchNorm(slice, Weight, Bias, training ? RunningMean : null, training ? RunningVar : null,
                    training: true, factor, Spec.Eps));
            }
            return Tensor.Cat(pieces, 0);
        }
        finally
        {
            // The autograd graph keeps what backward needs; these handles are ours to release.
            foreach (var piece in pieces)
                piece.Dispose();
        }
    }

    /// <summary>Counts one batch in num_batches_tracked and returns its running-statistics factor.</summary>
    private double CountBatch()
    {
        // An int64 buffer: add in int64 (a double scalar would not cast back in place).
        var tracked = NumBatchesTracked!.ToInt64() + 1;
        using (var next = Tensor.Full([], tracked, ScalarType.Int64, NumBatchesTracked.Device))
            NumBatchesTracked.CopyInPlace(next);
        return Spec.Momentum ?? 1.0 / tracked;
    }
}
