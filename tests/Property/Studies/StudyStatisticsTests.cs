using Norms.Results;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>A study's runs reduced to cells and comparisons: n counts completed runs, pairs are by seed, and only cells
/// that differ in one axis are compared, along that axis.</summary>
public sealed class StudyStatisticsTests
{
    private const string Grid = """
        { "name": "grid", "base": "mnist-bn",
          "axes": { "batch_size": [16, 64], "l1": [0, 0.00001] }, "seeds": 3 }
        """;

    private static IReadOnlyList<StudyRun> Runs() =>
        StudyGrid.Expand(StudySpecJson.Parse(Grid).Value!, StudyFlags.None).Runs;

    private static RunResult Result(StudyRun run, double finalAcc, RunStatus status = RunStatus.Completed) =>
        (RunResult.FailedBeforeStart(run.Spec, "") with
        {
            Status = status,
            Message = null,
            TestSamples = 10_000,
            Epochs = [new EpochRecord(1, 0.5, 80, 0.4, finalAcc - 1, 0.01, 1), new EpochRecord(2, 0.3, 90, 0.2 - finalAcc / 1000, finalAcc, 0.01, 1)],
        }).WithBests();

    [Fact]
    public void Cells_follow_the_grid_and_count_completed_runs_only()
    {
        var runs = Runs();
        var results = runs.ToDictionary(r => r.Id, r => Result(r, 90 + r.Seed, r.Seed == 3 && r.Spec.BatchSize == 16 ? RunStatus.Diverged : RunStatus.Completed));
        var summary = StudyStatistics.Summarize(runs, results);
        Assert.Equal(4, summary.Cells.Count);
        Assert.Equal([2, 2, 3, 3], summary.Cells.Select(c => c.Metrics[MetricKind.FinalTestAcc].N));
        Assert.All(summary.Cells, c => Assert.Equal(3, c.Asked));
        Assert.Equal(91.5, summary.Cells[0].Metrics[MetricKind.FinalTestAcc].Mean);
        Assert.Equal(92, summary.Cells[2].Metrics[MetricKind.FinalTestAcc].Mean);
    }

    [Fact]
    public void Comparisons_pair_by_seed_along_one_axis_with_the_other_axes_equal()
    {
        var runs = Runs();
        // batch 16 scores 1 point more than batch 64 for every seed; l1 changes nothing.
        var results = runs.ToDictionary(r => r.Id, r => Result(r, 90 + r.Seed * 0.5 + (r.Spec.BatchSize == 16 ? 1 : 0)));
        var summary = StudyStatistics.Summarize(runs, results);
        var accuracy = summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc).ToList();
        // Two axes with two values each: two comparisons along batch_size (one per l1) and two along l1.
        Assert.Equal(["batch_size", "batch_size", "l1", "l1"], accuracy.Select(c => c.Axis));
        Assert.All(accuracy, c => Assert.Equal(3, c.Result.NPairs));
        Assert.All(accuracy.Where(c => c.Axis == "batch_size"), c => Assert.Equal(1, c.Result.MeanDiff!.Value, 12));
        Assert.All(accuracy.Where(c => c.Axis == "batch_size"), c => Assert.Equal(Verdict.Better, c.Result.Verdict));
        Assert.All(accuracy.Where(c => c.Axis == "l1"), c => Assert.Equal(0, c.Result.MeanDiff!.Value, 12));
        Assert.All(accuracy.Where(c => c.Axis == "l1"), c => Assert.Equal(Verdict.Indistinguishable, c.Result.Verdict));
        // Holm over the metric's four comparisons: each adjusted p is at least its raw p.
        Assert.All(accuracy, c => Assert.True(c.Result.PHolm >= c.Result.P));
    }

    [Fact]
    public void Experiments_on_different_datasets_are_never_compared()
    {
        var study = StudySpecJson.Parse("""{ "name": "e", "axes": { "experiment": ["mnist-bn", "mnist-gn", "cifar10-bn"] }, "seeds": 2 }""").Value!;
        var runs = StudyGrid.Expand(study, StudyFlags.None).Runs;
        var summary = StudyStatistics.Summarize(runs, runs.ToDictionary(r => r.Id, r => Result(r, 90 + r.Seed)));
        var pairs = summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc).Select(c => (c.A.Dataset, c.B.Dataset)).ToList();
        Assert.Equal([("mnist", "mnist")], pairs);
    }

    [Fact]
    public void One_seed_gives_no_verdicts()
    {
        var runs = StudyGrid.Expand(StudySpecJson.Parse(Grid.Replace("\"seeds\": 3", "\"seeds\": 1")).Value!, StudyFlags.None).Runs;
        var summary = StudyStatistics.Summarize(runs, runs.ToDictionary(r => r.Id, r => Result(r, 90 + r.Spec.BatchSize / 16.0)));
        Assert.All(summary.Comparisons, c => Assert.Equal(Verdict.Insufficient, c.Result.Verdict));
        Assert.All(summary.Cells, c => Assert.Null(c.Metrics[MetricKind.FinalTestAcc].Ci95));
    }
}
