using Norms.Models;
using Norms.Torch;

namespace Norms.Training;

/// <summary>
/// Forward and backward of one training batch, leaving the gradients in the parameters for the optimizer: the mean
/// NLL loss plus the L1 penalty. The batch runs whole, or split between data-parallel replicas: each back-propagates
/// its mean loss weighted by its share of the batch, so the gradients add up to those of the whole batch's mean, and
/// the L1 penalty is added once (by replica 0). Each share runs at its own <see cref="DropoutPosition"/> (the batch's
/// key skipped by the share's offset), so the split step drops what the whole one drops. The loss is known only after
/// back-propagation, so a non-finite loss leaves gradients behind, which the caller must not apply.
/// </summary>
public static class TrainingStep
{
    /// <summary>What one share's forward pass gave: its output log-probabilities, labels and mean data loss, and its
    /// share of the batch (1 when whole). Called on that share's thread after its backward pass.</summary>
    public delegate void ShareObserver(int rank, double share, Tensor output, Tensor labels, Tensor dataLoss);

    /// <summary>Forward and backward only: whole when <paramref name="replicas"/> is null, else split between them.
    /// <paramref name="position"/> is the batch's place in the run's dropout streams (its first sample's).</summary>
    public static void Backward(CompiledModel model, DataParallel? replicas, Tensor x, Tensor y, IReadOnlyList<Tensor> weights,
        double l1, DropoutKey position, ShareObserver? observe = null)
    {
        var batch = x.Shape[0];
        void Share(int rank, long offset, long count)
        {
            using var xs = x.Slice(0, offset, offset + count);
            using var ys = y.Slice(0, offset, offset + count);
            ShareBackward(model, rank, xs, ys, (double)count / batch, addsPenalty: rank == 0, weights, l1, position.Skip(offset), observe);
        }
        if (replicas is null)
            Share(0, 0, batch);
        else
            replicas.Run(batch, Share);
    }

    /// <summary>
    /// One rank's part of a data-parallel step across processes: forward and backward of its shard (<paramref name="x"/>,
    /// <paramref name="y"/>, at <paramref name="offset"/> in a global batch of <paramref name="globalBatch"/>), its mean loss
    /// weighted by its share of the global batch, the L1 penalty on rank 0 only, dropout at the shard's global position.
    /// With <paramref name="meeting"/>, batch norm meets the other ranks there (<see cref="ReplicaScope"/>). Returns the
    /// shard's weighted data loss and hits; summed over the ranks (<see cref="GradientSync"/>) they are the global batch's.
    /// </summary>
    public static (double WeightedLoss, long Hits) RunShard(CompiledModel model, Tensor x, Tensor y, long offset, long globalBatch,
        int rank, ReplicaGroup? meeting, int threads, IReadOnlyList<Tensor> weights, double l1, DropoutKey position)
    {
        using var scope = meeting is null ? null : ReplicaScope.Enter(meeting, rank, threads);
        var (loss, hits) = (0.0, 0L);
        ShareBackward(model, rank, x, y, (double)x.Shape[0] / globalBatch, addsPenalty: rank == 0, weights, l1, position.Skip(offset),
            (_, share, output, labels, dataLoss) =>
            {
                loss = dataLoss.ToDouble() * share;
                using var correct = output.Argmax(1).Eq(labels).Sum();
                hits = correct.ToInt64();
            });
        return (loss, hits);
    }

    // A share's forward and backward: its mean loss weighted by its share of the batch, plus the L1 penalty when it adds it.
    private static void ShareBackward(CompiledModel model, int rank, Tensor xs, Tensor ys, double share, bool addsPenalty,
        IReadOnlyList<Tensor> weights, double l1, DropoutKey at, ShareObserver? observe)
    {
        using var position = DropoutPosition.Enter(at);
        using var output = model.Forward(xs);
        using var dataLoss = Functional.NllLoss(output, ys);
        using var weighted = share == 1 ? null : dataLoss * share;
        var loss = weighted ?? dataLoss;
        var total = addsPenalty ? Regularizer.TotalLoss(loss, weights, l1) : loss;
        total.Backward();
        if (!ReferenceEquals(total, loss))
            total.Dispose(); // (loss may be dataLoss, which the observer still reads)
        observe?.Invoke(rank, share, output, ys, dataLoss);
    }

    /// <summary><see cref="Backward"/>, returning the batch's mean data loss and its number of correct predictions.</summary>
    public static (double Loss, long Hits) Run(CompiledModel model, DataParallel? replicas, Tensor x, Tensor y,
        IReadOnlyList<Tensor> weights, double l1, DropoutKey position)
    {
        var losses = new double[DataParallel.Replicas];
        var hits = new long[DataParallel.Replicas];
        Backward(model, replicas, x, y, weights, l1, position, (rank, share, output, labels, dataLoss) =>
        {
            losses[rank] = dataLoss.ToDouble() * share;
            using var correct = output.Argmax(1).Eq(labels).Sum();
            hits[rank] = correct.ToInt64();
        });
        return (losses.Sum(), hits.Sum());
    }
}
