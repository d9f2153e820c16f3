using System.Net;
using System.Text;
using Norms.Results;

namespace Norms.Reports;

/// <summary>
/// report.html: one self-contained file (every picture a PNG in a data: URI, inline CSS, no scripts, nothing fetched),
/// laid out for a laptop screen and for print. A pure function of the model and its rendered pictures.
/// </summary>
public static class ReportHtml
{
    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: Helvetica, Arial, 'DejaVu Sans', sans-serif; color: #222; background: #fff; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; line-height: 1.45; }
        h1 { font-size: 1.8em; margin: 0.4em 0; }
        h2 { border-bottom: 2px solid #4e79a7; padding-bottom: 4px; margin-top: 2em; }
        h3 { margin-top: 1.6em; }
        table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 4px 8px; }
        th { background: #eef2f7; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.problem td { background: #fdecea; }
        .warning { border: 2px solid #c0392b; background: #fdecea; color: #7b1d13; padding: 8px 14px; margin: 12px 0; font-weight: bold; }
        .figures { display: flex; flex-wrap: wrap; gap: 12px; }
        figure { margin: 8px 0; }
        figure img { max-width: 100%; height: auto; display: block; }
        .figures figure { flex: 1 1 520px; }
        .figures figure.wide { flex-basis: 100%; }
        pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; }
        pre { background: #f6f8fa; border: 1px solid #ddd; padding: 8px; overflow-x: auto; font-size: 12px; line-height: 1.25; }
        ul.analysis li { margin: 4px 0; }
        .meta { color: #555; }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          h2 { break-before: auto; }
          h2, h3 { break-after: avoid; }
          figure, table, pre, .warning { break-inside: avoid; }
          .figures { display: block; }
          pre { white-space: pre-wrap; font-size: 8pt; }
          a { color: inherit; text-decoration: none; }
        }
        """;

    /// <param name="pngs">Every picture's PNG by its path relative to the report (<see cref="ReportChart.PngPath"/>).</param>
    public static string Render(ReportModel m, IReadOnlyDictionary<string, byte[]> pngs)
    {
        var n = m.Numbers;
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.Append("<title>Norms report</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        s.Append("<h1>Norms report</h1>\n");
        s.Append("<p class=\"meta\">").Append(E($"{m.Experiments.Count} experiment{(m.Experiments.Count == 1 ? "" : "s")}: {string.Join(", ", m.Experiments.Select(e => e.Run.Name))}. " +
            $"Accuracies in percent ({n.AccuracyDecimals} decimals), losses as mean NLL per sample ({n.LossDecimals} decimals); best values are over epochs.")).Append("</p>\n");
        foreach (var w in m.Warnings) s.Append("<div class=\"warning\">WARNING: ").Append(E(w)).Append("</div>\n");

        s.Append("<h2 id=\"results\">Results</h2>\n<table>\n<thead><tr>");
        foreach (var h in ReportTable.Header) s.Append("<th>").Append(E(h)).Append("</th>");
        s.Append("</tr></thead>\n<tbody>\n");
        foreach (var e in m.Experiments)
        {
            s.Append(e.Problem is null ? "<tr>" : "<tr class=\"problem\">");
            var cells = ReportTable.Row(e, n);
            for (var i = 0; i < cells.Count; i++)
                s.Append(ReportTable.IsNumeric(i) ? "<td class=\"num\">" : "<td>").Append(E(cells[i])).Append("</td>");
            s.Append("</tr>\n");
        }
        s.Append("</tbody>\n</table>\n<div class=\"figures\">\n");
        foreach (var metric in CurveMetric.All) Figure(s, ReportChartModels.Combined(m, metric), pngs);
        s.Append("</div>\n");

        s.Append("<h2 id=\"analysis\">Analysis</h2>\n");
        if (m.Analysis.Count == 0) s.Append("<p>No run has a completed epoch, so there is nothing to compare.</p>\n");
        else
        {
            s.Append("<ul class=\"analysis\">\n");
            foreach (var sentence in m.Analysis) s.Append("<li>").Append(E(sentence)).Append("</li>\n");
            s.Append("</ul>\n");
        }

        s.Append("<h2 id=\"provenance\">How these results were made</h2>\n<p>Build and machine, one row per distinct combination:</p>\n");
        Table(s, ReportProvenance.BuildHeader, m.Provenance.Build);
        s.Append("<p>Engine switches, one row per distinct combination:</p>\n");
        Table(s, ReportProvenance.EngineHeader, m.Provenance.Engine);

        s.Append("<h2 id=\"norms\">Norms</h2>\n");
        foreach (var norm in m.Norms)
        {
            s.Append("<h3>").Append(E(norm.Title)).Append("</h3>\n<p>Normalizes ").Append(E(norm.Pooling)).Append(".</p>\n<p>");
            s.Append(string.Join(" ", norm.Sentences.Select(E))).Append("</p>\n<table>\n<thead><tr><th>experiment</th><th>dataset</th><th>L1</th><th>L2</th><th>best test acc</th><th>best test loss</th><th>status</th></tr></thead>\n<tbody>\n");
            foreach (var e in norm.Experiments)
                s.Append(e.Problem is null ? "<tr>" : "<tr class=\"problem\">")
                 .Append("<td>").Append(E(e.Run.Name)).Append("</td><td>").Append(E(e.Run.Dataset)).Append("</td><td class=\"num\">").Append(ReportNumbers.Factor(e.Run.L1))
                 .Append("</td><td class=\"num\">").Append(ReportNumbers.Factor(e.Run.L2)).Append("</td><td class=\"num\">").Append(E(n.Acc(e.Run.BestTestAcc)))
                 .Append("</td><td class=\"num\">").Append(E(n.Loss(e.Run.BestTestLoss))).Append("</td><td>").Append(e.Run.Status.Label()).Append("</td></tr>\n");
            s.Append("</tbody>\n</table>\n");
        }

        s.Append("<h2 id=\"experiments\">Experiments</h2>\n");
        foreach (var e in m.Experiments)
        {
            s.Append("<h3 id=\"").Append(E(e.Run.Name)).Append("\">").Append(E(e.Run.Name)).Append("</h3>\n");
            if (e.Problem is not null) s.Append("<div class=\"warning\">WARNING: ").Append(E($"{e.Run.Name} {e.Problem}")).Append("</div>\n");
            s.Append("<p>").Append(E(ReportMarkdown.Describe(e, n))).Append("</p>\n");
            var charts = ReportChartModels.Of(e);
            Figure(s, charts.Curves, pngs);
            s.Append("<div class=\"figures\">\n");
            if (charts.Confusion is { } confusion) Figure(s, confusion, pngs);
            else s.Append("<p>No confusion matrix was saved.</p>\n");
            if (charts.Gallery is { } gallery)
                Figure(s, gallery, pngs, "wide", $"Misclassified test images (first {gallery.Gallery.Tiles.Count} by test index); caption: predicted (true class).");
            else s.Append("<p>No misclassified images are shown (no test images loaded, or none misclassified).</p>\n");
            s.Append("</div>\n");
        }

        s.Append("<h2 id=\"architectures\">Architectures</h2>\n");
        foreach (var a in m.Architectures)
            s.Append("<h3>").Append(E($"{a.Model} (with {a.Norm})")).Append("</h3>\n<p>").Append(E($"Used by {string.Join(", ", a.Experiments)}; the parameter counts per norm are in the results table."))
             .Append("</p>\n<pre>").Append(E(a.Text.TrimEnd('\n'))).Append("</pre>\n");

        s.Append("<h2 id=\"explain\">Worked example: what each norm pools</h2>\n<p>The <code>explain</code> verb on a fixed tensor (")
         .Append(E(m.ExplainInput)).Append("):</p>\n<pre class=\"wrap\">").Append(E(m.ExplainText.TrimEnd('\n'))).Append("</pre>\n");

        if (m.Notes.Count > 0)
        {
            s.Append("<h2 id=\"notes\">Notes</h2>\n<ul>\n");
            foreach (var note in m.Notes) s.Append("<li>").Append(E(note)).Append("</li>\n");
            s.Append("</ul>\n");
        }
        s.Append("</body>\n</html>\n");
        return s.ToString();
    }

    private static void Table(StringBuilder s, IReadOnlyList<string> header, IReadOnlyList<ProvenanceRow> rows)
    {
        s.Append("<table>\n<thead><tr>");
        foreach (var h in header) s.Append("<th>").Append(E(h)).Append("</th>");
        s.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            s.Append("<tr><td>").Append(E(string.Join(", ", row.Experiments))).Append("</td>");
            foreach (var cell in row.Cells) s.Append("<td>").Append(E(cell)).Append("</td>");
            s.Append("</tr>\n");
        }
        s.Append("</tbody>\n</table>\n");
    }

    /// <summary>A picture as its PNG in a data: URI (inline ScottPlot SVGs would share their clip-path ids in one page).</summary>
    private static void Figure(StringBuilder s, ReportChart chart, IReadOnlyDictionary<string, byte[]> pngs, string? cls = null, string? caption = null)
    {
        s.Append(cls is null ? "<figure>" : $"<figure class=\"{cls}\">").Append("<img alt=\"").Append(E(chart.Title)).Append("\" src=\"data:image/png;base64,")
         .Append(Convert.ToBase64String(pngs[chart.PngPath])).Append("\">");
        if (caption is not null) s.Append("<figcaption>").Append(E(caption)).Append("</figcaption>");
        s.Append("</figure>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
