using Norms.Results;

namespace Norms.Studies;

/// <summary>
/// One batch-norm cell's final test accuracy three ways (spec precise_bn; "Rethinking Batch in BatchNorm", Wu and Johnson
/// 2021): with the running (EMA) statistics training kept, with PreciseBN's population statistics, and with each test
/// batch's own statistics (the train/eval gap). The differences are within runs, paired by seed: precise − running and
/// batch − running, each judged in its own Holm family across the study's cells.
/// </summary>
public sealed record EvaluationModeCell(CellResult Cell, CellSummary Running, CellSummary Precise, CellSummary BatchStats,
    Comparison PreciseMinusRunning, Comparison BatchStatsMinusRunning);

public static class EvaluationModes
{
    /// <summary>The cells whose completed runs recorded the precise and batch-statistics passes on their last epoch, in
    /// the cells' order; empty when no run did (a study without precise_bn, or of group norms only).</summary>
    public static IReadOnlyList<EvaluationModeCell> Of(IReadOnlyList<CellResult> cells)
    {
        var metric = MetricKind.FinalTestAcc;
        var measured = cells
            .Select(c => (Cell: c, Runs: c.Completed.Where(r => r.Epochs.Count > 0 && r.Epochs[^1] is { TestAccPrecise: not null, TestAccBatchStats: not null }).ToList()))
            .Where(c => c.Runs.Count > 0)
            .Select(c => (c.Cell,
                Running: Observe(c.Runs, e => e.TestAcc),
                Precise: Observe(c.Runs, e => e.TestAccPrecise!.Value),
                Batch: Observe(c.Runs, e => e.TestAccBatchStats!.Value),
                TestImages: c.Runs[0].TestSamples))
            .ToList();
        // Each difference is of two passes over the same test images, each a whole number of images: the floor of a difference.
        var precise = ComparisonFamily.Judge(metric, [.. measured.Select(m => PairedComparison.Compare(m.Precise, m.Running, metric.ResolutionSd(m.TestImages, difference: true)))]);
        var batch = ComparisonFamily.Judge(metric, [.. measured.Select(m => PairedComparison.Compare(m.Batch, m.Running, metric.ResolutionSd(m.TestImages, difference: true)))]);
        return [.. measured.Select((m, i) =>
        {
            var floor = metric.ResolutionSd(m.TestImages, difference: false);
            return new EvaluationModeCell(m.Cell, CellStatistics.Summarize(m.Running, floor), CellStatistics.Summarize(m.Precise, floor),
                CellStatistics.Summarize(m.Batch, floor), precise[i], batch[i]);
        })];
    }

    private static IReadOnlyList<Observation> Observe(IEnumerable<RunResult> runs, Func<EpochRecord, double> value) =>
        [.. runs.Select(r => new Observation(r.Seed, value(r.Epochs[^1]))).Where(o => double.IsFinite(o.Value)).OrderBy(o => o.Seed)];
}
