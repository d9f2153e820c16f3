using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Export.Safetensors;

/// <summary>How a file's tensors differ from a module's state_dict: every missing, unexpected and reshaped tensor, so that one
/// message can list them all (a load that stopped at the first would make the user fix them one run at a time).</summary>
public static class StateDictMatch
{
    public static IReadOnlyList<string> Mismatches(Module module, IReadOnlyList<SafetensorsTensor> tensors)
    {
        var own = module.StateDict().ToDictionary(e => e.Name, e => (e.Tensor.Shape, Dtype: DtypeOf(e.Tensor.Dtype)), StringComparer.Ordinal);
        var given = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, (shape, dtype)) in own)
            if (!given.TryGetValue(name, out var t))
                problems.Add($"missing {name} ({dtype}{Shape(shape)})");
            else if (t.Dtype.Name() != dtype || !t.Shape.SequenceEqual(shape))
                problems.Add($"{SafetensorsReader.Printable(name)} is {t.Dtype.Name()}{Shape(t.Shape)} in the file but {dtype}{Shape(shape)} in the model");
        foreach (var t in tensors)
            if (!own.ContainsKey(t.Name))
                problems.Add($"unexpected {SafetensorsReader.Printable(t.Name)} ({t.Dtype.Name()}{Shape(t.Shape)})");
        return problems;
    }

    /// <summary>Copies the tensors into the module; call after <see cref="Mismatches"/> found none.</summary>
    public static void Load(Module module, IReadOnlyList<SafetensorsTensor> tensors)
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var t in tensors) state[t.Name] = StateDictTensors.ToTensor(t);
            module.LoadStateDict(state);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    private static string DtypeOf(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Int64 => "I64",
        var other => other.ToString(),
    };

    private static string Shape(long[] shape) => $"[{string.Join(",", shape)}]";
}
