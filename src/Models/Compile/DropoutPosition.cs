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
