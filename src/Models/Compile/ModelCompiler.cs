using Norms.Torch;
using TorchApi = Norms.Torch.Torch;

namespace Norms.Models;

/// <summary>Builds the engine network a spec describes.</summary>
public static class ModelCompiler
{
    /// <summary>
    /// Validates <paramref name="spec"/> (throws <see cref="ModelSpecException"/> with every error when it is
    /// invalid), seeds the engine with <paramref name="seed"/> and builds the network in training mode.
    /// Initialization is PyTorch's default, drawn in PyTorch's order (each conv's weight then its bias, in
    /// construction order = spec order), on the CPU generator and then moved to <paramref name="device"/>,
    /// so torch.manual_seed(seed) and the reference's constructor give the same weights.
    /// </summary>
    public static CompiledModel Compile(ModelSpec spec, Device device, ulong seed)
    {
        var analysis = ShapeInference.Analyze(spec);
        if (!analysis.IsValid)
            throw new ModelSpecException(analysis.Errors);
        TorchApi.ManualSeed(seed);
        return new CompiledModel(spec, analysis, device);
    }
}
