using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Layers;

/// <summary>
/// nn.InstanceNorm2d: statistics per sample and channel. Optional weight (γ = 1) and bias (β = 0)
/// per channel; optional running_mean / running_var buffers, updated in training with the batch
/// mean of the per-instance statistics and used in eval. It uses input statistics in training or
/// when not tracking, as PyTorch (use_input_stats = training or not track_running_stats).
/// Unlike PyTorch it registers no num_batches_tracked, which PyTorch's InstanceNorm never updates.
/// </summary>
public sealed class InstanceNormLayer : Module
{
    public InstanceNormLayer(InstanceNorm spec, int channels, TensorOptions options)
    {
        Spec = spec;
        Channels = channels;
        if (spec.Affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([channels], options.Dtype, options.Device));
            Bias = RegisterParameter("bias", Tensor.Zeros([channels], options.Dtype, options.Device));
        }
        if (spec.TrackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([channels], options.Dtype, options.Device));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([channels], options.Dtype, options.Device));
        }
    }

    public InstanceNorm Spec { get; }
    public int Channels { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }

    public override Tensor Forward(Tensor input) => Forward(input, Training);

    /// <exception cref="NormConfigurationException">input statistics over a 1×1 map.</exception>
    public Tensor Forward(Tensor input, bool training)
    {
        var (_, _, h, w) = LayerInput.Check(input, "instance norm", Channels);
        var useInputStats = training || RunningMean is null;
        if (useInputStats)
            NormConfigurationException.ThrowIfSingleSpatialElement(h, w);
        return Functional.InstanceNorm(input, Weight, Bias, RunningMean, RunningVar, useInputStats, Spec.Momentum, Spec.Eps);
    }
}
