using Norms.Reports;
using Norms.Training;
using Norms.Results;

namespace Norms.Snapshot.Tests.Report;

/// <summary>The report's files stay inside the folder it is given, whatever the result.json files in it claim.</summary>
public sealed class ReportFolderTests
{
    [Fact]
    public void A_result_json_naming_a_path_cannot_send_the_reports_files_outside_out()
    {
        var root = Directory.CreateTempSubdirectory("norms-report-folder-").FullName;
        try
        {
            var outDir = Path.Combine(root, "a", "b", "out");
            var folder = Path.Combine(outDir, "copied-run");
            Directory.CreateDirectory(folder);
            var hostile = ReportFixtures.Runs[0] with { Name = "../../../escaped" };
            File.WriteAllText(Path.Combine(folder, "result.json"), RunResultJson.Serialize(hostile));
            var outcome = ReportWriter.Write(outDir, dataRoot: null);
            Assert.Contains("copied-run/curves.svg", outcome.Files);
            var written = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToArray();
            Assert.All(written, f => Assert.StartsWith(outDir + Path.DirectorySeparatorChar, f));
            Assert.Equal("copied-run", ReportWriter.LoadResults(outDir).Single().Name);
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
