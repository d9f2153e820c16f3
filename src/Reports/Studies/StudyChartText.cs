using System.Globalization;
using System.Text;

namespace Norms.Reports;

/// <summary>
/// A chart's data model as plain text, numbers rounded (accuracies and differences to 2 decimals, losses to 4): what a
/// snapshot approves instead of the picture's bytes. It names the chart's kind, file, title, axes (label and scale) and
/// every series, point and interval the picture draws.
/// </summary>
public static class StudyChartText
{
    public static string Describe(StudyChart chart)
    {
        var s = new StringBuilder();
        Line(s, $"{Kind(chart)} {chart.Key} ({chart.Dataset})");
        Line(s, $"title: {chart.Title}");
        Line(s, $"files: {chart.PngPath}" + (chart.HasSvg ? $", {chart.SvgPath}" : ""));
        switch (chart)
        {
            case CurveChart c:
                var loss = c.YLabel.Contains("loss", StringComparison.Ordinal);
                Line(s, "x: epoch (linear)");
                Line(s, $"y: {c.YLabel} (linear)");
                foreach (var series in c.Series)
                {
                    Line(s, $"series \"{series.Name}\"");
                    foreach (var (epoch, v) in series.Points) Line(s, $"  epoch {epoch}: {Estimate(v, loss ? "F4" : "F2")}");
                }
                break;
            case AxisChart a:
                Line(s, $"x: {a.Axis} ({Scale(a.Scale)})" + (a.Categories.Count > 0 ? $", categories: {string.Join(" | ", a.Categories)}" : ""));
                Line(s, $"y: {a.YLabel} (linear), error bars: 95 % CI");
                foreach (var series in a.Series)
                {
                    Line(s, $"series \"{series.Name}\"");
                    foreach (var p in series.Points) Line(s, $"  {a.Axis} {p.Label} at x {N(p.Position, "G6")}: {Estimate(p.Value, "F2")}");
                }
                foreach (var r in a.References) Line(s, $"reference \"{r.Name}\" across the axis: {Estimate(r.Value, "F2")}");
                break;
            case ForestChart f:
                Line(s, $"x: {f.XLabel} (linear), reference line at 0");
                Line(s, "y: one row per comparison, top to bottom");
                foreach (var r in f.Rows)
                    Line(s, $"  {r.Label}: {(r.MeanDiff is { } d ? N(d, "F2") : "-")} [{(r.Lower is { } lo ? N(lo, "F2") : "-")}, {(r.Upper is { } hi ? N(hi, "F2") : "-")}], pairs {r.NPairs}, {r.Verdict}");
                break;
            case ConfusionChart m:
                Line(s, "x: predicted label, y: true label (top to bottom); colour: share of the row");
                Line(s, $"classes: {string.Join(" | ", m.ClassNames)}");
                Line(s, $"runs summed: {m.Runs}, images: {m.Counts.Sum(r => r.Sum())}");
                for (var t = 0; t < m.Counts.Count; t++) Line(s, $"  {m.ClassNames[t]}: {string.Join(" ", m.Counts[t])}");
                break;
            case GalleryChart g:
                Line(s, $"seed {g.Seed}, {g.Tiles.Count} image(s) of {g.Channels}x{g.Height}x{g.Width}");
                foreach (var t in g.Tiles) Line(s, $"  test[{t.Index}] true {t.Label} predicted {t.Pred}: \"{t.Caption}\"");
                break;
        }
        return s.ToString();
    }

    /// <summary>Every chart of the set, one after another, separated by a blank line.</summary>
    public static string Describe(StudyChartSet set) => string.Join("\n", set.All.Select(Describe));

    private static string Kind(StudyChart chart) => chart switch
    {
        CurveChart => "curves",
        AxisChart => "by-axis",
        ForestChart => "forest",
        ConfusionChart => "confusion",
        GalleryChart => "misclassified",
        _ => chart.GetType().Name,
    };

    private static string Scale(AxisScale scale) => scale switch
    {
        AxisScale.Log2 => "log2",
        AxisScale.Linear => "linear",
        _ => "categorical",
    };

    private static string Estimate(Estimate e, string format) =>
        $"mean {N(e.Mean, format)}" + (e.Lower is { } lo && e.Upper is { } hi ? $" [{N(lo, format)}, {N(hi, format)}]" : " (no CI)") + $" n {e.N}";

    private static string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder s, string text) => s.Append(text).Append('\n');
}
