using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// The intra-op thread count of the calling thread, for the length of a scope: a run's or a replica's
/// <see cref="EngineOptions.Threads"/>, restored when the scope ends. With libtorch's OpenMP backend (Debian's) the
/// count is each thread's own (libgomp's nthreads ICV), so a scope changes nothing for other threads or later runs.
/// </summary>
public sealed class IntraOpThreads : IDisposable
{
    private readonly int _before;
    private bool _disposed;

    private IntraOpThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be at least 1");
        Status.Check(nt_threads_get(out _before));
        Status.Check(nt_threads_set_this_thread(threads));
    }

    /// <summary>Runs the calling thread's libtorch ops on <paramref name="threads"/> intra-op threads until disposed.</summary>
    public static IntraOpThreads OnThisThread(int threads) => new(threads);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Status.Check(nt_threads_set_this_thread(_before));
    }
}
