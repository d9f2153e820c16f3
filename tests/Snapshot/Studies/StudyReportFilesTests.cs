using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Norms.Reports;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Snapshot.Tests.Studies;

/// <summary>The study report's files: the Markdown, the self-contained HTML showing the same tables, and the charts beside them.</summary>
public sealed partial class StudyReportFilesTests(ITestOutputHelper output)
{
    private static IReadOnlyList<ReportFile> Render(StudyFixture f) =>
        StudyReportFiles.Render(f.Name, f.Summary, f.Statuses, StudyFixtures.TestSets, ["a note."]);

    [GeneratedRegex(@"\]\((charts/[^)]+)\)")]
    private static partial Regex Links();

    [Fact]
    public void The_markdown_links_every_chart_file_and_only_files_that_exist()
    {
        var files = Render(StudyFixtures.Mixed);
        var paths = files.Select(f => f.RelativePath).ToHashSet();
        paths.ShouldContain(StudyReportFiles.Markdown);
        paths.ShouldContain(StudyReportFiles.Html);
        var md = Encoding.UTF8.GetString(files.Single(f => f.RelativePath == StudyReportFiles.Markdown).Content);
        var linked = Links().Matches(md).Select(m => m.Groups[1].Value).ToHashSet();
        linked.ShouldAllBe(l => paths.Contains(l));
        paths.Where(p => p.StartsWith("charts/", StringComparison.Ordinal)).ShouldAllBe(p => linked.Contains(p));
        // A PNG for every chart, an SVG for every chart but the image grids.
        var charts = StudyChartModels.Build(StudyFixtures.Mixed.Summary, StudyFixtures.TestSets).All.ToList();
        paths.Count(p => p.EndsWith(".png", StringComparison.Ordinal)).ShouldBe(charts.Count);
        paths.Count(p => p.EndsWith(".svg", StringComparison.Ordinal)).ShouldBe(charts.Count(c => c is not GalleryChart));
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        foreach (var png in files.Where(f => f.RelativePath.EndsWith(".png", StringComparison.Ordinal))) png.Content[..8].ShouldBe(signature, png.RelativePath);
    }

    [Fact]
    public void The_html_is_self_contained_and_shows_the_markdowns_tables_and_sentences()
    {
        var f = StudyFixtures.Grid;
        var files = Render(f);
        var html = Encoding.UTF8.GetString(files.Single(x => x.RelativePath == StudyReportFiles.Html).Content);
        // Nothing to fetch: no URL outside the embedded images' base64 (where "http" can occur by chance).
        Regex.Replace(html, "data:image/png;base64,[A-Za-z0-9+/=]+", "data:").ShouldNotContain("http");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("<link");
        Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ShouldAllBe(src => src.StartsWith("data:image/png;base64,", StringComparison.Ordinal));
        (html.Split("<img ").Length - 1).ShouldBe(files.Count(x => x.RelativePath.EndsWith(".png", StringComparison.Ordinal)));
        foreach (var table in new[] { StudyReportTables.Cells(f.Summary), StudyReportTables.Comparisons(f.Summary) })
        {
            html.ShouldContain("<tr>" + string.Concat(table.Header.Select(h => $"<th>{WebUtility.HtmlEncode(h)}</th>")) + "</tr>");
            foreach (var row in table.Rows)
                Regex.Replace(html, "<td[^>]*>", "<td>").ShouldContain("<tr>" + string.Concat(row.Select(c => $"<td>{WebUtility.HtmlEncode(c)}</td>")) + "</tr>");
        }
        foreach (var sentence in StudyReportTables.Sentences(f.Summary)) html.ShouldContain($"<li>{WebUtility.HtmlEncode(sentence)}</li>");
        html.ShouldContain("@media print");
    }

    [Fact]
    public void The_writer_writes_every_file_into_the_study_folder_and_removes_charts_it_no_longer_draws()
    {
        var f = StudyFixtures.Mixed;
        var dir = Directory.CreateTempSubdirectory("norms-study-report-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "charts"));
            File.WriteAllText(Path.Combine(dir, "charts", "gone.png"), "an old chart");
            File.WriteAllText(Path.Combine(dir, "charts", "keep.txt"), "not a chart");
            var outcome = StudyReportWriter.Write(dir, f.Name, f.Summary, f.Statuses, dataRoot: null);
            File.Exists(outcome.MarkdownPath).ShouldBeTrue();
            File.Exists(outcome.HtmlPath).ShouldBeTrue();
            outcome.Files.ShouldAllBe(p => File.Exists(Path.Combine(dir, p)));
            outcome.Charts.ShouldBe(outcome.Files.Count - 2);
            File.Exists(Path.Combine(dir, "charts", "gone.png")).ShouldBeFalse();
            File.Exists(Path.Combine(dir, "charts", "keep.txt")).ShouldBeTrue();
            Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
            // No data folder: no galleries, and the report says why.
            outcome.Files.ShouldNotContain(p => p.EndsWith("-misclassified.png", StringComparison.Ordinal));
            outcome.Notes.ShouldContain(n => n.Contains("no data folder was given", StringComparison.Ordinal));
            File.ReadAllText(outcome.MarkdownPath).ShouldContain("no data folder was given");
            StudyReportWriter.Write(dir, f.Name, f.Summary, f.Statuses, dataRoot: null).Files.ShouldBe(outcome.Files);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>study-report.html in headless Chromium (scripts/check-report-html: at least 5 pictures, here all PNGs): its embedded
    /// PNGs load, it prints, and a screenshot is not blank. Without chromium the test passes after saying so, except under
    /// CI=true, where it fails.</summary>
    [Fact]
    public async Task Study_report_html_renders_in_headless_chromium()
    {
        if (!Report.HeadlessChromium.AvailableOrSkip(output)) return;
        var dir = Directory.CreateTempSubdirectory("norms-study-html-").FullName;
        try
        {
            foreach (var file in Render(StudyFixtures.Mixed)) ReportWriter.WriteAtomically(Path.Combine(dir, file.RelativePath), file.Content);
            await Report.HeadlessChromium.Check(Path.Combine(dir, StudyReportFiles.Html), "norms-study-report-screenshot.png", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
