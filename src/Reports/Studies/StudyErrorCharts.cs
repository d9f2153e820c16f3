using System.Text.Json.Nodes;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>
/// The normalization studies' pictures, in the manner of the Group Norm paper's Figure 1: final test error (100 − test
/// accuracy, percent) with 95 % error bars against a power-of-two quantity on a log2 axis. Two sources: an axis whose
/// values are all powers of two (batch_size, norm.groups, …), one series per value of the other axes; and a norm axis
/// whose norms carry such a number (ghost_batch, groups, channels_per_group), one chart per number, the norms without it
/// drawn across the chart as references (group and layer norm beside batch norm's ghost batch k). Beside each, where its
/// batch norms recorded PreciseBN's passes, their error with running, precise and batch statistics. Pure.
/// </summary>
public static class StudyErrorCharts
{
    /// <summary>The norm fields a norm-axis chart is drawn against.</summary>
    public static IReadOnlyList<string> NormNumbers { get; } = ["ghost_batch", "groups", "channels_per_group"];

    /// <summary>A cell placed on a chart: its x and the series it belongs to.</summary>
    private sealed record Placed(CellResult Cell, double X, string Series);

    public static IEnumerable<AxisChart> Build(string slug, string dataset, string title, IReadOnlyList<CellResult> cells,
        IReadOnlyList<EvaluationModeCell>? modes = null)
    {
        var axes = cells.Count == 0 ? [] : cells[0].Axes.Select(a => a.Key).ToList();
        foreach (var axis in axes)
        {
            var values = cells.Select(c => ValueOf(c, axis)).DistinctBy(AxisJson.Value).ToList();
            if (values.Count >= 2 && StudyChartModels.ScaleOf(axis, values) == AxisScale.Log2)
            {
                var placed = cells.Select(c => new Placed(c, StudyChartModels.Number(ValueOf(c, axis))!.Value, StudyChartModels.Others(c, axis))).ToList();
                foreach (var chart in WithModes($"{slug}-final-test-error-by-{StudyChartModels.Slug(axis, 40)}", dataset, $"by {axis}, {title}", axis, placed, [], modes))
                    yield return chart;
                continue;
            }
            var chartedBy = NormNumbers.ToDictionary(n => n, n => Charted(cells, axis, n).ToList());
            // The references: cells of this axis on none of its charts (a norm charted against another number is not one).
            var references = cells.Where(c => chartedBy.Values.All(charted => !charted.Contains(c))).ToList();
            foreach (var number in NormNumbers)
            {
                var charted = chartedBy[number];
                if (charted.Count == 0) continue;
                var placed = charted.Select(c => new Placed(c, NormNumber(ValueOf(c, axis), number)!.Value, Join(Kind(ValueOf(c, axis)), StudyChartModels.Others(c, axis)))).ToList();
                foreach (var chart in WithModes($"{slug}-final-test-error-by-{StudyChartModels.Slug(axis, 30)}-{StudyChartModels.Slug(number, 20)}", dataset,
                             $"by {axis}.{number}, {title}", $"{axis}.{number}", placed, references, modes))
                    yield return chart;
            }
        }
    }

    /// <summary>The error chart, then, when some of its cells recorded PreciseBN's passes, the chart of their three errors.</summary>
    private static IEnumerable<AxisChart> WithModes(string key, string dataset, string by, string axis, IReadOnlyList<Placed> placed,
        IReadOnlyList<CellResult> references, IReadOnlyList<EvaluationModeCell>? modes)
    {
        var series = Series(placed.Select(p => (p.Series, p.X, Value: Error(p.Cell.Metrics[MetricKind.FinalTestAcc]))));
        if (series.Count == 0) yield break;
        yield return new AxisChart(key, dataset, $"Final test error {by}: mean and 95 % CI per cell", axis, AxisScale.Log2, YLabel, [], series)
        {
            References = [.. references.Select(r => (Name: StudyChartModels.Label(r.Axes), Value: Error(r.Metrics[MetricKind.FinalTestAcc])))
                .Where(r => r.Value is not null).Select(r => new AxisReference(r.Name, r.Value!))],
        };
        var byCell = (modes ?? []).ToDictionary(m => m.Cell.Key);
        var three = Series(placed.Where(p => byCell.ContainsKey(p.Cell.Key)).SelectMany(p =>
        {
            var m = byCell[p.Cell.Key];
            return new[] { ("running (EMA)", m.Running), ("precise", m.Precise), ("batch stats", m.BatchStats) }
                .Select(mode => (Series: Join(p.Series, mode.Item1), p.X, Value: Error(mode.Item2)));
        }));
        if (three.Count > 0)
            yield return new AxisChart(key + StatisticsSuffix, dataset, $"Final test error with running, precise, batch statistics {by}",
                axis, AxisScale.Log2, YLabel, [], three);
    }

    public const string YLabel = "final test error (%)";

    /// <summary>The key's ending of a chart of the running, precise and batch statistics' errors.</summary>
    public const string StatisticsSuffix = "-statistics";

    private static List<AxisSeries> Series(IEnumerable<(string Series, double X, Estimate? Value)> points) =>
        [.. points.Where(p => p.Value is not null).GroupBy(p => p.Series)
            .Select(g => new AxisSeries(g.Key, [.. g.Select(p => new AxisPoint(p.X, Label(p.X), p.Value!)).OrderBy(p => p.Position)]))];

    /// <summary>100 − a final test accuracy, its interval turned round with it.</summary>
    private static Estimate? Error(CellSummary accuracy) => accuracy switch
    {
        { Mean: { } mean } s => new Estimate(100 - mean, s.Ci95 is { } ci ? 100 - ci.Upper : null, s.Ci95 is { } c2 ? 100 - c2.Lower : null, s.N),
        _ => null,
    };

    /// <summary>The cells whose norm on <paramref name="axis"/> has <paramref name="number"/> as a power of two, when they
    /// hold at least two different values of it (else none: one value is no curve).</summary>
    private static IEnumerable<CellResult> Charted(IReadOnlyList<CellResult> cells, string axis, string number)
    {
        var charted = cells.Where(c => NormNumber(ValueOf(c, axis), number) is { } x && x > 0 && double.IsInteger(Math.Log2(x))).ToList();
        return charted.Select(c => NormNumber(ValueOf(c, axis), number)).Distinct().Count() >= 2 ? charted : [];
    }

    private static double? NormNumber(JsonNode? norm, string field) =>
        norm is JsonObject o && o["kind"] is JsonValue && o[field] is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    private static string Kind(JsonNode? norm) => norm is JsonObject o && o["kind"] is JsonValue k && k.TryGetValue<string>(out var s) ? s : "";

    private static JsonNode? ValueOf(CellResult c, string axis) => StudyChartModels.ValueOf(c, axis);

    private static string Label(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : $"{a}, {b}";
}
