using Norms.Models;
using Norms.Torch;

namespace Norms.Experiments.Training;

/// <summary>
/// Forward and backward of one training batch, leaving the gradients in the parameters for the optimizer: the mean
/// NLL loss plus the L1 penalty. Returns the batch's mean data loss and its number of correct predictions. When the
/// loss is not finite nothing is back-propagated (the run stops as diverged).
/// </summary>
public static class TrainingStep
{
    /// <summary>The whole batch in one forward pass.</summary>
    public static (double Loss, long Hits) Whole(CompiledModel model, Tensor x, Tensor y, IReadOnlyList<Tensor> weights, double l1)
    {
        using var output = model.Forward(x);
        using var dataLoss = Functional.NllLoss(output, y);
        var loss = dataLoss.ToDouble();
        if (!double.IsFinite(loss)) return (loss, 0);
        using (var total = Regularizer.TotalLoss(dataLoss, weights, l1))
            total.Backward();
        using var hits = output.Argmax(1).Eq(y).Sum();
        return (loss, hits.ToInt64());
    }

    /// <summary>
    /// The batch split between <paramref name="replicas"/>: each back-propagates its mean loss weighted by its share
    /// of the batch, so the gradients add up to those of the whole batch's mean; the L1 penalty is added once (by
    /// replica 0). Both replicas have back-propagated before the loss is known, so a non-finite loss leaves
    /// gradients behind, which the caller must not apply.
    /// </summary>
    public static (double Loss, long Hits) Split(DataParallel replicas, CompiledModel model, Tensor x, Tensor y,
        IReadOnlyList<Tensor> weights, double l1)
    {
        var batch = x.Shape[0];
        var losses = new double[DataParallel.Replicas];
        var hits = new long[DataParallel.Replicas];
        replicas.Run(batch, (rank, offset, count) =>
        {
            using var xs = x.Slice(0, offset, offset + count);
            using var ys = y.Slice(0, offset, offset + count);
            using var output = model.Forward(xs);
            using var dataLoss = Functional.NllLoss(output, ys);
            var share = (double)count / batch;
            losses[rank] = dataLoss.ToDouble() * share;
            using var weighted = dataLoss * share;
            using (var total = rank == 0 ? Regularizer.TotalLoss(weighted, weights, l1) : weighted)
                total.Backward(); // (disposing twice, when total is weighted, is harmless)
            using var correct = output.Argmax(1).Eq(ys).Sum();
            hits[rank] = correct.ToInt64();
        });
        return (losses.Sum(), hits.Sum());
    }
}
