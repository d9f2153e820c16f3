namespace Norms.Training;

/// <summary>
/// How a global batch is shared out between the ranks of a data-parallel job: consecutive, disjoint slices in rank
/// order, as even as can be (the first batch % world ranks take one more). Every rank builds the same global batch
/// (the epoch's order and its augmentation draws are pure functions of seed, epoch and step) and takes its slice, so the
/// global batches are the single-process run's.
/// </summary>
public static class GlobalBatchShards
{
    /// <summary>Rank <paramref name="rank"/>'s slice of a batch of <paramref name="batch"/> samples.</summary>
    public static (long Offset, long Count) Of(long batch, int rank, int world)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(world, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (rank < 0 || rank >= world) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be in 0..{world - 1}");
        var (each, extra) = (batch / world, batch % world);
        return (rank * each + Math.Min(rank, extra), each + (rank < extra ? 1 : 0));
    }

    /// <summary>Null when every global batch of an epoch gives every rank at least one sample; else why not, and the fix.
    /// (A rank with no samples could not take part in synchronized batch norm, nor weigh its loss.)</summary>
    public static string? Problem(int trainCount, int batchSize, int world)
    {
        var last = trainCount % batchSize == 0 ? Math.Min(batchSize, trainCount) : trainCount % batchSize;
        return last >= world ? null
            : $"the last batch of an epoch holds {last} sample(s), fewer than the {world} ranks; change --limit-train or --batch-size so that every rank gets a sample";
    }
}
