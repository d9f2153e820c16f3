using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Snapshot.Tests.Report;

/// <summary>scripts/check-report-html (headless Chromium: the DOM's checks and a screenshot that is not blank) on one
/// HTML file, for the run report's and the study report's browser tests alike.</summary>
internal static class HeadlessChromium
{
    /// <summary>Whether chromium is on PATH; when not, says so (<see cref="global::Norms.Tests.Prerequisite"/>: a failure under CI).</summary>
    public static bool AvailableOrSkip(ITestOutputHelper output)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => new[] { "chromium", "chromium-browser", "google-chrome" }.Select(n => Path.Combine(d, n))).Any(File.Exists);
        if (!found) global::Norms.Tests.Prerequisite.Missing(output, "chromium is not on PATH", "CI must install it (apt-get install -y chromium)");
        return found;
    }

    /// <summary>Checks <paramref name="html"/>, keeping its screenshot as <paramref name="keptAs"/> in the temp folder for a
    /// person to look at (the test's own folder is deleted); fails the test when the script does.</summary>
    public static async Task Check(string html, string keptAs, ITestOutputHelper output)
    {
        var shot = Path.Combine(Path.GetDirectoryName(html)!, "screenshot.png");
        var start = new ProcessStartInfo("bash", [Script(), html, shot]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var reading = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            await process.WaitForExitAsync(limit.Token); // throws when chromium is still running after 2 minutes
        var texts = await reading;
        output.WriteLine(texts[0] + texts[1]);
        if (File.Exists(shot)) File.Copy(shot, Path.Combine(Path.GetTempPath(), keptAs), overwrite: true);
        Assert.True(process.ExitCode == 0, $"check-report-html failed (exit {process.ExitCode}): {texts[0]}{texts[1]}");
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "check-report-html"))) return Path.Combine(dir.FullName, "scripts", "check-report-html");
        throw new FileNotFoundException("scripts/check-report-html not found above the test binaries");
    }
}
