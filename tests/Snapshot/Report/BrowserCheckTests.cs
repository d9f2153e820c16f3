using Norms.Data;
using Norms.Reports;
using Norms.Training;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Snapshot.Tests.Report;

/// <summary>
/// report.html must render in a real browser: runs scripts/check-report-html (headless Chromium, DOM + screenshot checks)
/// on a report written from the fixtures. Without chromium on PATH the test passes after saying so, except under
/// CI=true, where it fails: CI must install chromium.
/// </summary>
public sealed class BrowserCheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Report_html_renders_in_headless_chromium()
    {
        if (!HeadlessChromium.AvailableOrSkip(output)) return;
        var dir = Directory.CreateTempSubdirectory("norms-report-html-").FullName;
        try
        {
            foreach (var r in ReportFixtures.Runs) new RunFolder(Path.Combine(dir, r.Name)).WriteResult(r);
            // The fixtures' own test images, so the HTML embeds the misclassified galleries beside the charts.
            var model = ReportBuilder.Build(ReportFixtures.Runs, new Dictionary<string, ImageSet> { ["mnist"] = ReportFixtures.MnistTest });
            foreach (var f in ReportFiles.Render(model)) ReportWriter.WriteAtomically(Path.Combine(dir, f.RelativePath), f.Content);
            await HeadlessChromium.Check(Path.Combine(dir, "report.html"), "norms-report-screenshot.png", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
