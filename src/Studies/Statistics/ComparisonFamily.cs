using System.Text.Json.Serialization;

namespace Norms.Studies;

/// <summary>
/// A finished comparison of cell a with cell b on one metric: the paired analysis (<see cref="PairedDifference"/>),
/// its Holm-adjusted p within the metric's family, and the verdict for a. Null fields below two pairs.
/// </summary>
public sealed record Comparison(
    [property: JsonPropertyName("n_pairs")] int NPairs,
    [property: JsonPropertyName("mean_diff")] double? MeanDiff,
    [property: JsonPropertyName("ci95")] ConfidenceInterval? Ci95,
    [property: JsonPropertyName("p")] double? P,
    [property: JsonPropertyName("p_holm")] double? PHolm,
    [property: JsonPropertyName("verdict")] Verdict Verdict);

public static class ComparisonFamily
{
    /// <summary>
    /// Judges a family: every comparison of one metric in a study, in any order (the result keeps it). Holm runs over
    /// the comparisons that have a p-value; one with fewer than 2 pairs is no test, so it neither counts towards m nor
    /// gets an adjusted p, and its verdict is insufficient.
    /// </summary>
    public static IReadOnlyList<Comparison> Judge(MetricKind metric, IReadOnlyList<PairedDifference> family)
    {
        var tested = Enumerable.Range(0, family.Count).Where(i => family[i].P is not null).ToArray();
        var adjusted = Holm.Adjust([.. tested.Select(i => family[i].P!.Value)]);
        var pHolm = new double?[family.Count];
        for (var k = 0; k < tested.Length; k++) pHolm[tested[k]] = adjusted[k];
        return [.. family.Select((d, i) => new Comparison(d.NPairs, d.MeanDiff, d.Ci95, d.P, pHolm[i],
            Verdicts.Of(metric, d.NPairs, d.MeanDiff, pHolm[i])))];
    }
}
