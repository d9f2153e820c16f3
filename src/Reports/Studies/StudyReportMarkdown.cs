using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>
/// A study's report in Markdown: the runs' statuses, a cells table (mean ± 95 % CI and n of each metric, the test
/// set's binomial error beside it) and a comparisons table with verdicts. The sentences come only from the
/// comparisons: a difference is claimed only with its verdict (Holm-adjusted p below 0.05), and every number in a
/// sentence is one study.json holds.
/// </summary>
public static class StudyReportMarkdown
{
    public static string Render(string name, StudySummary summary, IReadOnlyList<(string Id, string Status)> runs)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"# Study {name}\n\n");
        var counts = runs.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}");
        s.Append(CultureInfo.InvariantCulture, $"{runs.Count} run(s): {string.Join(", ", counts)}. Statistics count completed runs only.\n\n");

        s.Append("## Cells\n\n");
        s.Append("The headline metric is the final epoch's test accuracy; the best epoch's is optimistic (picked on the test set).\n\n");
        s.Append("| cell | n | final test acc (%) | final test loss | best epoch test acc (%, optimistic) | test-set SE (pp) |\n|---|---|---|---|---|---|\n");
        foreach (var c in summary.Cells)
        {
            var n = c.Metrics[MetricKind.FinalTestAcc].N;
            s.Append(CultureInfo.InvariantCulture,
                $"| {Cell(c.Axes)} | {n}{(n < c.Asked ? $" of {c.Asked}" : "")} | {Summary(c.Metrics[MetricKind.FinalTestAcc], "F2")} | {Summary(c.Metrics[MetricKind.FinalTestLoss], "F4")} | {Summary(c.Metrics[MetricKind.BestTestAcc], "F2")} | {(c.BinomialSePp is { } se ? se.ToString("F2", CultureInfo.InvariantCulture) : "-")} |\n");
        }
        s.Append('\n');

        s.Append("## Comparisons\n\n");
        if (summary.Comparisons.Count == 0)
        {
            s.Append("No comparisons: the study has no axis with two values.\n");
            return s.ToString();
        }
        s.Append("Paired by seed; a − b (percentage points for accuracies); 95 % t-interval of the paired differences; p from the paired t-test, Holm-adjusted across each metric's comparisons.\n\n");
        s.Append("| metric | axis | a | b | pairs | a − b | 95 % CI | p | p (Holm) | verdict for a |\n|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var c in summary.Comparisons)
        {
            var r = c.Result;
            s.Append(CultureInfo.InvariantCulture,
                $"| {c.Metric.Name} | {c.Axis} | {Value(c.A, c.Axis)} | {Value(c.B, c.Axis)} | {r.NPairs} | {Number(r.MeanDiff, Digits(c.Metric))} | {Interval(r.Ci95, Digits(c.Metric))} | {Number(r.P, "G3")} | {Number(r.PHolm, "G3")} | {StudySummaryJson.VerdictName(r.Verdict)} |\n");
        }
        s.Append("\n## What the comparisons say\n\n");
        foreach (var c in summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc))
            s.Append("- ").Append(Sentence(c)).Append('\n');
        return s.ToString();
    }

    private static string Sentence(CellComparison c)
    {
        var r = c.Result;
        var (a, b) = (Value(c.A, c.Axis), Value(c.B, c.Axis));
        var where = c.A.Axes.Count > 1 ? $" (with {Cell(c.A.Axes.Where(x => x.Key != c.Axis).ToList())})" : "";
        return r.Verdict switch
        {
            Verdict.Insufficient => $"{c.Axis} {a} against {b}{where}: {r.NPairs} seed pair(s), too few for a verdict; run more seeds.",
            Verdict.Indistinguishable => $"{c.Axis} {a} and {b}{where} are indistinguishable on final test accuracy: a − b = {Number(r.MeanDiff, "F2")} pp, 95 % CI {Interval(r.Ci95, "F2")}, Holm-adjusted p = {Number(r.PHolm, "G3")}, {r.NPairs} pairs.",
            _ => $"{c.Axis} {a} is {StudySummaryJson.VerdictName(r.Verdict)} than {b}{where} on final test accuracy: a − b = {Number(r.MeanDiff, "F2")} pp, 95 % CI {Interval(r.Ci95, "F2")}, Holm-adjusted p = {Number(r.PHolm, "G3")}, {r.NPairs} pairs.",
        };
    }

    private static string Digits(MetricKind m) => m.HigherIsBetter ? "F2" : "F4";

    private static string Value(CellResult cell, string axis) =>
        Escape(AxisJson.Value(cell.Axes.First(a => a.Key == axis).Value));

    private static string Cell(IReadOnlyList<KeyValuePair<string, JsonNode?>> axes) =>
        axes.Count == 0 ? "(the base)" : Escape(string.Join(", ", axes.Select(a => $"{a.Key} = {AxisJson.Value(a.Value)}")));

    private static string Summary(CellSummary s, string format) =>
        s.Mean is not { } mean ? "-"
        : s.Ci95 is { } ci ? $"{mean.ToString(format, CultureInfo.InvariantCulture)} [{ci.Lower.ToString(format, CultureInfo.InvariantCulture)}, {ci.Upper.ToString(format, CultureInfo.InvariantCulture)}]"
        : mean.ToString(format, CultureInfo.InvariantCulture);

    private static string Interval(ConfidenceInterval? ci, string format) =>
        ci is null ? "-" : $"[{ci.Lower.ToString(format, CultureInfo.InvariantCulture)}, {ci.Upper.ToString(format, CultureInfo.InvariantCulture)}]";

    private static string Number(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
