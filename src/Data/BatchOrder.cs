namespace Norms.Data;

public static class BatchOrder
{
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
