using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// The replicas of one data-parallel step: threads that each run the same model on their share of the batch and
/// meet inside every batch norm to share its statistics (<see cref="Functional.BatchNormReplicated"/>). Owns a
/// native object (in a <see cref="ReplicaGroupHandle"/>); dispose it once no replica uses it.
/// </summary>
public sealed class ReplicaGroup : IDisposable
{
    private readonly ReplicaGroupHandle _handle;

    /// <summary>A group of <paramref name="parties"/> replicas. With <paramref name="turns"/> they run one at a time,
    /// each holding the turn from <see cref="ReplicaScope.Enter"/> to the scope's end except while it waits at a
    /// meeting: the same split step on one thread's worth of CPU, so the same arithmetic, bit for bit, as replicas
    /// running at once.</summary>
    public ReplicaGroup(int parties, bool turns = false)
    {
        if (parties < 1) throw new ArgumentOutOfRangeException(nameof(parties), parties, "a replica group needs at least one replica");
        Status.Check(nt_replica_group_new(parties, turns ? 1 : 0, out var pointer));
        _handle = new ReplicaGroupHandle(pointer);
        Parties = parties;
        TakesTurns = turns;
    }

    // A group the shim made elsewhere (a process group's meeting point, ProcessGroup.ReplicaGroup).
    private ReplicaGroup(nint pointer, int parties)
    {
        _handle = new ReplicaGroupHandle(pointer);
        Parties = parties;
    }

    internal static ReplicaGroup Adopt(nint pointer, int parties) => new(pointer, parties);

    public int Parties { get; }

    /// <summary>Whether the replicas run one at a time (see the constructor).</summary>
    public bool TakesTurns { get; }

    // Blocks until no replica holds the turn and takes it (no-op without turns); fails once the group is aborted.
    internal void BeginTurn(int rank) => Status.Check(nt_replica_group_begin_turn(Handle, rank));

    internal void EndTurn(int rank) => nt_replica_group_end_turn(Handle, rank);

    internal ReplicaGroupHandle Handle => _handle.IsClosed ? throw new ObjectDisposedException(nameof(ReplicaGroup)) : _handle;

    /// <summary>Wakes every replica waiting in the group with an error, and fails every later meeting: call it when
    /// one replica fails, so the others do not wait for it forever. The group cannot be used again.</summary>
    public void Abort() => nt_replica_group_abort(Handle);

    public void Dispose() => _handle.Dispose();
}

/// <summary>
/// What the calling thread is while it runs one replica's share of a step: which group, which rank. Layers that
/// couple the samples of a batch (batch norm) read <see cref="Current"/>; the thread runs with its own intra-op thread count.
/// (Dropout needs nothing from it: its masks are keyed by each sample's position, <see cref="DropoutKey"/>.)
/// </summary>
public sealed class ReplicaScope : IDisposable
{
    [ThreadStatic] private static ReplicaScope? t_current;

    private readonly IntraOpThreads _threads;
    private bool _disposed;

    private ReplicaScope(ReplicaGroup group, int rank, int threads)
    {
        if (t_current is not null) throw new InvalidOperationException("replica scopes do not nest");
        if (rank < 0 || rank >= group.Parties) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be below {group.Parties}");
        Group = group;
        Rank = rank;
        _threads = IntraOpThreads.OnThisThread(threads);
        try
        {
            group.BeginTurn(rank);
        }
        catch
        {
            _threads.Dispose();
            throw;
        }
        t_current = this;
    }

    /// <summary>The replica the calling thread is running, or null outside a data-parallel step.</summary>
    public static ReplicaScope? Current => t_current;

    public ReplicaGroup Group { get; }
    public int Rank { get; }

    /// <summary>Makes the calling thread replica <paramref name="rank"/> of <paramref name="group"/>, with
    /// <paramref name="threads"/> intra-op threads, until disposed; in a group that takes turns, it first waits for the turn.</summary>
    public static ReplicaScope Enter(ReplicaGroup group, int rank, int threads = 1) => new(group, rank, threads);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Group.EndTurn(Rank);
        _threads.Dispose();
        t_current = null;
    }
}
