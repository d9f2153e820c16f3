using System.Text.Json.Nodes;
using Norms.Results;

namespace Norms.Studies;

/// <summary>One cell: its axis values, the runs it asked for and completed, and each metric's summary.</summary>
public sealed record CellResult(IReadOnlyList<KeyValuePair<string, JsonNode?>> Axes, int Asked, IReadOnlyDictionary<MetricKind, CellSummary> Metrics,
    double? BinomialSePp, IReadOnlyList<RunResult> Completed, string Dataset)
{
    public string Key => AxisJson.Canonical(Axes);

    /// <summary>The study's targets that name this cell, each checked (<see cref="TargetCheck"/>).</summary>
    public IReadOnlyList<TargetResult> Targets { get; init; } = [];

    /// <summary>Whether the cell's values of <paramref name="axes"/> equal these (an empty list matches every cell).</summary>
    public bool Matches(IEnumerable<KeyValuePair<string, JsonNode?>> axes) =>
        axes.All(t => Axes.Any(a => a.Key == t.Key && AxisJson.Value(a.Value) == AxisJson.Value(t.Value)));
}

/// <summary>McNemar's test of one seed's two runs on the same test images (<see cref="McNemar"/>).</summary>
public sealed record SeedMcNemar(ulong Seed, McNemarResult Test);

/// <summary>Cell a against cell b along one axis (the other axes equal), for one metric, paired by seed.</summary>
public sealed record CellComparison(MetricKind Metric, string Axis, CellResult A, CellResult B, Comparison Result)
{
    /// <summary>For final_test_acc, McNemar's test seed by seed where both runs' predictions are known: the test set's
    /// noise beside the seeds'. Empty for the other metrics and without predictions.</summary>
    public IReadOnlyList<SeedMcNemar> McNemar { get; init; } = [];
}

/// <summary>Each run's predicted class per test image (predictions.bin, by run id) and the true labels of each dataset's
/// test images (by the dataset's name, as runs record it), sliced as the runs saw them.</summary>
public sealed record TestPredictions(IReadOnlyDictionary<string, byte[]> ByRun, IReadOnlyDictionary<string, byte[]> LabelsByDataset)
{
    public static TestPredictions None { get; } = new(new Dictionary<string, byte[]>(), new Dictionary<string, byte[]>());
}

/// <summary>A study's statistics: its cells, in the grid's order, and its comparisons, each metric's family judged together.</summary>
public sealed record StudySummary(IReadOnlyList<CellResult> Cells, IReadOnlyList<CellComparison> Comparisons)
{
    /// <summary>The batch-norm cells' test accuracy with running, precise and batch statistics (<see cref="Studies.EvaluationModes"/>);
    /// empty when no run recorded them.</summary>
    public IReadOnlyList<EvaluationModeCell> EvaluationModes { get; init; } = [];

    /// <summary>A successive-halving study's choices so far (<see cref="SuccessiveHalving"/>): each rung's cells ranked
    /// by validation accuracy and how many went on; empty for a plain grid.</summary>
    public IReadOnlyList<RungChoice> Rungs { get; init; } = [];
}

/// <summary>
/// Reduces a study's runs and their results to cells and comparisons: a pure function. A cell's n counts its completed
/// runs only (<see cref="Observations.Of"/>). The comparisons are every pair of values along each axis among cells whose
/// other axis values agree and that train on the same dataset (a is the value listed first), paired by seed; each
/// metric's comparisons are one Holm family.
/// </summary>
public static class StudyStatistics
{
    public static StudySummary Summarize(IReadOnlyList<StudyRun> runs, IReadOnlyDictionary<string, RunResult> results,
        IReadOnlyList<StudyTarget>? targets = null, TestPredictions? predictions = null)
    {
        targets ??= [];
        predictions ??= TestPredictions.None;
        var cells = runs.GroupBy(r => r.CellKey).Select(g =>
        {
            var completed = g.Select(r => results.GetValueOrDefault(r.Id)).OfType<RunResult>().Where(r => r.Status == RunStatus.Completed).ToList();
            var testImages = completed.Select(r => r.TestSamples).FirstOrDefault();
            var metrics = MetricKind.All.ToDictionary(m => m, m => CellStatistics.Summarize(Observations.Of(completed, m), m.ResolutionSd(testImages, difference: false)));
            var final = metrics[MetricKind.FinalTestAcc];
            double? se = final.Mean is { } mean && testImages > 0 ? BinomialError.StandardErrorPp(Math.Clamp(mean, 0, 100), testImages) : null;
            var cell = new CellResult(g.First().Axes, g.Count(), metrics, se, completed, g.First().Spec.Dataset);
            return cell with { Targets = [.. targets.Where(t => cell.Matches(t.Axes)).Select(t => TargetCheck.Of(t, metrics[t.Metric]))] };
        }).ToList();

        var pairs = new List<(string Axis, CellResult A, CellResult B)>();
        var axisNames = runs.Count == 0 ? [] : runs[0].Axes.Select(a => a.Key).ToList();
        foreach (var axis in axisNames)
            for (var i = 0; i < cells.Count; i++)
                for (var j = i + 1; j < cells.Count; j++)
                    // Accuracies on MNIST and CIFAR-10 measure different tasks: cells are compared on one dataset only.
                    if (DifferOnlyIn(cells[i], cells[j], axis) && cells[i].Dataset == cells[j].Dataset) pairs.Add((axis, cells[i], cells[j]));

        var comparisons = new List<CellComparison>();
        foreach (var metric in MetricKind.All)
        {
            var differences = pairs.Select(p => PairedComparison.Compare(Observations.Of(p.A.Completed, metric), Observations.Of(p.B.Completed, metric),
                metric.ResolutionSd(p.A.Completed.Select(r => r.TestSamples).FirstOrDefault(), difference: true))).ToList();
            var judged = ComparisonFamily.Judge(metric, differences);
            comparisons.AddRange(pairs.Select((p, k) => new CellComparison(metric, p.Axis, p.A, p.B, judged[k])
            {
                McNemar = metric == MetricKind.FinalTestAcc ? McNemarBySeed(p.A, p.B, predictions) : [],
            }));
        }
        return new StudySummary(cells, comparisons) { EvaluationModes = Studies.EvaluationModes.Of(cells) };
    }

    /// <summary>Seed by seed, where both runs completed and both predictions match the dataset's labels in length.</summary>
    private static IReadOnlyList<SeedMcNemar> McNemarBySeed(CellResult a, CellResult b, TestPredictions predictions)
    {
        if (!predictions.LabelsByDataset.TryGetValue(a.Dataset, out var labels)) return [];
        var bySeed = b.Completed.ToDictionary(r => r.Seed);
        var tests = new List<SeedMcNemar>();
        foreach (var runA in a.Completed.OrderBy(r => r.Seed))
        {
            if (!bySeed.TryGetValue(runA.Seed, out var runB)) continue;
            if (!predictions.ByRun.TryGetValue(runA.Name, out var pa) || !predictions.ByRun.TryGetValue(runB.Name, out var pb)) continue;
            if (pa.Length != labels.Length || pb.Length != labels.Length) continue;
            tests.Add(new SeedMcNemar(runA.Seed, McNemar.Test(pa, pb, labels)));
        }
        return tests;
    }

    private static bool DifferOnlyIn(CellResult a, CellResult b, string axis) =>
        a.Axes.Zip(b.Axes).All(p => p.First.Key == p.Second.Key
            && (p.First.Key == axis) != (AxisJson.Value(p.First.Value) == AxisJson.Value(p.Second.Value)));
}
