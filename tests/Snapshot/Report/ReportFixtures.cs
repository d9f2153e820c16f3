using Norms.Data;
using Norms.Models;
using Norms.Results;

namespace Norms.Snapshot.Tests.Report;

/// <summary>
/// Hand-made results (3 planned epochs each) covering what a report must handle: plain and regularized runs, a run
/// that diverged (NaN loss in epoch 2), one interrupted (cut short at 2 of 3 epochs), and one that completed with fewer
/// epochs than planned; plus a synthetic MNIST-shaped test set for the misclassified gallery. Their provenance: most
/// made by one `all` at 2 threads (split, the batch-norm networks channels-last), mnist-ln-l2 by a `run` of its own at one
/// thread, and cifar10-gn written before result.json recorded any (null: "not recorded").
/// </summary>
public static class ReportFixtures
{
    public const int Planned = 3;

    // Before Runs: static fields are initialized in the order they are written.
    private static readonly Provenance Machine = new("3f9c2a7d81e0", "1.13.0", ".NET 10.0.0", "all --epochs 3", "AMD EPYC 7B13 64-Core Processor", "AVX2");

    public static IReadOnlyList<RunResult> Runs { get; } =
    [
        Run("mnist-bn", [(0.21, 93.10, 0.081, 97.52), (0.074, 97.80, 0.045, 98.61), (0.052, 98.45, 0.031, 99.02)]),
        Run("mnist-gn", [(0.35, 89.00, 0.15, 95.10), (double.NaN, 41.20, double.NaN, 9.80)], RunStatus.Diverged, "loss became NaN at epoch 2, step 311; lower the learning rate"),
        Run("mnist-ln", [(0.41, 87.30, 0.19, 94.40), (0.12, 96.20, 0.081, 97.35)], RunStatus.Interrupted, "stopped by Ctrl+C"),
        Run("mnist-bn-l1", [(0.23, 92.70, 0.085, 97.41), (0.079, 97.62, 0.047, 98.55), (0.055, 98.31, 0.032, 98.97)]),
        Run("mnist-ln-l2", [(0.40, 87.90, 0.18, 94.90), (0.11, 96.50, 0.077, 97.60), (0.082, 97.41, 0.058, 98.12)]),
        Run("mnist-bn-l1-l2", [(0.24, 92.50, 0.083, 97.46), (0.081, 97.55, 0.044, 98.66), (0.057, 98.22, 0.030, 99.05)]),
        Run("cifar10-bn", [(1.52, 44.20, 1.21, 56.30), (1.10, 60.80, 0.98, 65.10), (0.93, 67.40, 0.87, 69.80)]),
        Run("cifar10-gn", [(1.61, 41.00, 1.35, 51.20), (1.22, 56.40, 1.09, 61.70)]),
    ];

    private static RunResult Run(string name, (double TrainLoss, double TrainAcc, double TestLoss, double TestAcc)[] epochs,
        RunStatus status = RunStatus.Completed, string? message = null)
    {
        var spec = BuiltInExperiments.Find(name)! with { Epochs = Planned };
        var cifar = spec.Dataset == "cifar10";
        var records = epochs.Select((e, i) => new EpochRecord(i + 1, e.TrainLoss, e.TrainAcc, e.TestLoss, e.TestAcc, 0.004 / (i + 1), 12.5 + i)).ToArray();
        var last = records[^1];
        var confusion = Confusion(name.Length, (int)Math.Round(last.TestAcc is double a && double.IsFinite(a) ? a : 10));
        var misclassified = Enumerable.Range(0, 30).Select(i => new Misclassified(i * 3 + name.Length % 3, Label(i * 3 + name.Length % 3), (Label(i * 3 + name.Length % 3) + 1 + i % 4) % 10, 0.5 + i % 5 * 0.1)).ToArray();
        return new RunResult(name, spec.Dataset, spec.Model.Name, spec.Norm.ShortName, spec.L1, spec.L2, cifar ? 42_256 : 7_946, spec.Seed, "cpu", 2,
            cifar ? 50_000 : 60_000, 10_000, true, status, message, records, null, null, null, null, confusion, misclassified,
            records.Sum(r => r.Seconds) + 1.25, RunResult.SpecNode(spec), ProvenanceOf(name)).WithBests();
    }

    private static Provenance? ProvenanceOf(string name) => name switch
    {
        "mnist-bn" or "mnist-bn-l1" or "mnist-bn-l1-l2" => Machine with { Engine = new(true, true, "channels-last", 2, 334) },
        "mnist-gn" or "mnist-ln" => Machine with { Engine = new(true, true, "channels-first", 2, 334) },
        "mnist-ln-l2" => Machine with { CommandLine = "run mnist-ln-l2 --epochs 3 --threads 1", Engine = new(true, false, "channels-first", 1, 334) },
        "cifar10-bn" => Machine with { Engine = new(true, true, "channels-last", 2, 64) },
        _ => null,
    };

    /// <summary>A 10x10 matrix of 1,000 images with the given accuracy (percent, rounded), the errors spread by a fixed pattern.</summary>
    private static int[][] Confusion(int salt, int accuracy)
    {
        var m = new int[10][];
        for (var t = 0; t < 10; t++)
        {
            m[t] = new int[10];
            m[t][t] = accuracy;
            var wrong = 100 - accuracy;
            for (var k = 0; k < wrong; k++) m[t][(t + 1 + (k * 7 + salt + t) % 9) % 10]++;
        }
        return m;
    }

    public static byte Label(int index) => (byte)(index * 7 % 10);

    /// <summary>120 MNIST-shaped images: a bright square whose position and size follow the index, on black.</summary>
    public static ImageSet MnistTest { get; } = MakeTest();

    private static ImageSet MakeTest()
    {
        const int count = 120, side = 28;
        var pixels = new byte[count * side * side];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = Label(i);
            var size = 8 + i % 10;
            var top = 2 + i * 3 % (side - size - 2);
            var left = 2 + i * 5 % (side - size - 2);
            for (var y = top; y < top + size; y++)
                for (var x = left; x < left + size; x++)
                    pixels[i * side * side + y * side + x] = (byte)(128 + (x + y) * 3 % 128);
        }
        return new ImageSet(pixels, labels, count, 1, side, side, [.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
