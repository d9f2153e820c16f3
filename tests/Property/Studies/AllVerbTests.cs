using System.Text.Json.Nodes;
using Norms.Data;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Studies;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Studies;

/// <summary>
/// `all` end to end on slices of the real data (NORMS_DATA): the seeds' study, every built-in experiment × 2 seeds
/// (--quick's), 1 epoch on 64 training and 64 test images, then its report. Without NORMS_DATA the test passes after
/// saying why it checked nothing, except under CI=true, where it fails.
/// </summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class AllVerbTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void All_is_the_seeds_study_with_two_seeds_under_quick_and_writes_its_report()
    {
        if (global::Norms.Tests.Prerequisite.DataRoot(output, "the real data", global::Norms.Tests.Prerequisite.HasMnist) is not { } root) return;
        var outDir = Path.Combine(temp.Path, "out");
        var r = InProcessCli.Run("all", "--quick", "--limit-train", "64", "--limit-test", "64", "--batch-size", "32", "--threads", "1",
            "--out", outDir, "--no-progress", "--data-dir", root);
        Assert.True(r.Exit == 0, r.Err);
        var folder = Path.Combine(outDir, "seeds");
        var study = StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(folder, StudyFile.FileName)))!;
        Assert.Equal(20, study.Runs.Count);
        Assert.All(study.Runs, run => Assert.Equal("completed", run.Status));
        Assert.Equal([1UL, 2UL], study.Runs.Select(run => run.Seed).Distinct().Order());
        Assert.All(study.Runs, run => Assert.Equal(64, new FileInfo(Path.Combine(folder, "runs", run.Id, "predictions.bin")).Length));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, StudyFile.FileName)))!;
        // Two seeds: intervals and p-values exist, and McNemar's view was added by the report from the real labels.
        var first = json["comparisons"]!.AsArray().First(c => (string?)c!["metric"] == "final_test_acc")!;
        Assert.Equal(2, (int)first["n_pairs"]!);
        Assert.NotNull(first["ci95"]);
        Assert.Equal(2, first["mcnemar"]!.AsArray().Count);
        Assert.Equal(20, json["cells"]!.AsArray().Sum(c => c!["targets"]!.AsArray().Count)); // final and best, ten cells
        foreach (var file in new[] { "study-report.md", "study-report.html" }) Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Contains("report: ", r.Out);
    }
}
