using System.Text;

namespace Norms.Reports;

/// <summary>A file of the report: its path relative to the output folder and its bytes.</summary>
public sealed record ReportFile(string RelativePath, byte[] Content);

/// <summary>Every file a report consists of, rendered from the model; nothing is written here.</summary>
public static class ReportFiles
{
    public const string Markdown = "report.md";
    public const string Html = "report.html";

    /// <summary>report.md, report.html, and each picture of <see cref="ReportChartModels.All"/> as PNG (and SVG but for the galleries).</summary>
    public static IReadOnlyList<ReportFile> Render(ReportModel model)
    {
        var pngs = new Dictionary<string, byte[]>();
        var svgs = new Dictionary<string, string>();
        foreach (var chart in ReportChartModels.All(model))
        {
            pngs[chart.PngPath] = ReportChartRenderer.Png(chart);
            if (ReportChartRenderer.Svg(chart) is { } svg) svgs[chart.SvgPath] = svg;
        }
        var utf8 = new UTF8Encoding(false);
        return
        [
            new ReportFile(Markdown, utf8.GetBytes(ReportMarkdown.Render(model))),
            new ReportFile(Html, utf8.GetBytes(ReportHtml.Render(model, pngs))),
            .. pngs.Select(p => new ReportFile(p.Key, p.Value)),
            .. svgs.Select(p => new ReportFile(p.Key, utf8.GetBytes(p.Value))),
        ];
    }
}
