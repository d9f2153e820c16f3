namespace Norms.Models;

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
