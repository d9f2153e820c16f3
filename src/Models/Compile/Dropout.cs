using Norms.Torch;

namespace Norms.Models;

/// <summary>
/// The position of the batch the calling thread is running in its run's random streams, set around each training
/// step by its caller (the trainer: <see cref="DropoutStreams.ForEpoch"/> and the batch's first sample in the epoch's
/// order; a data-parallel share adds its offset). Per thread, like libtorch's grad mode, so replicas on two threads
/// each hold their own.
/// </summary>
public static class DropoutPosition
{
    [ThreadStatic] private static DropoutKey? t_current;

    /// <summary>The calling thread's position, or null when none was entered.</summary>
    public static DropoutKey? Current => t_current;

    /// <summary>Makes <paramref name="key"/> the calling thread's position until disposed (then the previous one).</summary>
    public static IDisposable Enter(DropoutKey key) => new Scope(key);

    private sealed class Scope : IDisposable
    {
        private readonly DropoutKey? previous = t_current;
        private bool disposed;

        public Scope(DropoutKey key) => t_current = key;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            t_current = previous;
        }
    }
}

/// <summary>The keys of dropout's random streams, derived from coordinates by SplitMix64 rounds: pure functions.</summary>
public static class DropoutStreams
{
    /// <summary>The stream of a run's epoch: every block derives its own from it (<see cref="ForLayer"/>).</summary>
    public static ulong ForEpoch(ulong seed, int epoch) => Mix(Mix(seed ^ 0x510e527fade682d1UL) ^ (ulong)epoch ^ 0x9b05688c2b3e6c1fUL);

    /// <summary>A block's stream, keyed by its module name ("features.3"), so blocks never share masks and a
    /// block's mask does not depend on how many blocks come before it.</summary>
    public static ulong ForLayer(ulong stream, string moduleName)
    {
        var h = 0xcbf29ce484222325UL; // FNV-1a over the name's UTF-16 units
        foreach (var c in moduleName) h = (h ^ c) * 0x100000001b3UL;
        return Mix(stream ^ Mix(h));
    }

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}

/// <summary>
/// A model's dropout keys: the caller's <see cref="DropoutPosition"/> when one is set; otherwise the model's own
/// stream (its seed and a call counter), so a model used outside the trainer is reproducible in sequence and still
/// reads no process-wide generator.
/// </summary>
internal sealed class DropoutSource(ulong seed)
{
    private long calls;

    public DropoutKey For(string moduleName)
    {
        var position = DropoutPosition.Current
            ?? new DropoutKey(DropoutStreams.Mix(seed ^ DropoutStreams.Mix((ulong)Interlocked.Increment(ref calls))), 0);
        return position with { Stream = DropoutStreams.ForLayer(position.Stream, moduleName) };
    }
}
