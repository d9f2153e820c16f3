namespace Norms.Explain;

/// <summary>One pooled group of a norm: the values it pools, their mean and biased variance, and
/// the same values normalized (no affine).</summary>
public sealed record PooledGroup(string Label, IReadOnlyList<double> Values, double Mean, double Var, IReadOnlyList<double> Normalized);

/// <summary>One norm on the explained tensor. <see cref="GroupsPerSample"/> is 0 for BatchNorm,
/// whose groups (channels) span the batch; otherwise groups are ordered sample-major.
/// <see cref="EngineMaxAbsDiff"/> is the largest |oracle − libtorch| over the output (float64).</summary>
public sealed record ExplainedNorm(string Name, string Pooling, int GroupsPerSample,
    IReadOnlyList<PooledGroup> Groups, IReadOnlyList<double> Output, double EngineMaxAbsDiff)
{
    public IReadOnlyList<double> Means => [.. Groups.Select(g => g.Mean)];
    public IReadOnlyList<double> Vars => [.. Groups.Select(g => g.Var)];

    /// <summary>A per-group statistic as [sample][group].</summary>
    public IReadOnlyList<IReadOnlyList<double>> PerSample(IReadOnlyList<double> stat) =>
        [.. stat.Chunk(Math.Max(GroupsPerSample, 1)).Select(IReadOnlyList<double> (chunk) => chunk)];
}

/// <summary>A worked example of the four norms' statistics on one small tensor.</summary>
public sealed record Explanation(IReadOnlyList<int> Shape, IReadOnlyList<double> Data, double Eps, int Groups,
    ExplainedNorm BatchNorm, ExplainedNorm LayerNorm, ExplainedNorm GroupNorm, ExplainedNorm InstanceNorm)
{
    public IEnumerable<ExplainedNorm> Norms => [BatchNorm, LayerNorm, GroupNorm, InstanceNorm];
}
