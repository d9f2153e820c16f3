using FsCheck;
using FsCheck.Fluent;
using Norms.Results;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>
/// PreciseBN's and the batch statistics' test accuracies in a study (study.json "evaluation_modes"): only batch-norm
/// cells whose runs recorded them, each run's differences with its own running-statistics accuracy, paired by seed, and
/// each kind of difference one Holm family across the cells.
/// </summary>
public sealed class EvaluationModesTests
{
    private const string Ghost = """
        { "name": "ghost", "base": "mnist-bn",
          "axes": { "norm": [{"kind": "batch", "ghost_batch": 2}, {"kind": "batch", "ghost_batch": 16}, {"kind": "group", "groups": 2}] },
          "seeds": 4, "overrides": { "precise_bn": 1000 } }
        """;

    private static IReadOnlyList<StudyRun> Runs() => StudyGrid.Expand(StudySpecJson.Parse(Ghost).Value!, StudyFlags.None).Runs;

    private static RunResult Result(StudyRun run, double running, double? precise, double? batch, RunStatus status = RunStatus.Completed) =>
        (RunResult.FailedBeforeStart(run.Spec, "") with
        {
            Status = status,
            Message = null,
            TestSamples = 10_000,
            Epochs =
            [
                // An earlier epoch's passes must not count: only the final epoch's do.
                new EpochRecord(1, 0.5, 80, 0.4, running - 5, 0.01, 1, TestAccPrecise: 0, TestLossPrecise: 9, TestAccBatchStats: 0, TestLossBatchStats: 9),
                new EpochRecord(2, 0.3, 90, 0.2, running, 0.01, 1, TestAccPrecise: precise, TestLossPrecise: precise is null ? null : 0.2,
                    TestAccBatchStats: batch, TestLossBatchStats: batch is null ? null : 0.2),
            ],
        }).WithBests();

    private static bool IsBatch(StudyRun r) => r.Spec.Norm is global::Norms.BatchNorm;

    [Property(MaxTest = 200)]
    public FsCheck.Property Each_difference_is_the_mean_of_the_runs_own_differences_over_the_final_epoch()
    {
        var gen = Gen.Choose(-300, 300).ArrayOf(24).Where(a => a.Length == 24);
        return Prop.ForAll(gen.ToArbitrary(), noise =>
        {
            var runs = Runs();
            var results = runs.Select((r, i) => (r, i)).ToDictionary(x => x.r.Id, x => IsBatch(x.r)
                ? Result(x.r, 98 + noise[x.i] / 1000.0, 98 + noise[x.i] / 1000.0 + noise[(x.i + 7) % 24] / 100.0, 98 + noise[x.i] / 1000.0 - noise[(x.i + 11) % 24] / 100.0)
                : Result(x.r, 97, null, null));
            var modes = StudyStatistics.Summarize(runs, results).EvaluationModes;
            Assert.Equal(2, modes.Count); // the group norm cell recorded nothing
            foreach (var m in modes)
            {
                var cellRuns = runs.Where(r => r.CellKey == m.Cell.Key).Select(r => results[r.Id]).ToList();
                var precise = cellRuns.Select(r => r.Epochs[^1].TestAccPrecise!.Value - r.Epochs[^1].TestAcc).Average();
                var batch = cellRuns.Select(r => r.Epochs[^1].TestAccBatchStats!.Value - r.Epochs[^1].TestAcc).Average();
                Assert.Equal(precise, m.PreciseMinusRunning.MeanDiff!.Value, 9);
                Assert.Equal(batch, m.BatchStatsMinusRunning.MeanDiff!.Value, 9);
                Assert.Equal(4, m.PreciseMinusRunning.NPairs);
                Assert.Equal(cellRuns.Select(r => r.Epochs[^1].TestAccPrecise!.Value).Average(), m.Precise.Mean!.Value, 9);
                Assert.Equal(m.Cell.Metrics[MetricKind.FinalTestAcc].Mean, m.Running.Mean);
            }
        });
    }

    [Fact]
    public void A_steady_gain_is_better_a_wobble_is_indistinguishable_and_holm_runs_over_the_cells()
    {
        var runs = Runs();
        // k = 2: precise is 0.3 points above running in every seed (± 0.02); k = 16: ± 0.05 around it.
        var results = runs.ToDictionary(r => r.Id, r => r.Spec.Norm is global::Norms.BatchNorm { GhostBatch: var k }
            ? Result(r, 98, 98 + (k == 2 ? 0.3 + 0.02 * ((int)r.Seed % 2) : 0.05 * ((int)r.Seed % 2 * 2 - 1)), 98 - 0.01 * (int)r.Seed)
            : Result(r, 97, null, null));
        var modes = StudyStatistics.Summarize(runs, results).EvaluationModes;
        Assert.Equal(Verdict.Better, modes[0].PreciseMinusRunning.Verdict);
        Assert.Equal(Verdict.Indistinguishable, modes[1].PreciseMinusRunning.Verdict);
        Assert.All(modes, m => Assert.True(m.PreciseMinusRunning.PHolm >= m.PreciseMinusRunning.P));
        // Two tests in the family: the smaller p is doubled by Holm.
        var smallest = modes.MinBy(m => m.PreciseMinusRunning.P)!.PreciseMinusRunning;
        Assert.Equal(Math.Min(1, 2 * smallest.P!.Value), smallest.PHolm!.Value, 12);
    }

    [Fact]
    public void Runs_that_did_not_complete_count_nowhere_and_without_any_record_there_is_nothing()
    {
        var runs = Runs();
        var results = runs.ToDictionary(r => r.Id, r => IsBatch(r)
            ? Result(r, 98, 99, 97, r.Seed == 4 ? RunStatus.Interrupted : RunStatus.Completed)
            : Result(r, 97, null, null));
        var modes = StudyStatistics.Summarize(runs, results).EvaluationModes;
        Assert.All(modes, m => Assert.Equal(3, m.Running.N));

        var none = runs.ToDictionary(r => r.Id, r => Result(r, 97, null, null));
        var summary = StudyStatistics.Summarize(runs, none);
        Assert.Empty(summary.EvaluationModes);
        Assert.Null(StudySummaryJson.EvaluationModes(summary)); // so study.json leaves the key out
    }
}
