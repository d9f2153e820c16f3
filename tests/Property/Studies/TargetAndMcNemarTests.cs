using System.Text.Json.Nodes;
using Norms.Results;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>Targets (a cell held against a number by its one-sample 95 % t-interval) and McNemar's view of a comparison,
/// seed by seed, from the runs' predictions.</summary>
public sealed class TargetAndMcNemarTests
{
    private static StudyTarget Target(double value, MetricKind? metric = null) => new([], metric ?? MetricKind.FinalTestAcc, value, null);

    private static CellSummary Cell(params double[] values) => CellStatistics.Summarize(values);

    [Fact]
    public void A_cell_meets_misses_or_cannot_be_told_from_its_target_by_its_interval()
    {
        // 99.0, 99.2, 99.4: mean 99.2, sd 0.2, t(0.975, 2) = 4.303: half-width 0.497, interval [98.703, 99.697].
        var cell = Cell(99.0, 99.2, 99.4);
        Assert.Equal(TargetVerdict.Meets, TargetCheck.Of(Target(98.6), cell).Verdict);
        Assert.Equal(TargetVerdict.Misses, TargetCheck.Of(Target(99.8), cell).Verdict);
        var close = TargetCheck.Of(Target(99.4), cell);
        Assert.Equal(TargetVerdict.Indistinguishable, close.Verdict);
        Assert.Equal(-0.2, close.MeanDiff!.Value, 12);
        Assert.Equal(-0.2 - 4.302652729749464 * 0.2 / Math.Sqrt(3), close.Ci95!.Lower, 9);
        Assert.Equal(-0.2 + 4.302652729749464 * 0.2 / Math.Sqrt(3), close.Ci95!.Upper, 9);
        Assert.Equal(TargetVerdict.Insufficient, TargetCheck.Of(Target(90), Cell(99.0)).Verdict);
    }

    [Fact]
    public void For_a_loss_lower_is_meeting()
    {
        var cell = Cell(0.020, 0.021, 0.022);
        Assert.Equal(TargetVerdict.Meets, TargetCheck.Of(Target(0.03, MetricKind.FinalTestLoss), cell).Verdict);
        Assert.Equal(TargetVerdict.Misses, TargetCheck.Of(Target(0.01, MetricKind.FinalTestLoss), cell).Verdict);
    }

    [Fact]
    public void Targets_name_the_study_s_axes_and_values_or_are_refused_with_the_path()
    {
        static IReadOnlyList<string> Errors(string targets) => StudySpecJson.Parse($$"""
            { "name": "t", "base": "mnist-bn", "axes": { "batch_size": [16, 64] }, "seeds": 2, "targets": {{targets}} }
            """).Errors.Select(e => e.ToString()).ToList();
        Assert.Empty(Errors("""[{ "axes": { "batch_size": 16 }, "value": 99.1, "source": "a paper" }, { "value": 0.03, "metric": "final_test_loss" }]"""));
        Assert.Contains(Errors("""[{ "axes": { "norm": {"kind": "batch"} }, "value": 99 }]"""), e => e.Contains("$.targets[0].axes.norm") && e.Contains("not one of the study's axes"));
        Assert.Contains(Errors("""[{ "axes": { "batch_size": 32 }, "value": 99 }]"""), e => e.Contains("32 is not one of the axis' values (16, 64)"));
        Assert.Contains(Errors("""[{ "value": 99, "metric": "accuracy" }]"""), e => e.Contains("$.targets[0].metric") && e.Contains("final_test_acc"));
        Assert.Contains(Errors("""[{ "axes": {} }]"""), e => e.Contains("$.targets[0].value"));
        Assert.Contains(Errors("""{ "value": 99 }"""), e => e.Contains("$.targets"));
    }

    [Fact]
    public void Changing_targets_or_seeds_keeps_the_study_and_changing_an_axis_does_not()
    {
        var a = JsonNode.Parse("""{ "name": "t", "base": "mnist-bn", "axes": { "batch_size": [16, 64] }, "seeds": 2 }""")!.AsObject();
        var b = JsonNode.Parse("""{ "name": "t", "base": "mnist-bn", "axes": { "batch_size": [16, 64] }, "seeds": 5, "targets": [{ "value": 99 }] }""")!.AsObject();
        var c = JsonNode.Parse("""{ "name": "t", "base": "mnist-bn", "axes": { "batch_size": [16, 32] }, "seeds": 2 }""")!.AsObject();
        Assert.True(StudyFileJson.SameStudy(a, b));
        Assert.False(StudyFileJson.SameStudy(a, c));
    }

    [Fact]
    public void The_summary_checks_each_cell_against_the_targets_that_name_it_and_tests_each_seed_pair_by_McNemar()
    {
        var spec = StudySpecJson.Parse("""
            { "name": "t", "base": "mnist-bn", "axes": { "batch_size": [16, 64] }, "seeds": 3,
              "targets": [{ "axes": { "batch_size": 16 }, "value": 50 }] }
            """).Value!;
        var runs = StudyGrid.Expand(spec, StudyFlags.None).Runs;
        // Eight test images, labels 0..7. Batch 16 gets every image right; batch 64 gets the first `seed` wrong.
        var labels = Enumerable.Range(0, 8).Select(i => (byte)i).ToArray();
        byte[] Predictions(StudyRun r) => [.. labels.Select((l, i) => r.Spec.BatchSize == 64 && i < (int)r.Seed ? (byte)((l + 1) % 8) : l)];
        var results = runs.ToDictionary(r => r.Id, r => (RunResult.FailedBeforeStart(r.Spec, "") with
        {
            Status = RunStatus.Completed, Message = null, TestSamples = 8,
            Epochs = [new EpochRecord(1, 0.5, 80, 0.4, 100 - (r.Spec.BatchSize == 64 ? 12.5 * r.Seed : 0), 0.01, 1)],
        }).WithBests());
        var predictions = new TestPredictions(runs.ToDictionary(r => r.Id, Predictions), new Dictionary<string, byte[]> { ["mnist"] = labels });
        var summary = StudyStatistics.Summarize(runs, results, spec.Targets, predictions);

        Assert.Equal(TargetVerdict.Meets, Assert.Single(summary.Cells[0].Targets).Verdict);
        Assert.Empty(summary.Cells[1].Targets);
        var accuracy = summary.Comparisons.Single(c => c.Metric == MetricKind.FinalTestAcc);
        Assert.Equal([1UL, 2UL, 3UL], accuracy.McNemar.Select(m => m.Seed));
        Assert.Equal([(1, 0), (2, 0), (3, 0)], accuracy.McNemar.Select(m => (m.Test.B, m.Test.C)));
        Assert.Equal(0.5, accuracy.McNemar[1].Test.P, 12); // exact: 2 · P(X ≤ 0) for X ~ Binomial(2, ½), 2 · ¼
        Assert.All(summary.Comparisons.Where(c => c.Metric != MetricKind.FinalTestAcc), c => Assert.Empty(c.McNemar));

        // Without the labels (no data folder) there is no McNemar view, and nothing else changes.
        var blind = StudyStatistics.Summarize(runs, results, spec.Targets, predictions with { LabelsByDataset = new Dictionary<string, byte[]>() });
        Assert.Empty(blind.Comparisons.Single(c => c.Metric == MetricKind.FinalTestAcc).McNemar);
        Assert.Equal(accuracy.Result, blind.Comparisons.Single(c => c.Metric == MetricKind.FinalTestAcc).Result);
    }
}

/// <summary>The test set's resolution as a floor of the spread: two seeds that happen to differ by the same number of
/// images are not a certain difference, and two runs that agree to the image do not give an interval of zero width.</summary>
public sealed class ResolutionFloorTests
{
    [Fact]
    public void Two_seeds_differing_by_the_same_three_images_are_not_a_certain_difference()
    {
        var floor = MetricKind.FinalTestAcc.ResolutionSd(10_000, difference: true);
        Assert.Equal(0.01 / Math.Sqrt(6), floor, 15);
        var raw = PairedComparison.OfDifferences([0.03, 0.03]);
        Assert.Equal(0, raw.P); // the bare t-test: sd 0, certain
        var floored = PairedComparison.OfDifferences([0.03, 0.03], floor);
        // t = 0.03 / (0.01/√6 / √2) = 10.39 on 1 df: two-sided p = 0.061.
        Assert.Equal(0.0611, floored.P!.Value, 3);
        Assert.Equal(0, floored.SdDiff); // the sample's sd is reported as it is
        Assert.Equal(Verdict.Indistinguishable, Verdicts.Of(MetricKind.FinalTestAcc, 2, floored.MeanDiff, floored.P));
        // A spread above the floor is untouched.
        Assert.Equal(PairedComparison.OfDifferences([0.01, 0.05, 0.03]), PairedComparison.OfDifferences([0.01, 0.05, 0.03], floor));
        Assert.Equal(0, MetricKind.FinalTestLoss.ResolutionSd(10_000, difference: true));
    }

    [Fact]
    public void Runs_that_agree_to_the_image_get_an_interval_of_the_resolution()
    {
        var floor = MetricKind.FinalTestAcc.ResolutionSd(10_000, difference: false);
        var cell = CellStatistics.Summarize([99.47, 99.47], floor);
        Assert.Equal(0, cell.Sd);
        Assert.Equal(12.706204736174698 * floor / Math.Sqrt(2), cell.Ci95!.Upper - 99.47, 9);
    }
}
