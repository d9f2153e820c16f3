namespace Norms.Models;

/// <summary>
/// The two reference networks of ARCHITECTURES.md, built exactly as bench/pytorch_reference.py
/// builds them (same children, names and construction order, so the same seed gives the same weights).
/// <para>
/// Parameters: Mnist8k 7,946 = 7,786 (convs) + 160 (norm affine) and Cifar50k 42,256 = 41,840 + 416
/// with BatchNorm, GroupNorm or GroupLayerNorm. nn.LayerNorm over (C, H, W) has a per-element affine
/// (2·C·H·W per block instead of 2·C): Mnist8k 41,642 (+33,696) and Cifar50k 172,912 (+130,656).
/// InstanceNorm (PyTorch's default, no affine) and no norm: the convs only, 7,786 and 41,840.
/// </para>
/// </summary>
public static class Architectures
{
    public const string Mnist8kName = "mnist8k";
    public const string Cifar50kName = "cifar50k";

    /// <summary>The model names the command line and experiment files accept.</summary>
    public static IReadOnlyList<string> Names { get; } = [Mnist8kName, Cifar50kName];

    /// <summary>The norm short names (see <see cref="NormFor"/>).</summary>
    public static IReadOnlyList<string> NormNames { get; } = ["bn", "gn", "ln", "layernorm", "in", "none"];

    /// <summary>MNIST, 1x28x28: seven 3x3 blocks (8, 8 | pool | 12, 12, 12, 12, 16), GAP, 1x1 16->24->10.</summary>
    public static ModelSpec Mnist8k(NormSpec norm, double dropout = 0.03)
    {
        static Block B(int i, int o, int pad) => new(new Conv(i, o, 3, pad));
        ValueList<Layer> features =
        [
            B(1, 8, 1), B(8, 8, 1), new MaxPool(2),
            B(8, 12, 0), B(12, 12, 0), B(12, 12, 0), B(12, 12, 0), B(12, 16, 0),
        ];
        ValueList<Layer> head = [new GlobalAvgPool(), new Conv(16, 24, 1, Bias: true), new Conv(24, 10, 1, Bias: true)];
        return new ModelSpec(
            Mnist8kName, new InputShape(1, 28, 28), 10,
            [new Sequential(features) { Name = "features" }, new Sequential(head) { Name = "head" }, new LogSoftmaxHead()],
            norm, dropout, Regularization.None);
    }

    /// <summary>CIFAR-10, 3x32x32: C1 C2 t1 P1 | C3 (C4 C5)+res t2 P2 | C6 (C7 C8)+res | GAP 1x1 32->10.</summary>
    public static ModelSpec Cifar50k(NormSpec norm, double dropout = 0.05)
    {
        static Block B(string name, int i, int o) => new(new Conv(i, o, 3, 1)) { Name = name };
        static Conv T(string name, int i, int o) => new(i, o, 1) { Name = name };
        return new ModelSpec(
            Cifar50kName, new InputShape(3, 32, 32), 10,
            [
                B("c1", 3, 16), B("c2", 16, 24), T("t1", 24, 16), new MaxPool(2),
                B("c3", 16, 24), B("c4", 24, 24), B("c5", 24, 24), new ResidualAdd("c3"), T("t2", 24, 16), new MaxPool(2),
                B("c6", 16, 32), B("c7", 32, 32), B("c8", 32, 32), new ResidualAdd("c6"),
                new GlobalAvgPool(), T("head", 32, 10), new LogSoftmaxHead(),
            ],
            norm, dropout, Regularization.None);
    }

    /// <summary>A reference model by name (<see cref="Names"/>) with its default dropout, or null.</summary>
    public static ModelSpec? ByName(string model, NormSpec norm, double? dropout = null) => model switch
    {
        Mnist8kName => dropout is { } d ? Mnist8k(norm, d) : Mnist8k(norm),
        Cifar50kName => dropout is { } d ? Cifar50k(norm, d) : Cifar50k(norm),
        _ => null,
    };

    /// <summary>
    /// The norm a short name means for a model: bn = BatchNorm, gn = GroupNorm with the model's
    /// grouping (Mnist8k: groups of two channels; Cifar50k: 4 groups), ln = GroupLayerNorm (GroupNorm(1, C),
    /// the seeds' "LN"), layernorm = nn.LayerNorm over (C, H, W), in = InstanceNorm, none = no norm.
    /// Null for an unknown model or norm name.
    /// </summary>
    public static NormSpec? NormFor(string model, string normName) => (model, normName) switch
    {
        (Mnist8kName or Cifar50kName, "bn") => new BatchNorm(),
        (Mnist8kName, "gn") => new GroupNorm(ChannelsPerGroup: 2),
        (Cifar50kName, "gn") => new GroupNorm(Groups: 4),
        (Mnist8kName or Cifar50kName, "ln") => new GroupLayerNorm(),
        (Mnist8kName or Cifar50kName, "layernorm") => new LayerNorm(),
        (Mnist8kName or Cifar50kName, "in") => new InstanceNorm(),
        (Mnist8kName or Cifar50kName, "none") => new NoNorm(),
        _ => null,
    };
}
