namespace Norms.Data;

/// <summary>
/// A small, fully specified random generator (SplitMix64) keyed by (seed, epoch, batch, stream), so every
/// batch's augmentation and every epoch's order are reproducible on any runtime. System.Random's algorithm
/// is unspecified and may change between .NET versions, so it is not used.
/// </summary>
public struct CounterRng
{
    private ulong state;

    public CounterRng(ulong seed, ulong epoch, ulong batch, ulong stream = 0)
    {
        // Mix each coordinate in turn so that neighbouring keys give unrelated streams.
        var key = Mix(seed ^ 0x6a09e667f3bcc909UL);
        key = Mix(key ^ epoch ^ 0xbb67ae8584caa73bUL);
        key = Mix(key ^ batch ^ 0x3c6ef372fe94f82bUL);
        state = Mix(key ^ stream ^ 0xa54ff53a5f1d36f1UL);
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        state += 0x9e3779b97f4a7c15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var threshold = (0UL - (ulong)bound) % (ulong)bound;
        while (true)
        {
            var x = NextUInt64();
            var high = Math.BigMul(x, (ulong)bound, out var low);
            if (low >= threshold) return (int)high;
        }
    }
}
