using Norms.Data;
using Norms.Experiments.Cli;
using Norms.Studies;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Snapshot.Tests.Studies;

/// <summary>
/// Every published study (the seeds' study in docs/results/seeds, the norm studies in docs/studies/NAME) is verified: its
/// report is rendered again, by the same entry point as `study report`, from a copy of its committed study.json and run
/// folders alone, and must equal the committed study-report.md byte for byte, and the statistics the committed study.json
/// holds. So no report can drift from its data. McNemar's view and the misclassified images need the test set: without NORMS_DATA the test passes after
/// saying so, except under CI=true, where it fails.
/// </summary>
public sealed class CommittedStudyTests(ITestOutputHelper output)
{
    private static string Docs([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "docs"));

    /// <summary>Each committed study folder, relative to docs/.</summary>
    public static TheoryData<string> Studies()
    {
        var data = new TheoryData<string> { "results/seeds" };
        var studies = Path.Combine(Docs(), "studies");
        if (Directory.Exists(studies))
            foreach (var folder in Directory.EnumerateDirectories(studies).Where(d => File.Exists(Path.Combine(d, StudyFile.FileName))).Order(StringComparer.Ordinal))
                data.Add($"studies/{Path.GetFileName(folder)}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Studies))]
    public void A_committed_study_report_is_what_its_committed_runs_give(string study)
    {
        if (global::Norms.Tests.Prerequisite.DataRoot(output, "a folder with mnist/ and cifar-10/",
                r => global::Norms.Tests.Prerequisite.HasMnist(r) && global::Norms.Tests.Prerequisite.HasCifar10(r)) is not { } root) return;
        var committed = Path.Combine(Docs(), study);
        var copy = Directory.CreateTempSubdirectory("norms-committed-study-").FullName;
        try
        {
            var folder = Path.Combine(copy, Path.GetFileName(study));
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(committed, StudyFile.FileName), Path.Combine(folder, StudyFile.FileName));
            foreach (var run in Directory.EnumerateDirectories(Path.Combine(committed, "runs")))
            {
                var target = Path.Combine(folder, "runs", Path.GetFileName(run));
                Directory.CreateDirectory(target);
                foreach (var file in Directory.EnumerateFiles(run)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }

            StudyRunner.Report(folder, root);

            var expected = File.ReadAllText(Path.Combine(committed, "study-report.md"));
            var rendered = File.ReadAllText(Path.Combine(folder, "study-report.md"));
            Assert.True(expected == rendered, $"docs/{study}/study-report.md is not what its run folders give; run `scripts/norms study report docs/{study}` and commit the result");
            var committedJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(committed, StudyFile.FileName)))!;
            var renderedJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, StudyFile.FileName)))!;
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(committedJson, renderedJson), $"docs/{study}/study.json's statistics are not what its run folders give; rerun `study report` and commit");
            Assert.Equal(
                Directory.EnumerateFiles(Path.Combine(committed, "charts")).Select(Path.GetFileName).Order(),
                Directory.EnumerateFiles(Path.Combine(folder, "charts")).Select(Path.GetFileName).Order());
            if (study != "results/seeds") return;
            // The README's results table is the seeds' report's targets table, as committed.
            var section = expected.Split("## Targets\n", 2)[1].Split("\n## ", 2)[0];
            var table = string.Join("\n", section.Split('\n').Where(l => l.StartsWith('|')));
            var readme = File.ReadAllText(Path.Combine(Docs(), "..", "README.md"));
            Assert.True(readme.Contains($"<!-- seeds-targets:begin -->\n{table}\n<!-- seeds-targets:end -->", StringComparison.Ordinal),
                "README.md's seeds table is not the committed report's targets table; copy it between the seeds-targets markers");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
