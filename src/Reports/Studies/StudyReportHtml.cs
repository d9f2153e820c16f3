using System.Net;
using System.Text;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>
/// study-report.html: the Markdown report's tables, sentences and charts in one self-contained file (the PNGs as data:
/// URIs, inline CSS, no scripts, nothing fetched). A pure function of the summary and the rendered pictures.
/// </summary>
public static class StudyReportHtml
{
    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #222; background: #fff; margin: 0 auto; max-width: 1150px; padding: 16px 24px 48px; line-height: 1.45; }
        h1 { font-size: 1.8em; margin: 0.4em 0; }
        h2 { border-bottom: 2px solid #4e79a7; padding-bottom: 4px; margin-top: 2em; }
        h3 { margin-top: 1.6em; }
        table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
        th, td { border: 1px solid #ccc; padding: 3px 7px; }
        th { background: #eef2f7; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.better { background: #e6f4ea; } td.worse { background: #fdecea; }
        figure { margin: 10px 0 18px; }
        figure img { max-width: 100%; height: auto; display: block; border: 1px solid #eee; }
        figcaption { color: #555; font-size: 0.9em; }
        .cells { display: flex; flex-wrap: wrap; gap: 12px; }
        .cells figure { flex: 1 1 480px; }
        ul.analysis li { margin: 4px 0; }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          h2, h3 { break-after: avoid; }
          figure, table { break-inside: avoid; }
          .cells { display: block; }
        }
        """;

    /// <param name="pngs">Every chart's PNG by its path relative to the report (<see cref="StudyChart.PngPath"/>).</param>
    public static string Render(string name, StudySummary summary, IReadOnlyList<(string Id, string Status)> runs,
        StudyChartSet charts, IReadOnlyDictionary<string, byte[]> pngs, IReadOnlyList<string>? notes = null)
    {
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.Append("<title>").Append(E($"Study {name}")).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        s.Append("<h1>").Append(E($"Study {name}")).Append("</h1>\n<p>").Append(E(StudyReportTables.StatusLine(runs))).Append("</p>\n");

        s.Append("<h2 id=\"cells\">Cells</h2>\n<p>").Append(E(StudyReportTables.CellsIntro)).Append("</p>\n");
        Table(s, StudyReportTables.Cells(summary), firstNumeric: 1);
        if (StudyReportTables.Rungs(summary) is { } rungs)
        {
            s.Append("<h2 id=\"rungs\">").Append(E(StudyReportTables.RungsTitle)).Append("</h2>\n<p>").Append(E(StudyReportTables.RungsIntro)).Append("</p>\n");
            Table(s, rungs, firstNumeric: 1);
        }
        if (StudyReportTables.Targets(summary) is { } targets)
        {
            s.Append("<h2 id=\"targets\">Targets</h2>\n<p>").Append(E(StudyReportTables.TargetsIntro)).Append("</p>\n");
            Table(s, targets, firstNumeric: 4);
        }

        s.Append("<h2 id=\"comparisons\">Comparisons</h2>\n");
        if (summary.Comparisons.Count == 0) s.Append("<p>").Append(E(StudyReportTables.NoComparisons)).Append("</p>\n");
        else
        {
            s.Append("<p>").Append(E(StudyReportTables.ComparisonsIntro)).Append("</p>\n");
            Table(s, StudyReportTables.Comparisons(summary), firstNumeric: 5);
            s.Append("<h2 id=\"analysis\">What the comparisons say</h2>\n<ul class=\"analysis\">\n");
            foreach (var sentence in StudyReportTables.Sentences(summary)) s.Append("<li>").Append(E(sentence)).Append("</li>\n");
            s.Append("</ul>\n");
            if (StudyReportTables.McNemar(summary) is { } mcnemar)
            {
                s.Append("<h2 id=\"mcnemar\">McNemar, seed by seed</h2>\n<p>").Append(E(StudyReportTables.McNemarIntro)).Append("</p>\n");
                Table(s, mcnemar, firstNumeric: 4);
            }
        }

        if (StudyReportTables.EvaluationModes(summary) is { } modes)
        {
            s.Append("<h2 id=\"evaluation-modes\">").Append(E(StudyReportTables.EvaluationModesTitle)).Append("</h2>\n<p>").Append(E(StudyReportTables.EvaluationModesIntro)).Append("</p>\n");
            Table(s, modes, firstNumeric: 1);
            s.Append("<ul class=\"analysis\">\n");
            foreach (var sentence in StudyReportTables.EvaluationModeSentences(summary)) s.Append("<li>").Append(E(sentence)).Append("</li>\n");
            s.Append("</ul>\n");
        }

        if (charts.Datasets.Count > 0)
        {
            s.Append("<h2 id=\"charts\">Charts</h2>\n<p>").Append(E(StudyReportText.ChartsIntro)).Append("</p>\n");
            foreach (var d in charts.Datasets)
            {
                s.Append("<h3>").Append(E(d.Title)).Append("</h3>\n");
                foreach (var chart in d.Charts) Figure(s, chart, pngs);
                if (d.ChartsNote is { } chartsNote) s.Append("<p>").Append(E(chartsNote)).Append("</p>\n");
                if (d.CellsNote is { } cellsNote) s.Append("<p>").Append(E(cellsNote)).Append("</p>\n");
                foreach (var cell in d.Cells)
                {
                    s.Append("<h4>").Append(E($"{d.Title}: {cell.Label}")).Append("</h4>\n<div class=\"cells\">\n");
                    if (cell.Confusion is { } confusion) Figure(s, confusion, pngs);
                    if (cell.Gallery is { } gallery) Figure(s, gallery, pngs);
                    s.Append("</div>\n");
                    if (cell.Notes.Count > 0)
                    {
                        s.Append("<ul>\n");
                        foreach (var note in cell.Notes) s.Append("<li>").Append(E(note)).Append("</li>\n");
                        s.Append("</ul>\n");
                    }
                }
            }
        }
        if (notes is { Count: > 0 })
        {
            s.Append("<h2 id=\"notes\">Notes</h2>\n<ul>\n");
            foreach (var note in notes) s.Append("<li>").Append(E(note)).Append("</li>\n");
            s.Append("</ul>\n");
        }
        s.Append("</body>\n</html>\n");
        return s.ToString();
    }

    /// <summary>A table; the columns from <paramref name="firstNumeric"/> on that hold numbers are right-aligned, and a verdict
    /// cell is shaded by its word.</summary>
    private static void Table(StringBuilder s, StudyTable table, int firstNumeric)
    {
        s.Append("<table>\n<thead><tr>");
        foreach (var h in table.Header) s.Append("<th>").Append(E(h)).Append("</th>");
        s.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            s.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                var cls = row[i] is "better" or "worse" ? $" class=\"{row[i]}\"" : i >= firstNumeric && LooksNumeric(row[i]) ? " class=\"num\"" : "";
                s.Append("<td").Append(cls).Append('>').Append(E(row[i])).Append("</td>");
            }
            s.Append("</tr>\n");
        }
        s.Append("</tbody>\n</table>\n");
    }

    private static bool LooksNumeric(string cell) => cell.Length > 0 && (char.IsDigit(cell[0]) || cell[0] is '-' or '[');

    private static void Figure(StringBuilder s, StudyChart chart, IReadOnlyDictionary<string, byte[]> pngs)
    {
        if (!pngs.TryGetValue(chart.PngPath, out var png)) return;
        s.Append("<figure><img alt=\"").Append(E(chart.Title)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png))
         .Append("\"><figcaption>").Append(E(StudyReportText.Caption(chart))).Append("</figcaption></figure>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
