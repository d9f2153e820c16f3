using System.Text.Json.Nodes;
using Norms.Results;

namespace Norms.Studies;

/// <summary>study.json's "cells" and "comparisons", in the names the contract fixed (intervals as [lower, upper]).</summary>
public static class StudySummaryJson
{
    public static JsonArray Cells(StudySummary summary) =>
        [.. summary.Cells.Select(c => (JsonNode)new JsonObject
        {
            ["axes"] = Axes(c.Axes),
            ["n"] = c.Metrics[MetricKind.FinalTestAcc].N,
            ["asked"] = c.Asked,
            ["metrics"] = new JsonObject(MetricKind.All.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)Metric(c.Metrics[m])))),
            ["binomial_se_pp"] = c.BinomialSePp,
            ["targets"] = new JsonArray([.. c.Targets.Select(t => (JsonNode)new JsonObject
            {
                ["metric"] = t.Target.Metric.Name,
                ["value"] = t.Target.Value,
                ["source"] = t.Target.Source,
                ["n"] = t.N,
                ["mean"] = t.Mean,
                ["mean_diff"] = t.MeanDiff,
                ["ci95"] = Interval(t.Ci95),
                ["verdict"] = EnumJsonName.Of(t.Verdict),
            })]),
        })];

    public static JsonArray Comparisons(StudySummary summary) =>
        [.. summary.Comparisons.Select(c => (JsonNode)new JsonObject
        {
            ["metric"] = c.Metric.Name,
            ["axis"] = c.Axis,
            ["a"] = Axes(c.A.Axes),
            ["b"] = Axes(c.B.Axes),
            ["n_pairs"] = c.Result.NPairs,
            ["mean_diff"] = c.Result.MeanDiff,
            ["ci95"] = Interval(c.Result.Ci95),
            ["p"] = c.Result.P,
            ["p_holm"] = c.Result.PHolm,
            ["verdict"] = VerdictName(c.Result.Verdict),
            ["mcnemar"] = new JsonArray([.. c.McNemar.Select(m => (JsonNode)new JsonObject
            {
                ["seed"] = m.Seed,
                ["b"] = m.Test.B,
                ["c"] = m.Test.C,
                ["p"] = m.Test.P,
                ["method"] = EnumJsonName.Of(m.Test.Method),
            })]),
        })];

    /// <summary>study.json's "evaluation_modes": per batch-norm cell, final test accuracy with running (EMA), precise and
    /// batch statistics, and the within-run differences precise − running and batch − running; null (left out) when no
    /// run recorded them, so the files of studies without precise_bn are as before.</summary>
    public static JsonArray? EvaluationModes(StudySummary summary) => summary.EvaluationModes.Count == 0 ? null :
        [.. summary.EvaluationModes.Select(e => (JsonNode)new JsonObject
        {
            ["axes"] = Axes(e.Cell.Axes),
            ["running"] = Metric(e.Running),
            ["precise"] = Metric(e.Precise),
            ["batch_stats"] = Metric(e.BatchStats),
            ["precise_minus_running"] = Difference(e.PreciseMinusRunning),
            ["batch_stats_minus_running"] = Difference(e.BatchStatsMinusRunning),
        })];

    /// <summary>study.json's "rungs": each rung that has ended (1-based), its cells best first, each with its mean final
    /// validation accuracy over its seeds (null: its runs diverged or failed) and whether it went on to the next rung;
    /// "last" marks the last rung, whose one kept cell is the study's pick. Null (left out) for a plain grid.</summary>
    public static JsonArray? Rungs(StudySummary summary) => summary.Rungs.Count == 0 ? null :
        [.. summary.Rungs.Select(r => (JsonNode)new JsonObject
        {
            ["rung"] = r.Rung,
            ["last"] = r.Last,
            ["kept"] = r.Kept,
            ["ranked"] = new JsonArray([.. r.Ranked.Select((c, i) => (JsonNode)new JsonObject
            {
                ["axes"] = JsonNode.Parse(c.Cell),
                ["mean_val_acc"] = c.MeanValAcc,
                ["kept"] = i < r.Kept,
            })]),
        })];

    private static JsonObject Difference(Comparison c) => new()
    {
        ["n_pairs"] = c.NPairs,
        ["mean_diff"] = c.MeanDiff,
        ["ci95"] = Interval(c.Ci95),
        ["p"] = c.P,
        ["p_holm"] = c.PHolm,
        ["verdict"] = VerdictName(c.Verdict),
    };

    /// <summary>The verdict's word in study.json (its JSON name), as the report prints it too.</summary>
    public static string VerdictName(Verdict v) => EnumJsonName.Of(v);

    private static JsonObject Metric(CellSummary s) => new()
    {
        ["n"] = s.N,
        ["mean"] = s.Mean,
        ["sd"] = s.Sd,
        ["ci95"] = Interval(s.Ci95),
    };

    private static JsonArray? Interval(ConfidenceInterval? ci) => ci is null ? null : [ci.Lower, ci.Upper];

    private static JsonObject Axes(IEnumerable<KeyValuePair<string, JsonNode?>> axes)
    {
        var o = new JsonObject();
        foreach (var (k, v) in axes) o[k] = v?.DeepClone();
        return o;
    }
}
