using Norms.Reference;
using Norms.Torch;

namespace Norms.Layers;

/// <summary>Runs a fresh engine layer on an oracle tensor, in float64 on the CPU, and returns the
/// output as doubles: the engine side of oracle comparisons (the `explain` verb).</summary>
public static class EngineForward
{
    public static double[] Run(NormSpec spec, Nchw x, bool training)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var layer = NormLayers.Create(spec, x.C, x.H, x.W, ScalarType.Float64);
        layer.Train(training);
        var input = Tensor.FromArray(x.Data, x.Shape);
        return layer.Forward(input).ToArray<double>();
    }
}
