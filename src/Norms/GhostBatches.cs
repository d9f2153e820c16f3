namespace Norms;

/// <summary>
/// Ghost batch norm's partition of a batch (Hoffer et al. 2017), the one rule the engine uses: n samples split into
/// groups of k consecutive samples, in order. A remainder r = n mod k of at least 2 is a smaller last group; a
/// remainder of 1 joins the group before it (k + 1), because one sample alone has no batch statistics; n ≤ k is one
/// group of n (plain batch norm). So every group of a batch of n ≥ 2 holds at least 2 samples. Pure; the oracle
/// (<see cref="Reference.ReferenceNorms.GhostBatchNormTrain"/>) has its own copy of the rule, to catch a fault here.
/// </summary>
public static class GhostBatches
{
    public const int MinSize = 2;
    public const int MaxSize = 1_000_000;

    /// <summary>The groups of a batch of <paramref name="n"/> samples, as (start, end) with end exclusive, in order.</summary>
    public static (int Start, int End)[] Partition(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, MinSize);
        if (n <= k)
            return [(0, n)];
        var full = n / k;
        var remainder = n % k;
        var count = remainder >= 2 ? full + 1 : full;
        var groups = new (int, int)[count];
        for (var g = 0; g < full; g++)
            groups[g] = (g * k, (g + 1) * k);
        if (remainder == 1)
            groups[full - 1] = ((full - 1) * k, n);
        else if (remainder >= 2)
            groups[full] = (full * k, n);
        return groups;
    }
}
