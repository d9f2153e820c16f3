using Norms.Torch;

namespace Norms.Models;

/// <summary>Builds the engine network a spec describes.</summary>
public static class ModelCompiler
{
    /// <summary>
    /// Validates <paramref name="spec"/> (throws <see cref="ModelSpecException"/> with every error when it is
    /// invalid) and builds the network in training mode. Initialization is PyTorch's default, drawn in PyTorch's
    /// order (each conv's weight then its bias, in construction order = spec order) from a CPU generator of the
    /// model's own seeded with <paramref name="seed"/>, then moved to <paramref name="engine"/>'s device, so
    /// torch.manual_seed(seed) and the reference's constructor give the same weights. No process-wide generator
    /// is read or seeded; dropout's masks come from the seed too (<see cref="DropoutPosition"/>). The engine options
    /// choose the kernels and the memory layout (<see cref="LayoutPolicy"/>) and stay with the model.
    /// </summary>
    public static CompiledModel Compile(ModelSpec spec, EngineOptions engine, ulong seed)
    {
        var analysis = ShapeInference.Analyze(spec);
        if (!analysis.IsValid)
            throw new ModelSpecException(analysis.Errors);
        return new CompiledModel(spec, analysis, engine, seed);
    }
}
