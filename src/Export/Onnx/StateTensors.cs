using Norms.Torch;

namespace Norms.Export.Onnx;

/// <summary>
/// A model's state_dict ("features.0.1.running_mean") read out as float32 values in standard row-major order. The
/// engine may keep 4-d conv kernels channels-last (<c>LayoutPolicy</c>); an ONNX initializer's raw bytes are row-major
/// NCHW, so every tensor is made contiguous in the default format first: the engine's layout never reaches the file.
/// </summary>
internal sealed class StateTensors(IEnumerable<(string Name, Tensor Tensor)> stateDict)
{
    private readonly Dictionary<string, Tensor> byName = stateDict.ToDictionary(p => p.Name, p => p.Tensor, StringComparer.Ordinal);

    /// <summary>The values of <paramref name="name"/>, checked to hold <paramref name="count"/> of them.</summary>
    public float[] Values(string name, long count)
    {
        if (!byName.TryGetValue(name, out var tensor))
            throw new InvalidOperationException($"the model has no tensor '{name}' (its state_dict does not match its spec)");
        if (tensor.Numel != count)
            throw new InvalidOperationException($"'{name}' holds {tensor.Numel} values, its layer needs {count}");
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var cpu = tensor.Detach().To(ScalarType.Float32, Device.Cpu);
        return cpu.Contiguous(MemoryFormat.Contiguous).ToArray<float>();
    }
}
