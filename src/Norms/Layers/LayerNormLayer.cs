using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Layers;

/// <summary>nn.LayerNorm((C, H, W)): statistics per sample over (C, H, W); weight (γ = 1) and bias
/// (β = 0) per element of (C, H, W) when elementwise-affine, so the input's spatial size is fixed.</summary>
public sealed class LayerNormLayer : Module
{
    public LayerNormLayer(int channels, int height, int width, double eps, bool elementwiseAffine, TensorOptions options)
    {
        (Channels, Height, Width, Eps) = (channels, height, width, eps);
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([channels, height, width], options.Dtype, options.Device));
            Bias = RegisterParameter("bias", Tensor.Zeros([channels, height, width], options.Dtype, options.Device));
        }
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public double Eps { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input)
    {
        var (_, _, h, w) = LayerInput.Check(input, "layer norm", Channels);
        if (h != Height || w != Width)
            throw new ArgumentException($"layer norm was built for {Height}x{Width} maps but the input is {h}x{w}; build it for the layer's output size");
        return Functional.LayerNorm(input, [Channels, Height, Width], Weight, Bias, Eps);
    }
}
