using System.Text.Json.Serialization;

namespace Norms.Models;

/// <summary>
/// One step of a network spec. <see cref="Name"/> is optional: named layers are addressed by name
/// (paths like "c4.norm", parameter names like "c4.0.weight"), unnamed ones by their index
/// ("features[3].norm", "features.3.0.weight"), as PyTorch names the children of a module.
/// <para>
/// In JSON (an experiment's inline "model", docs/SPEC.md) a layer is an object with a "kind": conv, block, maxpool, gap,
/// sequential, residual, head; its other fields are these records' snake_case names. Written: "kind", then "name" when
/// set, then every field; a field that is unset (null: a block's norm and dropout, a pool's stride) is left out.
/// </para>
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(Conv), "conv")]
[JsonDerivedType(typeof(Block), "block")]
[JsonDerivedType(typeof(MaxPool), "maxpool")]
[JsonDerivedType(typeof(GlobalAvgPool), "gap")]
[JsonDerivedType(typeof(Sequential), "sequential")]
[JsonDerivedType(typeof(ResidualAdd), "residual")]
[JsonDerivedType(typeof(LogSoftmaxHead), "head")]
public abstract record Layer
{
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }
}

/// <summary>A plain 2-D convolution (nn.Conv2d): no norm, no activation. Used for the 1x1
/// transitions and the 1x1 head convolutions.</summary>
public sealed record Conv(int In, int Out, int Kernel = 3, int Padding = 0, int Stride = 1, bool Bias = false) : Layer;

/// <summary>conv -> norm -> ReLU -> dropout. <paramref name="Norm"/> and <paramref name="Dropout"/>
/// default (null) to the model's; give them to override for this block only.</summary>
public sealed record Block(
    Conv Conv,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NormSpec? Norm = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Dropout = null) : Layer;

/// <summary>nn.MaxPool2d(kernel, stride): stride defaults to the kernel, no padding, floor mode.</summary>
public sealed record MaxPool(int Kernel = 2, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Stride = null) : Layer;

/// <summary>nn.AdaptiveAvgPool2d(1): C x H x W -> C x 1 x 1.</summary>
public sealed record GlobalAvgPool : Layer;

/// <summary>Layers run one after the other (nn.Sequential); a residual add may refer to an earlier
/// sibling by name.</summary>
public sealed record Sequential(ValueList<Layer> Layers) : Layer;

/// <summary>Residual add: the running tensor plus the output of the earlier sibling layer named
/// <paramref name="From"/> (same sequence). Shapes must match. Cifar50k: x = C3 + C5(C4(C3)).</summary>
public sealed record ResidualAdd(string From) : Layer;

/// <summary>The head: flatten C x 1 x 1 to C and take log-softmax over the classes. Must be last.</summary>
public sealed record LogSoftmaxHead : Layer;
