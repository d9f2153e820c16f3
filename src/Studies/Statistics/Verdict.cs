using System.Text.Json.Serialization;

namespace Norms.Studies;

/// <summary>What a comparison of a with b says, for a: better, worse, no detectable difference, or too few pairs to
/// test.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    [JsonStringEnumMemberName("better")] Better,
    [JsonStringEnumMemberName("worse")] Worse,
    [JsonStringEnumMemberName("indistinguishable")] Indistinguishable,
    [JsonStringEnumMemberName("insufficient")] Insufficient,
}

public static class Verdicts
{
    /// <summary>The family-wise error rate a study's verdicts keep.</summary>
    public const double Alpha = 0.05;

    /// <summary>
    /// Fewer than 2 pairs (or no adjusted p): insufficient. Holm-adjusted p ≥ α: indistinguishable. Otherwise the sign
    /// of a − b read through the metric's direction: a higher accuracy or a lower loss is better. A zero mean difference
    /// is indistinguishable whatever p says, since it points neither way.
    /// </summary>
    public static Verdict Of(MetricKind metric, int nPairs, double? meanDiff, double? pHolm, double alpha = Alpha)
    {
        if (nPairs < 2 || pHolm is not { } p || meanDiff is not { } d) return Verdict.Insufficient;
        if (p >= alpha || d == 0) return Verdict.Indistinguishable;
        return (d > 0) == metric.HigherIsBetter ? Verdict.Better : Verdict.Worse;
    }
}
