using System.Text.Json.Serialization;

namespace Norms;

/// <summary>
/// Which normalization a block uses: pure data, compared by value, serialized with a readable
/// "kind" discriminator. Validation lives in <see cref="NormValidation"/>; layers are built by
/// <see cref="NormLayers"/>. Defaults are PyTorch's.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(BatchNorm), "batch")]
[JsonDerivedType(typeof(GroupNorm), "group")]
[JsonDerivedType(typeof(GroupLayerNorm), "group-layer")]
[JsonDerivedType(typeof(LayerNorm), "layer")]
[JsonDerivedType(typeof(InstanceNorm), "instance")]
[JsonDerivedType(typeof(NoNorm), "none")]
public abstract record NormSpec
{
    /// <summary>Short name used on the command line and in reports: bn, gn, ln, layernorm, in, none.</summary>
    public abstract string ShortName { get; }
}

/// <summary>nn.BatchNorm2d. <paramref name="Momentum"/> is the weight of the new batch (PyTorch's
/// convention); null means a cumulative moving average, as PyTorch's momentum=None.
/// <paramref name="GhostBatch"/> k: ghost batch norm (Hoffer et al. 2017), training statistics over groups of k
/// consecutive samples (<see cref="GhostBatches"/>), one running-statistics update per group; null: the whole batch.
/// Left out of the JSON when null, so a spec without it serializes (and so hashes into run ids) as before.</summary>
public sealed record BatchNorm(double? Momentum = 0.1, double Eps = 1e-5, bool Affine = true, bool TrackRunningStats = true,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? GhostBatch = null) : NormSpec
{
    public override string ShortName => "bn";
}

/// <summary>nn.GroupNorm with a per-channel affine. Give either a fixed number of
/// <paramref name="Groups"/> or a <paramref name="ChannelsPerGroup"/> (Mnist8k uses groups of two
/// channels, so its group count changes with the layer's width).</summary>
public sealed record GroupNorm(int? Groups = null, int? ChannelsPerGroup = null, double Eps = 1e-5, bool Affine = true) : NormSpec
{
    public override string ShortName => "gn";

    /// <summary>The number of groups for a layer of <paramref name="channels"/> channels, or null when the spec cannot say (see validation).</summary>
    public int? GroupsFor(int channels) =>
        Groups ?? (ChannelsPerGroup is > 0 and var size ? channels / size : null);
}

/// <summary>The seeds' "LN": GroupNorm(1, C). Statistics over (C, H, W) per sample, like nn.LayerNorm,
/// but the affine is per channel (2·C parameters). Not the same as <see cref="LayerNorm"/>.</summary>
public sealed record GroupLayerNorm(double Eps = 1e-5, bool Affine = true) : NormSpec
{
    public override string ShortName => "ln";
}

/// <summary>nn.LayerNorm over (C, H, W): statistics per sample, affine per element (2·C·H·W
/// parameters), so it fixes the spatial size of its input.</summary>
public sealed record LayerNorm(double Eps = 1e-5, bool ElementwiseAffine = true) : NormSpec
{
    public override string ShortName => "layernorm";
}

/// <summary>nn.InstanceNorm2d: statistics per sample and channel. PyTorch's defaults: no affine,
/// no running statistics.</summary>
public sealed record InstanceNorm(double Eps = 1e-5, bool Affine = false, bool TrackRunningStats = false, double Momentum = 0.1) : NormSpec
{
    public override string ShortName => "in";
}

/// <summary>No normalization: the block is conv → ReLU → dropout.</summary>
public sealed record NoNorm : NormSpec
{
    public override string ShortName => "none";
}
