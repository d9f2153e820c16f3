namespace Norms.Models;

/// <summary>
/// The largest network <see cref="ShapeInference"/> accepts, so a typo ("out": 80000) is refused before any tensor is
/// allocated. Far above the lab's networks (Mnist8k 7,946 parameters, Cifar50k 42,256) and far below what would overflow the
/// arithmetic or a machine's memory. Documented in docs/SPEC.md ("Inline models").
/// </summary>
public static class ModelLimits
{
    /// <summary>Input channels, a conv's in and out channels, and the classes.</summary>
    public const int MaxChannels = 4096;

    /// <summary>Input height and width.</summary>
    public const int MaxSize = 4096;

    /// <summary>A conv's or pool's kernel, padding and stride.</summary>
    public const int MaxKernel = 255;

    /// <summary>Layers in the whole tree (every leaf: convs, norms, pools, ...).</summary>
    public const int MaxLayers = 1000;

    /// <summary>Sequences inside sequences.</summary>
    public const int MaxDepth = 16;

    /// <summary>Parameters in all (400 MB of float32).</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>Output elements per sample summed over every layer: what a forward pass keeps for backward (400 MB of float32 per sample).</summary>
    public const long MaxActivationsPerSample = 100_000_000;
}
