using Norms.Torch;

namespace Norms.Training;

/// <summary>
/// A data-parallel step's one collective: every parameter's gradient summed over the ranks, and with it the step's
/// statistics (each rank's weighted loss and hits, and whether it was asked to stop), all in one flat buffer. Each rank's
/// gradient is that of its shard's loss weighted by shard / global batch (<see cref="TrainingStep"/>), so the sum is the
/// gradient of the global batch's mean loss, which the single-process run steps with. The stop flag makes every rank
/// stop at the same step, whichever rank a signal reached.
/// </summary>
public static class GradientSync
{
    /// <summary>The summed statistics of the step, the same on every rank.</summary>
    public readonly record struct Totals(double Loss, long Hits, bool Stop);

    public static Totals Run(ProcessGroup group, IReadOnlyList<Tensor> parameters, double loss, long hits, bool stop)
    {
        var grads = new List<Tensor>(parameters.Count);
        try
        {
            foreach (var p in parameters)
                grads.Add(p.Grad ?? throw new InvalidOperationException("a parameter has no gradient after backward; every rank must use every parameter"));
            // float32, as the gradients, so the whole step is one collective: hits are exact below 2^24, the loss keeps 7 digits.
            using var stats = Tensor.FromArray(new[] { (float)loss, (float)hits, stop ? 1f : 0f }, 3);
            group.AllReduceSum([.. grads, stats]);
            var totals = stats.ToArray<float>();
            return new Totals(totals[0], (long)Math.Round(totals[1]), totals[2] > 0);
        }
        finally
        {
            foreach (var g in grads) g.Dispose(); // handles to the parameters' gradients, which stay
        }
    }

    /// <summary>Rank 0's parameters and buffers (running statistics, num_batches_tracked) copied to every rank: the
    /// models start from the same weights (DDP's first broadcast), whatever each rank built or loaded.</summary>
    public static void BroadcastState(ProcessGroup group, IEnumerable<Tensor> state) => group.Broadcast(state.ToList(), root: 0);

    /// <summary>Whether every rank starts where rank 0 does (the same first epoch and scheduler step: the same checkpoint,
    /// or none); every rank gets the same answer, so all stop or none does.</summary>
    public static bool RanksAgree(ProcessGroup group, int firstEpoch, long schedulerStep)
    {
        using var zero = Tensor.FromArray(new[] { (double)firstEpoch, schedulerStep }, 2);
        group.Broadcast([zero], root: 0);
        var values = zero.ToArray<double>();
        using var disagreeing = Tensor.FromArray(new[] { values[0] == firstEpoch && values[1] == schedulerStep ? 0f : 1f }, 1);
        group.AllReduceSum([disagreeing]);
        return disagreeing.ToArray<float>()[0] == 0;
    }
}
