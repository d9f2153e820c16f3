namespace Norms.Data;

public static class BatchOrder
{
    /// <summary>
    /// The training steps of an epoch over <paramref name="images"/> images in batches of <paramref name="batchSize"/>: the
    /// full batches and a shorter last one with what is left, except that a last batch of a single image is dropped (a
    /// batch norm has no batch statistics of one sample; PyTorch users set drop_last for it), so an epoch of 1,025 images
    /// at batch 64 is 16 steps. A set of one image still trains on it, and batch 1 leaves no remainder.
    /// </summary>
    public static int StepsPerEpoch(int images, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var full = images / batchSize;
        var left = images % batchSize;
        return full + (left >= 2 || (left == 1 && full == 0) ? 1 : 0);
    }

    /// <summary>The order in which an epoch visits the <paramref name="count"/> samples: a Fisher-Yates permutation keyed by (seed, epoch).</summary>
    public static int[] Permutation(int count, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        var rng = new CounterRng(seed, (ulong)epoch, ulong.MaxValue, stream: 1);
        for (var i = count - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
