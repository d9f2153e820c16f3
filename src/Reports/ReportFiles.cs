using System.Text;
using Norms.Results;

namespace Norms.Reports;

/// <summary>A file of the report: its path relative to the output folder and its bytes.</summary>
public sealed record ReportFile(string RelativePath, byte[] Content);

/// <summary>Every file a report consists of, rendered from the model; nothing is written here.</summary>
public static class ReportFiles
{
    public const string Markdown = "report.md";
    public const string Html = "report.html";

    public static IReadOnlyList<ReportFile> Render(ReportModel model)
    {
        var svgs = new Dictionary<string, string>();
        var pngs = new Dictionary<string, byte[]>();
        foreach (var metric in CurveMetric.All) svgs[metric.FileName] = ReportCharts.Combined(model, metric);
        foreach (var e in model.Experiments)
        {
            svgs[$"{e.Folder}/curves.svg"] = ReportCharts.Experiment(e);
            if (ReportCharts.Confusion(e) is { } confusion) svgs[$"{e.Folder}/confusion.svg"] = confusion;
            if (ReportCharts.Misclassified(e) is { } png) pngs[$"{e.Folder}/misclassified.png"] = png;
        }
        var utf8 = new UTF8Encoding(false);
        return
        [
            new ReportFile(Markdown, utf8.GetBytes(ReportMarkdown.Render(model))),
            new ReportFile(Html, utf8.GetBytes(ReportHtml.Render(model, svgs, pngs))),
            .. svgs.Select(p => new ReportFile(p.Key, utf8.GetBytes(p.Value))),
            .. pngs.Select(p => new ReportFile(p.Key, p.Value)),
        ];
    }
}
