using Norms.Precise;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Layers;

/// <summary>
/// nn.BatchNorm2d. Parameters: weight (γ, starts at 1) and bias (β, starts at 0) when affine.
/// Buffers when tracking: running_mean (0), running_var (1), num_batches_tracked (0, int64), saved
/// with checkpoints. Training normalizes with batch statistics and updates the buffers (momentum
/// is the weight of the new batch; null = 1 / num_batches_tracked); eval uses the buffers; without
/// tracking, batch statistics always (semantics: <see cref="Reference.ReferenceNorms"/>).
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
        if (useBatchStats && replica is null)
            NormConfigurationException.ThrowIfSingleValuePerChannel(n, h, w);

        var factor = 0.0;
        if (training && NumBatchesTracked is not null && (replica is null || replica.Rank == 0))
        {
            // An int64 buffer: add in int64 (a double scalar would not cast back in place).
            var tracked = NumBatchesTracked.ToInt64() + 1;
            using (var next = Tensor.Full([], tracked, ScalarType.Int64, NumBatchesTracked.Device))
                NumBatchesTracked.CopyInPlace(next);
            factor = Spec.Momentum ?? 1.0 / tracked;
        }
        if (replica is not null)
        {
            var updates = replica.Rank == 0;
            return Functional.BatchNormReplicated(input, Weight, Bias, updates ? RunningMean : null, updates ? RunningVar : null,
                replica.Group, replica.Rank, factor, Spec.Eps);
        }
        return Functional.BatchNorm(input, Weight, Bias, RunningMean, RunningVar, useBatchStats, factor, Spec.Eps);
    }
}
