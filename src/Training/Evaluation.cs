using Norms.Data;
using Norms.Models;
using Norms.Torch;
using Norms.Torch.Nn;
using Norms.Results;

namespace Norms.Training;

/// <summary>A test pass: mean NLL per sample, accuracy in percent, confusion (rows = true label), wrong predictions, and
/// every image's predicted class in set order (<see cref="Predictions"/>: one byte an image, the file predictions.bin).</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int[][] Confusion, IReadOnlyList<Misclassified> Misclassified, byte[] Predictions);

/// <summary>Runs a model over a whole image set in evaluation mode without gradients.</summary>
public static class Evaluation
{
    /// <summary>The largest evaluation batch: per-call overhead is amortized long before it.</summary>
    public const int MaxBatchSize = 1000;

    /// <summary>The smallest batch <see cref="BatchSizeFor"/> picks.</summary>
    public const int MinBatchSize = 64;

    /// <summary>Float elements of a batch's widest activation that keep a forward pass in the CPU's caches (8 MB).</summary>
    public const long CacheBudgetElements = 1L << 21;

    /// <summary>
    /// The test batch for a model of this shape analysis: as large as keeps its widest activation within
    /// <see cref="CacheBudgetElements"/>, between <see cref="MinBatchSize"/> and <see cref="MaxBatchSize"/>. Measured on a
    /// 2-core CPU (32 MiB L3): Cifar50k's test pass took 4.4-5.0 s at 1000 images a batch, its activations spilling to
    /// memory, and 2.9-3.3 s at 64-100; Mnist8k's was flat from 200 to 1000. Results do not depend on the batch
    /// (evaluation mode uses running statistics), except for a batch norm with track_running_stats false, which normalizes
    /// each test batch by its own statistics (a ghost batch norm: each of its ghost groups'): for it the batch is part of
    /// the result (result.json records it).
    /// </summary>
    public static int BatchSizeFor(ModelAnalysis analysis) => BatchSizeFor(analysis.LargestActivationPerSample);

    /// <summary>The test batch for a model whose widest activation holds <paramref name="widestElements"/> an image.</summary>
    public static int BatchSizeFor(long widestElements) =>
        widestElements <= 0 ? MaxBatchSize : (int)Math.Clamp(CacheBudgetElements / widestElements, MinBatchSize, MaxBatchSize);

    /// <summary>How many misclassified images are kept (the first by test index, so the list is deterministic).</summary>
    public const int MisclassifiedKept = 100;

    /// <summary>With <paramref name="replicas"/>, each batch is split between them (two threads, each on its half). With
    /// <paramref name="shards"/> (the ranks of a job across processes, every one calling this with the same arguments), each
    /// rank runs a contiguous share of the batches and the others' rows arrive in one allreduce, zeros elsewhere, so the sum
    /// is exact: every rank gets the same result, bit for bit the unsharded pass's (the batches are the same).</summary>
    public static EvaluationResult Run(Module model, ImageSet set, ChannelStats stats, Device device, DataParallel? replicas = null,
        int batchSize = MaxBatchSize, ProcessGroup? shards = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var classes = set.ClassCount;
        var rows = LogProbabilities(model, set, stats, device, replicas, batchSize, shards);
        var confusion = new int[classes][];
        for (var i = 0; i < classes; i++) confusion[i] = new int[classes];
        var wrong = new List<Misclassified>();
        var predictions = new byte[set.Count];
        double lossSum = 0;
        var correct = 0;
        for (var i = 0; i < set.Count; i++)
        {
            var row = rows.AsSpan(i * classes, classes);
            var label = set.Labels[i];
            var pred = 0;
            for (var c = 1; c < row.Length; c++)
                if (row[c] > row[pred]) pred = c;
            lossSum -= row[label];
            confusion[label][pred]++;
            predictions[i] = (byte)pred;
            if (pred == label) correct++;
            else if (wrong.Count < MisclassifiedKept) wrong.Add(new Misclassified(i, label, pred, Math.Exp(row[pred])));
        }
        var count = Math.Max(1, set.Count);
        return new EvaluationResult(lossSum / count, 100.0 * correct / count, confusion, wrong, predictions);
    }

    /// <summary>Every image's log-probabilities, <c>set.ClassCount</c> a row, in set order.</summary>
    private static float[] LogProbabilities(Module model, ImageSet set, ChannelStats stats, Device device, DataParallel? replicas,
        int batchSize, ProcessGroup? shards)
    {
        var classes = set.ClassCount;
        var all = new float[(long)set.Count * classes];
        var batches = (set.Count + batchSize - 1) / batchSize;
        var (first, last) = shards is null ? (0, batches) : ((int)((long)shards.Rank * batches / shards.WorldSize),
            (int)((long)(shards.Rank + 1) * batches / shards.WorldSize));
        var size = set.PixelsPerImage;
        var capacity = Math.Min(batchSize, Math.Max(1, set.Count));
        var pixels = new float[capacity * size];
        var labels = new long[capacity];
        var indices = new int[capacity];
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = LibTorch.NoGrad();
            for (var b = first; b < last; b++)
            {
                var start = b * batchSize;
                var n = Math.Min(batchSize, set.Count - start);
                for (var k = 0; k < n; k++) indices[k] = start + k;
                BatchBuilder.Fill(set, indices.AsSpan(0, n), pixels.AsSpan(0, n * size), labels.AsSpan(0, n), stats,
                    new Augmentation.None(), augment: false, seed: 0, epoch: 0, batch: 0);
                using (LibTorch.NewDisposeScope())
                {
                    var x = Tensor.FromSpan<float>(pixels.AsSpan(0, n * size), [n, set.Channels, set.Height, set.Width], device);
                    var logProbs = replicas is null ? LogProbabilities(model, x) : LogProbabilities(model, x, replicas);
                    if (logProbs.Length != n * classes)
                        throw new InvalidOperationException($"the model gives {logProbs.Length / n} outputs an image, the set has {classes} classes");
                    logProbs.CopyTo(all.AsSpan(start * classes));
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        if (shards is not null)
        {
            using var sum = Tensor.FromArray(all, all.Length);
            shards.AllReduceSum([sum]);
            sum.ToArray<float>().CopyTo(all, 0);
        }
        return all;
    }

    private static float[] LogProbabilities(Module model, Tensor x)
    {
        using var output = model.Forward(x);
        using var cpu = output.Device == Device.Cpu ? output.Contiguous() : output.To(Device.Cpu).Contiguous();
        return cpu.ToArray<float>();
    }

    // Each replica writes its rows into one array. Gradient mode is per thread: the worker needs its own NoGrad.
    private static float[] LogProbabilities(Module model, Tensor x, DataParallel replicas)
    {
        var batch = x.Shape[0];
        var rows = new float[DataParallel.Replicas][];
        replicas.Run(batch, (rank, offset, count) =>
        {
            using var noGrad = LibTorch.NoGrad();
            using var share = x.Slice(0, offset, offset + count);
            rows[rank] = LogProbabilities(model, share);
        });
        return rows.Where(r => r is not null).SelectMany(r => r).ToArray(); // rank order = row order
    }
}
