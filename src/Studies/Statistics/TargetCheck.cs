using System.Text.Json.Serialization;

namespace Norms.Studies;

/// <summary>What a cell's runs say about its target: they meet it, miss it, cannot be told from it, or are too few.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TargetVerdict>))]
public enum TargetVerdict
{
    [JsonStringEnumMemberName("meets")] Meets,
    [JsonStringEnumMemberName("misses")] Misses,
    [JsonStringEnumMemberName("indistinguishable")] Indistinguishable,
    [JsonStringEnumMemberName("insufficient")] Insufficient,
}

/// <summary>
/// A cell held against a number by the one-sample 95 % t-interval of its mean (the cell's own ci95, unadjusted: each
/// target is its own question, not one of a family). The interval wholly on the better side of the target (above it for
/// an accuracy, below for a loss): meets; wholly on the worse side: misses; containing it: indistinguishable. With
/// fewer than two runs there is no interval: insufficient. <see cref="MeanDiff"/> is mean − target and <see cref="Ci95"/> its
/// interval (the cell's interval less the target), in the metric's difference unit (pp for accuracies).
/// </summary>
public sealed record TargetResult(StudyTarget Target, int N, double? Mean, double? MeanDiff, ConfidenceInterval? Ci95, TargetVerdict Verdict);

public static class TargetCheck
{
    public static TargetResult Of(StudyTarget target, CellSummary cell)
    {
        if (cell.Mean is not { } mean || cell.Ci95 is not { } ci || cell.N < 2)
            return new(target, cell.N, cell.Mean, cell.Mean - target.Value, null, TargetVerdict.Insufficient);
        var higher = target.Metric.HigherIsBetter;
        var verdict = ci.Lower > target.Value ? (higher ? TargetVerdict.Meets : TargetVerdict.Misses)
            : ci.Upper < target.Value ? (higher ? TargetVerdict.Misses : TargetVerdict.Meets)
            : TargetVerdict.Indistinguishable;
        return new(target, cell.N, mean, mean - target.Value, new ConfidenceInterval(ci.Lower - target.Value, ci.Upper - target.Value), verdict);
    }
}
