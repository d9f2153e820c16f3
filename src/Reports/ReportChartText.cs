using System.Globalization;
using System.Text;

namespace Norms.Reports;

/// <summary>
/// A per-run report picture's data model as plain text, what a snapshot approves instead of the picture's bytes: its
/// kind, files, title, each panel's axes and every point drawn (losses to 4 decimals, accuracies to 2; a non-finite value
/// is named, it is a gap in the line), each confusion row, each gallery image.
/// </summary>
public static class ReportChartText
{
    public static string Describe(ReportChart chart)
    {
        var s = new StringBuilder();
        Line(s, $"{Kind(chart)} {chart.Stem}");
        Line(s, $"title: {chart.Title}");
        Line(s, $"files: {chart.PngPath}" + (chart.HasSvg ? $", {chart.SvgPath}" : ""));
        switch (chart)
        {
            case CurvesChart c:
                foreach (var panel in c.Panels)
                {
                    var format = panel.YLabel.Contains("loss", StringComparison.Ordinal) ? "F4" : "F2";
                    Line(s, $"panel \"{panel.Title}\": x epoch (linear), y {panel.YLabel} (linear)");
                    foreach (var line in panel.Lines)
                    {
                        Line(s, $"  line \"{line.Name}\"");
                        foreach (var (epoch, value) in line.Points)
                            Line(s, $"    epoch {epoch}: {(double.IsFinite(value) ? N(value, format) : $"{N(value, "R")} (a gap)")}");
                    }
                }
                break;
            case RunConfusionChart m:
                Line(s, "x: predicted label, y: true label (top to bottom); colour: share of the row");
                Line(s, $"classes: {string.Join(" | ", m.ClassNames)}");
                Line(s, $"images: {m.Counts.Sum(r => r.Sum())}, correct: {Enumerable.Range(0, m.Counts.Count).Sum(i => m.Counts[i][i])}");
                for (var t = 0; t < m.Counts.Count; t++) Line(s, $"  {m.ClassNames[t]}: {string.Join(" ", m.Counts[t])}");
                break;
            case RunGalleryChart g:
                Line(s, $"{g.Gallery.Tiles.Count} image(s) of {g.Gallery.Channels}x{g.Gallery.Height}x{g.Gallery.Width}, {ImageGallery.Scale(g.Gallery.Height)}x, {Math.Min(ImageGallery.Columns, g.Gallery.Tiles.Count)} per row");
                foreach (var t in g.Gallery.Tiles) Line(s, $"  test[{t.Index}] true {t.Label} predicted {t.Pred}: \"{t.Caption}\"");
                break;
        }
        return s.ToString();
    }

    /// <summary>Every picture of the report, one after another, separated by a blank line.</summary>
    public static string Describe(IEnumerable<ReportChart> charts) => string.Join("\n", charts.Select(Describe));

    private static string Kind(ReportChart chart) => chart switch
    {
        CurvesChart => "curves",
        RunConfusionChart => "confusion",
        RunGalleryChart => "misclassified",
        _ => chart.GetType().Name,
    };

    private static string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder s, string text) => s.Append(text).Append('\n');
}
