namespace Norms.Models;

/// <summary>
/// One row of a model's layer tree as shape inference sees it, in pre-order (a container before its
/// children). <see cref="Path"/> is the spec path used in errors ("features[3].norm");
/// <see cref="ModuleName"/> the PyTorch-style module name ("features.3.1"); <see cref="OutputShape"/> is
/// per sample (no batch dimension), null where an earlier error made it unknown.
/// <see cref="MultAddsPerSample"/> follows torchinfo: convs (weight + bias elements) x output H x W,
/// other layers with parameters their parameter count, layers without parameters 0.
/// </summary>
public sealed record LayerInfo(
    string Path,
    string ModuleName,
    string Label,
    string Type,
    int Depth,
    bool IsLeaf,
    ValueList<int>? OutputShape,
    long Params,
    long MultAddsPerSample);

/// <summary>The result of shape inference over a spec: every layer, every error, the output shape.</summary>
public sealed record ModelAnalysis(ModelSpec Spec, IReadOnlyList<LayerInfo> Layers, IReadOnlyList<SpecError> Errors, ValueList<int>? OutputShape)
{
    public bool IsValid => Errors.Count == 0;

    public long TotalParams => Layers.Where(l => l.IsLeaf).Sum(l => l.Params);

    public long MultAddsPerSample => Layers.Where(l => l.IsLeaf).Sum(l => l.MultAddsPerSample);

    /// <summary>Output elements per sample summed over every leaf layer: what a forward pass keeps for backward.</summary>
    public long ActivationsPerSample => LeafOutputSizes().Sum();

    /// <summary>The largest leaf output per sample, in elements: the widest tensor a forward pass holds at once.</summary>
    public long LargestActivationPerSample => LeafOutputSizes().DefaultIfEmpty(0).Max();

    private IEnumerable<long> LeafOutputSizes() =>
        Layers.Where(l => l.IsLeaf && l.OutputShape is not null).Select(l => l.OutputShape!.Aggregate(1L, (a, d) => a * d));
}
