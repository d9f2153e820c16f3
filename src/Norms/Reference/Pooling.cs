namespace Norms.Reference;

/// <summary>
/// Which values one normalization pools: each group lists the flat indices whose mean and variance
/// normalize them, and <see cref="ParamIndex"/> maps each flat index to its affine parameter.
/// Every norm in the oracle is this one computation with a different pooling.
/// </summary>
internal sealed class Pooling
{
    private Pooling(int[][] groups, int[] paramIndex, int paramCount) =>
        (Groups, ParamIndex, ParamCount) = (groups, paramIndex, paramCount);

    public int[][] Groups { get; }
    public int[] ParamIndex { get; }
    public int ParamCount { get; }

    /// <summary>BatchNorm: one group per channel over (N, H, W); affine per channel.</summary>
    public static Pooling PerChannel(Nchw x)
    {
        var groups = new List<int>[x.C];
        for (var c = 0; c < x.C; c++) groups[c] = [];
        var param = new int[x.Count];
        Each(x, (i, n, c) => { groups[c].Add(i); param[i] = c; });
        return new([.. groups.Select(g => g.ToArray())], param, x.C);
    }

    /// <summary>GroupNorm: one group per (sample, group of C/G consecutive channels) over its (C/G, H, W); affine per channel.</summary>
    public static Pooling PerSampleGroup(Nchw x, int groupCount)
    {
        var perGroup = x.C / groupCount;
        var groups = new List<int>[x.N * groupCount];
        for (var k = 0; k < groups.Length; k++) groups[k] = [];
        var param = new int[x.Count];
        Each(x, (i, n, c) => { groups[n * groupCount + c / perGroup].Add(i); param[i] = c; });
        return new([.. groups.Select(g => g.ToArray())], param, x.C);
    }

    /// <summary>nn.LayerNorm((C, H, W)): one group per sample; affine per element of (C, H, W).</summary>
    public static Pooling PerSampleElementwise(Nchw x)
    {
        var groups = new List<int>[x.N];
        for (var n = 0; n < x.N; n++) groups[n] = [];
        var param = new int[x.Count];
        var perSample = x.C * x.H * x.W;
        Each(x, (i, n, c) => { groups[n].Add(i); param[i] = i % perSample; });
        return new([.. groups.Select(g => g.ToArray())], param, perSample);
    }

    private static void Each(Nchw x, Action<int, int, int> visit)
    {
        for (var n = 0; n < x.N; n++)
            for (var c = 0; c < x.C; c++)
                for (var hw = 0; hw < x.H * x.W; hw++)
                    visit((n * x.C + c) * x.H * x.W + hw, n, c);
    }
}
