using Norms.Layers;
using Norms.Torch;

namespace Norms.Precise;

/// <summary>
/// Takes over one batch norm's forward while it is set as the layer's <see cref="BatchNormLayer.Collector"/>: the layer
/// normalizes by the batch's own statistics (train-mode batch norm) whatever the module's mode, and never touches its
/// running statistics or num_batches_tracked. With <see cref="Record"/> each batch's mean and unbiased variance are kept
/// (<see cref="Batches"/>) for <see cref="PreciseStatistics.Aggregate"/>. The module stays in eval mode meanwhile, so
/// dropout is off: these passes measure the network as it will be evaluated, not as it is regularized.
/// </summary>
public sealed class StatisticsCollector : IDisposable
{
    private readonly BatchNormLayer layer;
    private readonly List<BatchMoments> batches = [];
    // Momentum-1 targets for the engine's own batch norm: after a batch they hold exactly its mean and unbiased variance,
    // as fvcore reads them from a BatchNorm run at momentum 1 (no second implementation of the statistics to drift).
    private readonly Tensor? mean;
    private readonly Tensor? variance;

    public StatisticsCollector(BatchNormLayer layer, bool record)
    {
        this.layer = layer;
        Record = record;
        if (!record) return;
        var like = layer.RunningMean ?? layer.Weight;
        var (dtype, device) = like is null ? (ScalarType.Float32, Device.Cpu) : (like.Dtype, like.Device);
        mean = Tensor.Zeros([layer.Channels], dtype, device).DetachFromScope();
        variance = Tensor.Ones([layer.Channels], dtype, device).DetachFromScope();
    }

    public BatchNormLayer Layer => layer;
    public bool Record { get; }
    public IReadOnlyList<BatchMoments> Batches => batches;

    /// <summary>Sees each input before it is normalized (tests compute its statistics independently).</summary>
    public Action<Tensor>? Inputs { get; init; }

    internal Tensor Forward(Tensor input)
    {
        var (n, _, h, w) = LayerInput.Check(input, "batch norm", layer.Channels);
        NormConfigurationException.ThrowIfSingleValuePerChannel(n, h, w);
        Inputs?.Invoke(input);
        var output = Functional.BatchNorm(input, layer.Weight, layer.Bias, mean, variance, training: true, momentum: 1.0, layer.Spec.Eps);
        if (Record)
            batches.Add(new BatchMoments(n * h * w, Doubles(mean!), Doubles(variance!)));
        return output;
    }

    private static double[] Doubles(Tensor t)
    {
        using var cpu = t.To(ScalarType.Float64, Device.Cpu);
        return cpu.ToArray<double>();
    }

    public void Dispose()
    {
        mean?.Dispose();
        variance?.Dispose();
    }
}
