using Norms.Data;
using Norms.Models;
using Norms.Reports;
using Norms.Results;
using Norms.Studies;
using Norms.Snapshot.Tests.Report;

namespace Norms.Snapshot.Tests.Studies;

/// <summary>A study as the report sees it: its runs (statuses), the statistics of their results, and the results.</summary>
public sealed record StudyFixture(string Name, IReadOnlyList<StudyRun> Runs, IReadOnlyDictionary<string, RunResult> Results, StudySummary Summary)
{
    public IReadOnlyList<(string Id, string Status)> Statuses =>
        [.. Runs.Select(r => (r.Id, Results.TryGetValue(r.Id, out var result) ? result.Status.Label() : "pending"))];
}

/// <summary>
/// Hand-made studies, their results computed from fixed formulas (no training):
/// <see cref="Grid"/>, batch_size {16, 32, 64} × norm {batch, group (groups 2)} on MNIST, 3 seeds and 3 epochs, where
/// batch norm is ahead by a clear, seed-stable margin at batch sizes 16 and 64 and tied at 32;
/// <see cref="Mixed"/>, an experiment axis over MNIST and CIFAR-10 runs (so two datasets that must never share an axis),
/// 3 seeds and 2 epochs, with one diverged run and one run that never wrote a result.
/// </summary>
public static class StudyFixtures
{
    // Before the studies: static properties are initialized in the order they are written.
    /// <summary>The test images the results point at: the report fixtures' MNIST-shaped set and a CIFAR-shaped one.</summary>
    public static IReadOnlyDictionary<string, ImageSet> TestSets { get; } = new Dictionary<string, ImageSet>
    {
        ["mnist"] = ReportFixtures.MnistTest,
        ["cifar10"] = CifarTest(),
    };

    public static StudyFixture Grid { get; } = Make("""
        { "name": "grid", "base": "mnist-bn",
          "axes": { "batch_size": [16, 32, 64], "norm": [{"kind": "batch"}, {"kind": "group", "groups": 2}] },
          "seeds": 3, "overrides": { "epochs": 3 } }
        """, (run, cell) =>
        {
            var batch = run.Spec.BatchSize;
            var bn = run.Spec.Norm.ShortName == "bn";
            // Accuracy rises with the epochs; batch norm gains 0.6 points at batch sizes 16 and 64, nothing at 32; each run
            // moves by up to ±0.03 points of noise that depends on its seed and cell.
            var gain = bn && batch != 32 ? 0.6 : 0;
            return epoch => 90 + 3 * epoch - batch / 64.0 + gain + 0.02 * (((int)run.Seed * 5 + cell * 3) % 4 - 1.5);
        });

    public static StudyFixture Mixed { get; } = Make("""
        { "name": "mixed", "axes": { "experiment": ["mnist-bn", "mnist-gn", "cifar10-bn", "cifar10-gn"] },
          "seeds": 3, "overrides": { "epochs": 2 },
          "targets": [{ "axes": { "experiment": "mnist-bn" }, "value": 98.0, "source": "a fixture's claim" },
                      { "axes": { "experiment": "cifar10-bn" }, "value": 70 }, { "axes": { "experiment": "mnist-gn" }, "value": 99.5 }] }
        """, (run, cell) =>
        {
            var cifar = run.Spec.Dataset == "cifar10";
            return epoch => (cifar ? 50 + 8 * epoch : 95 + 1.5 * epoch) + 0.4 * cell + 0.3 * (((int)run.Seed * 7 + cell) % 4);
        },
        status: (run, cell) => (cell, run.Seed) switch
        {
            (1, 3) => RunStatus.Diverged, // mnist-gn's third seed: its numbers must count nowhere
            (3, 2) => null, // cifar10-gn's second seed never wrote a result
            _ => RunStatus.Completed,
        });

    /// <summary>A ghost batch norm study: norm {batch with ghost_batch 2, 8, 32; group (groups 2); group-layer} on MNIST, 3 seeds,
    /// 2 epochs. Batch norm's error falls with k; its runs record PreciseBN's passes: precise statistics 0.3 points above the
    /// running ones at k = 2 and level elsewhere (each seed ±0.02), batch statistics level throughout (±0.05).</summary>
    public static StudyFixture Ghost { get; } = Make("""
        { "name": "ghost", "base": "mnist-bn",
          "axes": { "norm": [{"kind": "batch", "ghost_batch": 2}, {"kind": "batch", "ghost_batch": 8}, {"kind": "batch", "ghost_batch": 32},
                             {"kind": "group", "groups": 2}, {"kind": "group-layer"}] },
          "seeds": 3, "overrides": { "epochs": 2, "precise_bn": 1000 } }
        """, (run, cell) =>
        {
            var k = run.Spec.Norm is global::Norms.BatchNorm { GhostBatch: { } g } ? g : 0;
            var bonus = k > 0 ? 0.2 * Math.Log2(k) : 0.5 - 0.1 * cell;
            return epoch => 96 + epoch + bonus + 0.03 * (((int)run.Seed * 3 + cell) % 3 - 1);
        },
        preciseAndBatch: (run, cell, accuracy) => run.Spec.Norm is global::Norms.BatchNorm { GhostBatch: { } k }
            ? (accuracy + (k == 2 ? 0.3 : 0) + 0.02 * ((int)run.Seed % 3 - 1), accuracy + 0.05 * ((int)run.Seed % 3 - 1))
            : null);

    /// <summary>A 14-cell grid (7 learning rates × 2 norms, 1 seed, 1 epoch), more than a report draws every cell's
    /// pictures for: the accuracy rises with the cell's index, so cells 12-14 are the best and 1-3 the worst.</summary>
    public static StudyFixture Wide { get; } = Make("""
        { "name": "wide", "base": "mnist-bn",
          "axes": { "norm": [{"kind": "batch"}, {"kind": "group", "groups": 2}], "schedule.max_lr": [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4] },
          "seeds": 1, "overrides": { "epochs": 1 } }
        """, (run, cell) => epoch => 90 + 0.1 * cell);

    private static StudyFixture Make(string json, Func<StudyRun, int, Func<int, double>> accuracy, Func<StudyRun, int, RunStatus?>? status = null,
        Func<StudyRun, int, double, (double Precise, double Batch)?>? preciseAndBatch = null)
    {
        var spec = StudySpecJson.Parse(json).Value!;
        var runs = StudyGrid.Expand(spec, StudyFlags.None).Runs;
        var cells = runs.Select(r => r.CellKey).Distinct().ToList();
        var results = new Dictionary<string, RunResult>();
        foreach (var run in runs)
        {
            var cell = cells.IndexOf(run.CellKey);
            var s = status is null ? RunStatus.Completed : status(run, cell);
            if (s is { } written) results[run.Id] = Result(run, accuracy(run, cell), written, preciseAndBatch is null ? null : a => preciseAndBatch(run, cell, a));
        }
        // Each run's predictions on its test set, for McNemar's view: right except on the images its seed and cell pick.
        var predictions = new TestPredictions(
            runs.Where(r => results.ContainsKey(r.Id)).ToDictionary(r => r.Id, r =>
            {
                var labels = TestSets[r.Spec.Dataset].Labels;
                var cell = cells.IndexOf(r.CellKey);
                return labels.Select((l, i) => (i + (int)r.Seed + cell) % (4 + cell) == 0 ? (byte)((l + 1) % 10) : l).ToArray();
            }),
            TestSets.ToDictionary(t => t.Key, t => t.Value.Labels));
        return new StudyFixture(spec.Name, runs, results, StudyStatistics.Summarize(runs, results, spec.Targets, predictions));
    }

    private static RunResult Result(StudyRun run, Func<int, double> accuracy, RunStatus status, Func<double, (double Precise, double Batch)?>? preciseAndBatch)
    {
        var spec = run.Spec;
        var epochs = Enumerable.Range(1, spec.Epochs).Select(e =>
        {
            var acc = Math.Round(accuracy(e), 2);
            var loss = Math.Round((100 - acc) / 40, 4);
            var record = new EpochRecord(e, loss * 1.1, acc - 1, loss, acc, 0.01, 1.5);
            return preciseAndBatch?.Invoke(acc) is { } other
                ? record with { TestAccPrecise = Math.Round(other.Precise, 2), TestLossPrecise = loss, TestAccBatchStats = Math.Round(other.Batch, 2), TestLossBatchStats = loss }
                : record;
        }).ToList();
        if (status == RunStatus.Diverged) epochs[^1] = epochs[^1] with { TestLoss = double.NaN, TestAcc = 9.8 };
        var last = epochs[^1];
        var test = TestSets[spec.Dataset];
        var misclassified = Enumerable.Range(0, 40).Select(i => i * 2 + (int)run.Seed % 2)
            .Where(i => i < test.Count)
            .Select(i => new Misclassified(i, test.Labels[i], (test.Labels[i] + 1 + (int)run.Seed) % 10, 0.5)).ToList();
        // 10,000 test images, as the real sets: the accuracies move by hundredths, above that resolution (the galleries
        // still point at the small fixture sets).
        return new RunResult(run.Id, spec.Dataset, spec.Model.Name, spec.Norm.ShortName, spec.L1, spec.L2, 7_946, run.Seed, "cpu", 1,
            1_000, 10_000, spec.Augmentation, status, status == RunStatus.Diverged ? "loss became NaN" : null, epochs,
            null, null, null, null, Confusion((int)Math.Round(double.IsFinite(last.TestAcc) ? last.TestAcc : 10), (int)run.Seed), misclassified,
            10, RunResult.SpecNode(spec)).WithBests();
    }

    /// <summary>100 images per class; <paramref name="accuracy"/> of each row on the diagonal, the rest spread by the seed.</summary>
    private static int[][] Confusion(int accuracy, int seed)
    {
        var m = new int[10][];
        for (var t = 0; t < 10; t++)
        {
            m[t] = new int[10];
            m[t][t] = accuracy;
            for (var k = 0; k < 100 - accuracy; k++) m[t][(t + 1 + (k * 3 + seed + t) % 9) % 10]++;
        }
        return m;
    }

    /// <summary>60 CIFAR-shaped RGB images, stripes whose colour follows the label.</summary>
    private static ImageSet CifarTest()
    {
        const int count = 60, side = 32, plane = side * side;
        var pixels = new byte[count * 3 * plane];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)(i * 3 % 10);
            for (var y = 0; y < side; y++)
                for (var x = 0; x < side; x++)
                {
                    var at = i * 3 * plane + y * side + x;
                    var stripe = (x + y + i) / 4 % 2 == 0;
                    pixels[at] = (byte)(stripe ? 40 + labels[i] * 20 : 230);
                    pixels[at + plane] = (byte)(stripe ? 200 - labels[i] * 15 : 230);
                    pixels[at + 2 * plane] = (byte)(stripe ? 90 : 120 + y * 3);
                }
        }
        return new ImageSet(pixels, labels, count, 3, side, side, KnownClasses.Cifar10);
    }
}
