using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// The replicas of one data-parallel step: threads that each run the same model on their share of the batch and
/// meet inside every batch norm to share its statistics (<see cref="Functional.BatchNormReplicated"/>). Owns a
/// native object; dispose it once no replica uses it.
/// </summary>
public sealed class ReplicaGroup : IDisposable
{
    private nint _handle;

    public ReplicaGroup(int parties)
    {
        if (parties < 1) throw new ArgumentOutOfRangeException(nameof(parties), parties, "a replica group needs at least one replica");
        Status.Check(nt_replica_group_new(parties, out _handle));
        Parties = parties;
    }

    public int Parties { get; }

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(ReplicaGroup));

    /// <summary>Wakes every replica waiting in the group with an error, and fails every later meeting: call it when
    /// one replica fails, so the others do not wait for it forever. The group cannot be used again.</summary>
    public void Abort() => nt_replica_group_abort(Handle);

    public void Dispose()
    {
        if (_handle == 0) return;
        nt_replica_group_free(_handle);
        _handle = 0;
    }
}

/// <summary>
/// What the calling thread is while it runs one replica's share of a step: which group, which rank. Layers that
/// couple the samples of a batch (batch norm) read <see cref="Current"/>; the thread runs with its own intra-op thread count,
/// and its dropout masks come from a seed stream keyed by the step and the rank rather than from the shared
/// generator, so they do not depend on which replica reached it first.
/// </summary>
public sealed class ReplicaScope : IDisposable
{
    [ThreadStatic] private static ReplicaScope? t_current;

    private readonly int _threadsBefore;
    private bool _disposed;

    private ReplicaScope(ReplicaGroup group, int rank, ulong seedKey, int threads)
    {
        if (t_current is not null) throw new InvalidOperationException("replica scopes do not nest");
        if (rank < 0 || rank >= group.Parties) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be below {group.Parties}");
        Group = group;
        Rank = rank;
        _threadsBefore = Torch.Threads;
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be at least 1");
        Status.Check(nt_threads_set_this_thread(threads));
        nt_dropout_seed_stream_begin(seedKey);
        t_current = this;
    }

    /// <summary>The replica the calling thread is running, or null outside a data-parallel step.</summary>
    public static ReplicaScope? Current => t_current;

    public ReplicaGroup Group { get; }
    public int Rank { get; }

    /// <summary>Makes the calling thread replica <paramref name="rank"/> of <paramref name="group"/>, with
    /// <paramref name="threads"/> intra-op threads, until disposed.</summary>
    public static ReplicaScope Enter(ReplicaGroup group, int rank, ulong seedKey, int threads = 1) => new(group, rank, seedKey, threads);

    /// <summary>A fresh 64-bit key drawn from libtorch's default CPU generator (so Torch.ManualSeed fixes it);
    /// derive each replica's seed key from one such draw per step.</summary>
    public static ulong DrawKey()
    {
        Status.Check(nt_random_draw64(out var key));
        return key;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        nt_dropout_seed_stream_end();
        Status.Check(nt_threads_set_this_thread(_threadsBefore));
        t_current = null;
    }
}
