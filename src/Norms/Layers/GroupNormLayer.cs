using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Layers;

/// <summary>nn.GroupNorm(groups, channels): statistics per sample over each group of
/// channels/groups consecutive channels; weight (γ = 1) and bias (β = 0) per channel when affine.
/// GroupNorm(1) is the seeds' LN, GroupNorm(C) equals InstanceNorm. No running statistics, so
/// train and eval behave the same.</summary>
public sealed class GroupNormLayer : Module
{
    /// <exception cref="NormConfigurationException"><paramref name="groups"/> does not divide <paramref name="channels"/>.</exception>
    public GroupNormLayer(int groups, int channels, double eps, bool affine, TensorOptions options)
    {
        NormConfigurationException.ThrowIfGroupsDoNotDivide(groups, channels);
        (Groups, Channels, Eps) = (groups, channels, eps);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([channels], options.Dtype, options.Device));
            Bias = RegisterParameter("bias", Tensor.Zeros([channels], options.Dtype, options.Device));
        }
    }

    public int Groups { get; }
    public int Channels { get; }
    public double Eps { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input)
    {
        LayerInput.Check(input, "group norm", Channels);
        return Functional.GroupNorm(input, Groups, Weight, Bias, Eps);
    }
}
