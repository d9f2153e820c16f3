using Norms.Layers;
using Norms.Reference;

namespace Norms.Explain;

/// <summary>
/// Computes the worked example behind the `explain` verb: for BatchNorm, the seeds' LN
/// (GroupNorm(1)), GroupNorm(G) and InstanceNorm, which values are pooled, their mean and biased
/// variance and the normalized output (no affine), from the oracle; and how far libtorch's layer
/// (float64, training mode) is from the oracle on the same input. No files, no console.
/// </summary>
public static class NormExplainer
{
    /// <summary>
    /// The group count used when none is given: the smallest divisor of C above 1 and below C, so
    /// GroupNorm differs from both LN (G = 1) and InstanceNorm (G = C) whenever it can; when C is 1
    /// or prime there is no such divisor and the default is 1.
    /// </summary>
    public static int DefaultGroups(int channels) =>
        Enumerable.Range(2, Math.Max(channels - 2, 0)).FirstOrDefault(g => channels % g == 0, 1);

    /// <exception cref="NormConfigurationException">groups do not divide C, N·H·W = 1 (BatchNorm
    /// cannot train) or H·W = 1 (InstanceNorm cannot use input statistics).</exception>
    public static Explanation Explain(Nchw x, int? groups = null, double eps = 1e-5)
    {
        var g = groups ?? DefaultGroups(x.C);
        NormConfigurationException.ThrowIfGroupsDoNotDivide(g, x.C);
        NormConfigurationException.ThrowIfSingleValuePerChannel(x.N, x.H, x.W);
        NormConfigurationException.ThrowIfSingleSpatialElement(x.H, x.W);

        var batch = ReferenceNorms.BatchNormTrain(x, null, null, eps);
        var layer = ReferenceNorms.GroupLayerNorm(x, null, null, eps);
        var group = ReferenceNorms.GroupNorm(x, g, null, null, eps);
        var instance = ReferenceNorms.InstanceNorm(x, null, null, eps);
        int perGroup = x.C / g, hw = x.H * x.W;

        return new Explanation([x.N, x.C, x.H, x.W], x.Data, eps, g,
            Describe("batch norm", "each channel over all samples and positions (N, H, W)", 0, x, batch,
                k => $"channel {k}", k => PerChannel(x, k),
                EngineDiff(x, new BatchNorm(Eps: eps, Affine: false), batch)),
            Describe("layer norm (GroupNorm(1), the seeds' LN)", "each sample over all channels and positions (C, H, W)", 1, x, layer,
                k => $"sample {k}", k => Block(k, x.C * hw),
                EngineDiff(x, new GroupLayerNorm(eps, Affine: false), layer)),
            Describe($"group norm ({g} groups of {perGroup} channel{(perGroup == 1 ? "" : "s")})",
                $"each sample's groups of {perGroup} consecutive channel{(perGroup == 1 ? "" : "s")} over (C/G, H, W)", g, x, group,
                k => $"sample {k / g}, group {k % g} (channels {k % g * perGroup}..{k % g * perGroup + perGroup - 1})", k => Block(k, perGroup * hw),
                EngineDiff(x, new GroupNorm(Groups: g, Eps: eps, Affine: false), group)),
            Describe("instance norm", "each sample's channels over positions (H, W)", x.C, x, instance,
                k => $"sample {k / x.C}, channel {k % x.C}", k => Block(k, hw),
                EngineDiff(x, new InstanceNorm(eps), instance)));
    }

    private static ExplainedNorm Describe(string name, string pooling, int groupsPerSample, Nchw x, NormForward result,
        Func<int, string> label, Func<int, int[]> indices, double engineDiff)
    {
        var groups = Enumerable.Range(0, result.Mean.Length).Select(k =>
        {
            var idx = indices(k);
            return new PooledGroup(label(k), [.. idx.Select(i => x.Data[i])], result.Mean[k], result.Var[k],
                [.. idx.Select(i => result.Output.Data[i])]);
        }).ToList();
        return new ExplainedNorm(name, pooling, groupsPerSample, groups, result.Output.Data, engineDiff);
    }

    private static int[] Block(int k, int size) => [.. Enumerable.Range(k * size, size)];

    private static int[] PerChannel(Nchw x, int c) =>
        [.. Enumerable.Range(0, x.N).SelectMany(n => Enumerable.Range(x.Index(n, c, 0, 0), x.H * x.W))];

    private static double EngineDiff(Nchw x, NormSpec spec, NormForward oracle)
    {
        var engine = EngineForward.Run(spec, x, training: true);
        return engine.Zip(oracle.Output.Data, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
    }
}
