using Norms.Torch;

namespace Norms.Training;

/// <summary>
/// A run that is one rank of a data-parallel job across processes (PyTorch's DDP recipe): every rank holds the whole
/// model, trains on its shard of each global batch (<see cref="GlobalBatchShards"/>), and the gradients are summed over
/// the ranks before every rank takes the same optimizer step. <paramref name="SyncBatchNorm"/>: batch norm's statistics
/// cover the global batch (SyncBatchNorm; the run then equals the single-process run up to the allreduce's rounding),
/// or, false, each rank's shard (DDP's default: ghost batch norm with k = the per-rank batch; running statistics are
/// rank 0's). The ranks share every evaluation pass; only rank 0 (<see cref="WritesFiles"/>) writes the run's files. The group is the caller's.
/// </summary>
public sealed record DistributedTraining(ProcessGroup Group, bool SyncBatchNorm)
{
    public int Rank => Group.Rank;
    public int WorldSize => Group.WorldSize;

    /// <summary>Rank 0: the one that writes result.json, metrics.csv, predictions and checkpoints.</summary>
    public bool WritesFiles => Rank == 0;
}
