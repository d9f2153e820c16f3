namespace Norms.Studies;

/// <summary>
/// The paired-t analysis of two cells a and b, before any multiplicity adjustment: <see cref="NPairs"/> seeds completed
/// in both, the mean of the differences a − b (percentage points for accuracies), their sample sd, the unadjusted 95 %
/// t-interval of the mean difference and the two-sided paired-t p-value. With no pairs everything is null; with one pair
/// only <see cref="MeanDiff"/> (that one difference) is known.
/// </summary>
public sealed record PairedDifference(int NPairs, double? MeanDiff, double? SdDiff, ConfidenceInterval? Ci95, double? P);

public static class PairedComparison
{
    /// <summary>
    /// Pairs <paramref name="a"/> and <paramref name="b"/> by seed (a seed in one cell only is left out: seeds share data
    /// order and initialisation, so only a pair cancels them) and tests the differences. A seed twice in one cell throws,
    /// since which of its runs to pair would be arbitrary.
    /// </summary>
    /// <param name="sdFloor">The smallest spread of a difference the measurement resolves (<see cref="MetricKind.ResolutionSd"/>).</param>
    public static PairedDifference Compare(IReadOnlyList<Observation> a, IReadOnlyList<Observation> b, double sdFloor = 0)
    {
        var bySeed = UniqueBySeed(b, nameof(b));
        var differences = UniqueBySeed(a, nameof(a))
            .Where(kv => bySeed.ContainsKey(kv.Key))
            .OrderBy(kv => kv.Key)
            .Select(kv => kv.Value - bySeed[kv.Key])
            .ToArray();
        return OfDifferences(differences, sdFloor);
    }

    /// <summary>
    /// The paired t-test of the differences d_i = a_i − b_i: t = mean/(sd/√n) with n − 1 df. Zero-variance differences,
    /// where t is 0/0 or x/0, are defined as the limits of a spread shrinking to nothing: all differences equal and
    /// nonzero → p = 0 and the degenerate interval [d, d] (every seed moved by exactly d: as sure as the data can be);
    /// all zero → p = 1 and [0, 0] (no seed moved at all).
    /// </summary>
    /// <para>With <paramref name="sdFloor"/> above the sample sd, the test and the interval use the floor instead: a
    /// difference of two test accuracies is known only to the test set's resolution, so seeds that happen to differ by
    /// the same number of images (likely with two or three seeds) are not read as a certain difference.</para>
    public static PairedDifference OfDifferences(IReadOnlyList<double> differences, double sdFloor = 0)
    {
        if (differences.Count == 0) return new(0, null, null, null, null);
        var sample = Moments.Of(differences);
        if (sample.N < 2) return new(sample.N, sample.Mean, null, null, null);
        var m = sample.Sd < sdFloor ? sample with { Sd = sdFloor } : sample;
        var ci = CellStatistics.MeanInterval(m);
        double p = m.Sd == 0
            ? (m.Mean == 0 ? 1 : 0)
            : StudentTDistribution.TwoSidedP(m.Mean / (m.Sd / Math.Sqrt(m.N)), m.N - 1);
        return new(m.N, m.Mean, sample.Sd, ci, p);
    }

    private static Dictionary<ulong, double> UniqueBySeed(IReadOnlyList<Observation> cell, string name)
    {
        var bySeed = new Dictionary<ulong, double>();
        foreach (var o in cell)
            if (!bySeed.TryAdd(o.Seed, o.Value))
                throw new ArgumentException($"seed {o.Seed} appears twice in one cell", name);
        return bySeed;
    }
}
