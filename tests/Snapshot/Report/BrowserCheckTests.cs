using System.Diagnostics;
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
    private static string? Chromium() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => new[] { "chromium", "chromium-browser", "google-chrome" }.Select(n => Path.Combine(d, n))).FirstOrDefault(File.Exists);

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "check-report-html"))) return Path.Combine(dir.FullName, "scripts", "check-report-html");
        throw new FileNotFoundException("scripts/check-report-html not found above the test binaries");
    }

    [Fact]
    public async Task Report_html_renders_in_headless_chromium()
    {
        if (Chromium() is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("chromium is not on PATH; CI must install it (apt-get install -y chromium)");
            output.WriteLine("SKIPPED: chromium is not on PATH.");
            return;
        }
        var dir = Directory.CreateTempSubdirectory("norms-report-html-").FullName;
        try
        {
            foreach (var r in ReportFixtures.Runs) new RunFolder(Path.Combine(dir, r.Name)).WriteResult(r);
            // The fixtures' own test images, so the HTML embeds the misclassified galleries beside the charts.
            var model = ReportBuilder.Build(ReportFixtures.Runs, new Dictionary<string, ImageSet> { ["mnist"] = ReportFixtures.MnistTest });
            foreach (var f in ReportFiles.Render(model)) ReportWriter.WriteAtomically(Path.Combine(dir, f.RelativePath), f.Content);
            var shot = Path.Combine(dir, "screenshot.png");
            var start = new ProcessStartInfo("bash", [Script(), Path.Combine(dir, "report.html"), shot]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var reading = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
                await process.WaitForExitAsync(limit.Token); // throws when chromium is still running after 2 minutes
            var texts = await reading;
            var (stdout, stderr) = (texts[0], texts[1]);
            output.WriteLine(stdout + stderr);
            // Kept for a person to look at (the test folder itself is deleted).
            if (File.Exists(shot)) File.Copy(shot, Path.Combine(Path.GetTempPath(), "norms-report-screenshot.png"), overwrite: true);
            Assert.True(process.ExitCode == 0, $"check-report-html failed (exit {process.ExitCode}): {stdout}{stderr}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
