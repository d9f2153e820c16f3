using System.Text.Json.Serialization;

namespace Norms.Studies;

/// <summary>
/// A cell's summary of one metric: <see cref="N"/> runs, their mean, sample sd (n − 1) and the 95 % Student-t interval
/// of the mean (n − 1 df). <see cref="Mean"/> is null with no runs; <see cref="Sd"/> and <see cref="Ci95"/> are null
/// below two runs, where a spread cannot be estimated.
/// </summary>
public sealed record CellSummary(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("mean")] double? Mean,
    [property: JsonPropertyName("sd")] double? Sd,
    [property: JsonPropertyName("ci95")] ConfidenceInterval? Ci95);

public static class CellStatistics
{
    public const double Confidence = 0.95;

    /// <summary>The summary of <paramref name="values"/> (finite; a non-finite value throws, since
    /// <see cref="Observations.Of"/> has already dropped them). Values all equal: sd 0 and the degenerate interval [v, v].</summary>
    /// <param name="sdFloor">The smallest spread the measurement can resolve (<see cref="MetricKind.ResolutionSd"/>): the
    /// interval uses max(sd, floor), so runs that agree to the last image do not give an interval of zero width. The
    /// reported sd stays the sample's.</param>
    public static CellSummary Summarize(IReadOnlyList<double> values, double sdFloor = 0)
    {
        if (values.Count == 0) return new(0, null, null, null);
        var m = Moments.Of(values);
        if (m.N < 2) return new(m.N, m.Mean, null, null);
        return new(m.N, m.Mean, m.Sd, MeanInterval(m with { Sd = Math.Max(m.Sd, sdFloor) }));
    }

    public static CellSummary Summarize(IReadOnlyList<Observation> observations, double sdFloor = 0) =>
        Summarize([.. observations.Select(o => o.Value)], sdFloor);

    /// <summary>mean ± t(0.975, n − 1)·sd/√n, built from one half-width so it is symmetric about the mean.</summary>
    internal static ConfidenceInterval MeanInterval(Moments m)
    {
        var half = StudentTDistribution.TwoSidedQuantile(Confidence, m.N - 1) * m.Sd / Math.Sqrt(m.N);
        return new(m.Mean - half, m.Mean + half);
    }
}
