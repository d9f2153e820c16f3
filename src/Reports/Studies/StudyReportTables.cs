using System.Globalization;
using System.Text.Json.Nodes;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>A table of the study report as text cells, before any escaping: the Markdown and the HTML render the same rows.</summary>
public sealed record StudyTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// What the study report says, as text: the runs' status line, the cells table (mean ± 95 % CI and n of each metric, the
/// test set's binomial error beside it), the comparisons table with verdicts, and the sentences. The sentences come only
/// from the comparisons: a difference is claimed only with its verdict (Holm-adjusted p below 0.05) and an interval that
/// leaves out 0, and every number in a sentence is one study.json holds.
/// </summary>
public static class StudyReportTables
{
    public const string CellsIntro = "The headline metric is the final epoch's test accuracy; the best epoch's is optimistic (picked on the test set).";

    public const string ComparisonsIntro = "Paired by seed; a − b (percentage points for accuracies); 95 % t-interval of the paired differences; p from the paired t-test, Holm-adjusted across each metric's comparisons.";

    public const string NoComparisons = "No comparisons: the study has no axis with two values.";

    public const string RungsTitle = "Successive halving";

    public const string RungsIntro = "Each rung's cells ranked by the mean over their seeds of the final epoch's validation accuracy (images held back from training; the test set never picks); the best go on to the next rung, with more epochs, as fresh runs, and the last rung's best is the study's pick. A cell whose runs diverged or failed ranks last.";

    /// <summary>Every rung a halving study has ended: its cells best first and which went on (the last rung's one: picked),
    /// or null for a plain grid.</summary>
    public static StudyTable? Rungs(StudySummary summary) => summary.Rungs.Count == 0 ? null : new(
        ["cell", "rung", "place", "mean final validation acc (%)", "kept"],
        [.. summary.Rungs.SelectMany(r => r.Ranked.Select((c, i) => (IReadOnlyList<string>)
        [
            Cell(AxisJson.Axes(c.Cell)),
            r.Rung.ToString(CultureInfo.InvariantCulture), (i + 1).ToString(CultureInfo.InvariantCulture),
            c.MeanValAcc is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-", i < r.Kept ? (r.Last ? "picked" : "yes") : "no",
        ]))]);

    public static string StatusLine(IReadOnlyList<(string Id, string Status)> runs)
    {
        var counts = runs.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}");
        return $"{runs.Count} run(s): {string.Join(", ", counts)}. Statistics count completed runs only.";
    }

    public static StudyTable Cells(StudySummary summary) => new(
        ["cell", "n", "final test acc (%)", "final test loss", "best epoch test acc (%, optimistic)", "test-set SE (pp)"],
        [.. summary.Cells.Select(c =>
        {
            var n = c.Metrics[MetricKind.FinalTestAcc].N;
            return (IReadOnlyList<string>)
            [
                Cell(c.Axes), n + (n < c.Asked ? $" of {c.Asked}" : ""), Summary(c.Metrics[MetricKind.FinalTestAcc], "F2"),
                Summary(c.Metrics[MetricKind.FinalTestLoss], "F4"), Summary(c.Metrics[MetricKind.BestTestAcc], "F2"),
                c.BinomialSePp is { } se ? se.ToString("F2", CultureInfo.InvariantCulture) : "-",
            ];
        })]);

    public static StudyTable Comparisons(StudySummary summary) => new(
        ["metric", "axis", "a", "b", "with", "pairs", "a − b", "95 % CI", "p", "p (Holm)", "verdict for a"],
        [.. summary.Comparisons.Select(c =>
        {
            var r = c.Result;
            return (IReadOnlyList<string>)
            [
                c.Metric.Name, c.Axis, Value(c.A, c.Axis), Value(c.B, c.Axis), OtherAxes(c), r.NPairs.ToString(CultureInfo.InvariantCulture),
                Number(r.MeanDiff, Digits(c.Metric)), Interval(r.Ci95, Digits(c.Metric)), Number(r.P, "G3"), Number(r.PHolm, "G3"),
                StudySummaryJson.VerdictName(r.Verdict),
            ];
        })]);

    public const string TargetsIntro = "Each cell against the number it set out to reach: mean − target and the 95 % t-interval of the cell's mean less the target; meets or misses when the interval lies wholly on one side of the target, indistinguishable when it holds it.";

    public const string McNemarIntro = "A second view of the final test accuracy, on the test set's noise rather than the seeds': McNemar's test of each seed's two runs on the same test images. b: images a got right and b wrong; c: the reverse. p is exact below 25 discordant images, else χ² with continuity correction; it is not adjusted for multiplicity, and no sentence rests on it.";

    /// <summary>The cells' targets, or null when the study has none.</summary>
    public static StudyTable? Targets(StudySummary summary)
    {
        var rows = summary.Cells.SelectMany(c => c.Targets.Select(t => (IReadOnlyList<string>)
        [
            Cell(c.Axes), t.Target.Metric.Name, t.Target.Value.ToString("0.###", CultureInfo.InvariantCulture), t.Target.Source ?? "-",
            t.N.ToString(CultureInfo.InvariantCulture), Number(t.Mean, Digits(t.Target.Metric)), Number(t.MeanDiff, Digits(t.Target.Metric)),
            Interval(t.Ci95, Digits(t.Target.Metric)), EnumName(t.Verdict),
        ])).ToList();
        return rows.Count == 0 ? null : new(["cell", "metric", "target", "source", "n", "mean", "mean − target", "95 % CI", "verdict"], rows);
    }

    /// <summary>McNemar's test seed by seed for each final-test-accuracy comparison that has it, or null when none does.</summary>
    public static StudyTable? McNemar(StudySummary summary)
    {
        var rows = summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc).SelectMany(c => c.McNemar.Select(m => (IReadOnlyList<string>)
        [
            c.Axis, Value(c.A, c.Axis), Value(c.B, c.Axis), OtherAxes(c), m.Seed.ToString(CultureInfo.InvariantCulture),
            m.Test.B.ToString(CultureInfo.InvariantCulture), m.Test.C.ToString(CultureInfo.InvariantCulture), Number(m.Test.P, "G3"), EnumName(m.Test.Method),
        ])).ToList();
        return rows.Count == 0 ? null : new(["axis", "a", "b", "with", "seed", "b (a right, b wrong)", "c (a wrong, b right)", "p", "method"], rows);
    }

    public const string EvaluationModesTitle = "Running, precise and batch statistics";

    public const string EvaluationModesIntro = "Batch-norm cells only, final epoch: test accuracy (%) with the running (EMA) statistics training kept (the cells table's), with PreciseBN's population statistics recomputed from the spec's precise_bn training images, and with each test batch of 64 normalized by its own statistics (the train/eval gap). Differences are within runs, paired by seed, in percentage points; 95 % t-interval; p Holm-adjusted across the cells, one family per kind of difference.";

    /// <summary>Each batch-norm cell's three test accuracies and the two within-run differences, or null when no run recorded them.</summary>
    public static StudyTable? EvaluationModes(StudySummary summary)
    {
        if (summary.EvaluationModes.Count == 0) return null;
        return new(["cell", "n", "running (EMA)", "precise", "batch stats", "precise − running", "95 % CI", "p (Holm)", "verdict", "batch − running", "95 % CI", "p (Holm)", "verdict"],
            [.. summary.EvaluationModes.Select(e => (IReadOnlyList<string>)
            [
                Cell(e.Cell.Axes), e.Running.N.ToString(CultureInfo.InvariantCulture), Summary(e.Running, "F2"), Summary(e.Precise, "F2"), Summary(e.BatchStats, "F2"),
                .. DifferenceCells(e.PreciseMinusRunning), .. DifferenceCells(e.BatchStatsMinusRunning),
            ])]);
    }

    /// <summary>A within-run difference as the table's four cells: mean, 95 % CI, Holm-adjusted p, verdict.</summary>
    private static string[] DifferenceCells(Comparison r) =>
        [Number(r.MeanDiff, "F2"), Interval(r.Ci95, "F2"), Number(r.PHolm, "G3"), EnumName(r.Verdict)];

    /// <summary>One sentence per batch-norm cell and kind of statistics, each claiming a difference only as
    /// <see cref="ClaimsDifference"/> allows.</summary>
    public static IReadOnlyList<string> EvaluationModeSentences(StudySummary summary) =>
        [.. summary.EvaluationModes.SelectMany(e => new[]
        {
            ModeSentence(e.Cell, "PreciseBN's statistics", e.PreciseMinusRunning),
            ModeSentence(e.Cell, "each test batch's own statistics", e.BatchStatsMinusRunning),
        })];

    private static string ModeSentence(CellResult cell, string what, Comparison r)
    {
        var numbers = $"{Number(r.MeanDiff, "F2")} pp, 95 % CI {Interval(r.Ci95, "F2")}, Holm-adjusted p = {Number(r.PHolm, "G3")}, {r.NPairs} runs.";
        var at = Cell(cell.Axes);
        if (r.Verdict == Verdict.Insufficient) return $"{at}: {what} against the running statistics: {r.NPairs} run(s), too few for a verdict.";
        if (ClaimsDifference(r))
            return $"{at}: {what} give a {(r.MeanDiff > 0 ? "higher" : "lower")} test accuracy than the running statistics: {numbers}";
        return $"{at}: {what} and the running statistics are indistinguishable: {numbers}";
    }

    private static string EnumName<T>(T value) where T : struct, Enum => Norms.Results.EnumJsonName.Of(value);

    private static string OtherAxes(CellComparison c) =>
        c.A.Axes.Count > 1 ? Cell([.. c.A.Axes.Where(x => x.Key != c.Axis)]) : "-";

    /// <summary>One sentence per comparison of the final test accuracy, in the comparisons' order.</summary>
    public static IReadOnlyList<string> Sentences(StudySummary summary) =>
        [.. summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc).Select(Sentence)];

    /// <summary>
    /// True when the comparison may be put in words as a difference: its verdict says better or worse (Holm-adjusted p
    /// below α, at least two pairs) and its 95 % interval leaves out 0. The second follows from the first (the adjusted p
    /// is at least the raw one, whose test is the interval's dual); it is checked anyway, so that no rounding at the
    /// edge lets a sentence claim a difference its own interval does not support.
    /// </summary>
    public static bool ClaimsDifference(Comparison r) =>
        r.Verdict is Verdict.Better or Verdict.Worse && r.Ci95 is { } ci && !ci.Contains(0);

    public static string Sentence(CellComparison c)
    {
        var r = c.Result;
        var (a, b) = (Value(c.A, c.Axis), Value(c.B, c.Axis));
        var where = c.A.Axes.Count > 1 ? $" (with {Cell([.. c.A.Axes.Where(x => x.Key != c.Axis)])})" : "";
        var numbers = $"a − b = {Number(r.MeanDiff, "F2")} pp, 95 % CI {Interval(r.Ci95, "F2")}, Holm-adjusted p = {Number(r.PHolm, "G3")}, {r.NPairs} pairs.";
        if (r.Verdict == Verdict.Insufficient)
            return $"{c.Axis} {a} against {b}{where}: {r.NPairs} seed pair(s), too few for a verdict; run more seeds.";
        if (ClaimsDifference(r))
            return $"{c.Axis} {a} is {StudySummaryJson.VerdictName(r.Verdict)} than {b}{where} on final test accuracy: {numbers}";
        return r.Verdict == Verdict.Indistinguishable
            ? $"{c.Axis} {a} and {b}{where} are indistinguishable on final test accuracy: {numbers}"
            : $"{c.Axis} {a} against {b}{where}: the verdict says {StudySummaryJson.VerdictName(r.Verdict)}, but the 95 % CI holds 0, so no difference is claimed: {numbers}";
    }

    private static string Digits(MetricKind m) => m.HigherIsBetter ? "F2" : "F4";

    public static string Value(CellResult cell, string axis) => AxisJson.Value(cell.Axes.First(a => a.Key == axis).Value);

    public static string Cell(IReadOnlyList<KeyValuePair<string, JsonNode?>> axes) =>
        axes.Count == 0 ? "(the base)" : string.Join(", ", axes.Select(a => $"{a.Key} = {AxisJson.Value(a.Value)}"));

    private static string Summary(CellSummary s, string format) =>
        s.Mean is not { } mean ? "-"
        : s.Ci95 is { } ci ? $"{mean.ToString(format, CultureInfo.InvariantCulture)} [{ci.Lower.ToString(format, CultureInfo.InvariantCulture)}, {ci.Upper.ToString(format, CultureInfo.InvariantCulture)}]"
        : mean.ToString(format, CultureInfo.InvariantCulture);

    private static string Interval(ConfidenceInterval? ci, string format) =>
        ci is null ? "-" : $"[{ci.Lower.ToString(format, CultureInfo.InvariantCulture)}, {ci.Upper.ToString(format, CultureInfo.InvariantCulture)}]";

    private static string Number(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
