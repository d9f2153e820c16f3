using System.Text;
using Norms.Data;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>
/// Every file of a study report, rendered: study-report.md, study-report.html and charts/KEY.png (and .svg). Nothing is
/// written here; <see cref="StudyReportWriter"/> does that.
/// </summary>
public static class StudyReportFiles
{
    public const string Markdown = "study-report.md";
    public const string Html = "study-report.html";

    /// <param name="testSets">Test images by dataset name as result.json spells it, for the misclassified grids.</param>
    /// <param name="notes">Facts about the report itself (e.g. why a test set is not loaded), shown at its end.</param>
    public static IReadOnlyList<ReportFile> Render(string name, StudySummary summary, IReadOnlyList<(string Id, string Status)> runs,
        IReadOnlyDictionary<string, ImageSet> testSets, IReadOnlyList<string>? notes = null)
    {
        var charts = StudyChartModels.Build(summary, testSets);
        var pngs = new Dictionary<string, byte[]>();
        var svgs = new Dictionary<string, string>();
        foreach (var chart in charts.All)
        {
            pngs[chart.PngPath] = StudyChartRenderer.Png(chart);
            if (StudyChartRenderer.Svg(chart) is { } svg) svgs[chart.SvgPath] = svg;
        }
        var utf8 = new UTF8Encoding(false);
        return
        [
            new ReportFile(Markdown, utf8.GetBytes(StudyReportMarkdown.Render(name, summary, runs, charts, notes))),
            new ReportFile(Html, utf8.GetBytes(StudyReportHtml.Render(name, summary, runs, charts, pngs, notes))),
            .. pngs.Select(p => new ReportFile(p.Key, p.Value)),
            .. svgs.Select(p => new ReportFile(p.Key, utf8.GetBytes(p.Value))),
        ];
    }
}

/// <summary>What <see cref="StudyReportWriter.Write"/> wrote.</summary>
public sealed record StudyReportOutcome(string Folder, IReadOnlyList<string> Files, IReadOnlyList<string> Notes)
{
    public string MarkdownPath => Path.Combine(Folder, StudyReportFiles.Markdown);
    public string HtmlPath => Path.Combine(Folder, StudyReportFiles.Html);
    public int Charts => Files.Count(f => f.StartsWith(StudyChartModels.Folder + "/", StringComparison.Ordinal));
}

/// <summary>
/// The study report's edge: loads the test images the galleries need (never downloads), renders every file and writes
/// each atomically into the study folder; chart files of an earlier report that this one no longer has are removed, so
/// charts/ holds exactly what the report shows.
/// </summary>
public static class StudyReportWriter
{
    /// <param name="dataRoot">The data root holding mnist/ and cifar-10/ (resolved); null leaves the misclassified grids out.</param>
    /// <exception cref="ReportException">the charts' font is missing.</exception>
    public static StudyReportOutcome Write(string folder, string name, StudySummary summary, IReadOnlyList<(string Id, string Status)> runs, string? dataRoot)
    {
        ChartFont.Ensure();
        var notes = new List<string>();
        var testSets = ReportWriter.LoadTestSets([.. summary.Cells.SelectMany(c => c.Completed)], dataRoot, notes, new Dictionary<string, ImageSet>());
        var files = StudyReportFiles.Render(name, summary, runs, testSets, notes);
        var full = Path.GetFullPath(folder);
        foreach (var f in files) ReportWriter.WriteAtomically(Path.Combine(full, f.RelativePath), f.Content);
        var charts = Path.Combine(full, StudyChartModels.Folder);
        var keep = files.Select(f => Path.Combine(full, f.RelativePath)).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in (Directory.Exists(charts) ? Directory.EnumerateFiles(charts) : []).Where(f => (f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal)) && !keep.Contains(f)))
            File.Delete(stale);
        return new StudyReportOutcome(full, [.. files.Select(f => f.RelativePath)], notes);
    }
}
