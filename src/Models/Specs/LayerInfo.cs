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
