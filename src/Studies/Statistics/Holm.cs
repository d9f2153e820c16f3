namespace Norms.Studies;

/// <summary>
/// Holm's step-down adjustment (Holm 1979), which keeps the family-wise error rate at α for any dependence between the
/// tests, and is uniformly more powerful than Bonferroni. With the m raw p-values sorted ascending, p(1) ≤ … ≤ p(m), the
/// adjusted value of the i-th is max over j ≤ i of (m − j + 1)·p(j), capped at 1: the running max keeps the adjusted
/// values in the raw order (a smaller raw p never gets a larger adjusted p), so rejecting "adjusted p &lt; α" is exactly
/// Holm's procedure of stopping at the first non-rejection. The same as R's p.adjust(p, "holm").
/// </summary>
public static class Holm
{
    /// <summary>The adjusted p-values, in the order of <paramref name="p"/> (each in [0, 1]; NaN throws).</summary>
    public static double[] Adjust(IReadOnlyList<double> p)
    {
        foreach (var x in p)
            if (!(x is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(p), x, "a p-value in [0, 1]");
        var m = p.Count;
        // Stable sort by raw p: ties keep their input order, and tied raw values get the same adjusted value anyway.
        var order = Enumerable.Range(0, m).OrderBy(i => p[i]).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }
}
