namespace Norms.Torch.Nn;

public static class ModuleState
{
    /// <summary>Copies saved tensors into the module's parameters and buffers; names and shapes must match exactly.</summary>
    public static void LoadStateDict(this Module module, IReadOnlyDictionary<string, Tensor> state)
    {
        var own = module.StateDict().ToList();
        var missing = own.Where(e => !state.ContainsKey(e.Name)).Select(e => e.Name).ToList();
        var unexpected = state.Keys.Except(own.Select(e => e.Name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ArgumentException($"the state does not fit the module: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
        foreach (var (name, target) in own)
        {
            var source = state[name];
            if (!source.Shape.SequenceEqual(target.Shape) || source.Dtype != target.Dtype)
                throw new ArgumentException($"'{name}' is {source.Dtype}[{string.Join(",", source.Shape)}] in the state but {target.Dtype}[{string.Join(",", target.Shape)}] in the module");
            target.CopyInPlace(source);
        }
    }
}
