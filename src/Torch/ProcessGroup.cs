using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// One process's membership of a data-parallel job across processes: PyTorch's c10d process group on Gloo, met
/// through a TCP store that rank 0 hosts (<see cref="JoinTcp"/>) or a file store in a shared folder
/// (<see cref="JoinFile"/>). Every collective blocks until all ranks have called it, in the same order, and throws
/// a <see cref="TorchException"/> when a peer is gone or <see cref="Timeout"/> passes. Owns its native object (in a
/// <see cref="ProcessGroupHandle"/>); dispose it once its collectives are done. A libtorch without c10d/Gloo refuses
/// to create one with <see cref="TorchUnsupportedException"/>.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle _handle;

    private ProcessGroup(nint pointer, TimeSpan timeout)
    {
        _handle = new ProcessGroupHandle(pointer);
        Status.Check(nt_dist_rank(_handle, out var rank, out var world));
        Rank = rank;
        WorldSize = world;
        Timeout = timeout;
    }

    /// <summary>Whether this libtorch (as the shim was built against it) has c10d with Gloo.</summary>
    public static bool IsAvailable => nt_dist_available();

    /// <summary>Process groups alive in this process (tests check each is freed).</summary>
    public static long Live => ProcessGroupHandle.Live;

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>How long joining, and each collective, may wait for the other ranks.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Joins the group through the TCP store at <paramref name="host"/>:<paramref name="port"/> (rank 0 hosts it;
    /// blocks until all <paramref name="worldSize"/> ranks have joined). <paramref name="bindAddress"/>: where Gloo's own
    /// connections listen (loopback for a job on one machine); null for the address of this host's name.</summary>
    public static ProcessGroup JoinTcp(string host, int port, int rank, int worldSize, TimeSpan timeout, string? bindAddress = null)
    {
        Status.Check(nt_dist_group_tcp(host, port, rank, worldSize, Milliseconds(timeout), bindAddress, out var pointer));
        return new ProcessGroup(pointer, timeout);
    }

    /// <summary>Joins the group through a file store at <paramref name="path"/> (a fresh file for each job, in a folder
    /// every rank can reach).</summary>
    public static ProcessGroup JoinFile(string path, int rank, int worldSize, TimeSpan timeout, string? bindAddress = null)
    {
        Status.Check(nt_dist_group_file(path, rank, worldSize, Milliseconds(timeout), bindAddress, out var pointer));
        return new ProcessGroup(pointer, timeout);
    }

    private static long Milliseconds(TimeSpan timeout) =>
        timeout > TimeSpan.Zero ? (long)Math.Ceiling(timeout.TotalMilliseconds)
            : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the timeout must be positive");

    private ProcessGroupHandle Handle => _handle.IsClosed ? throw new ObjectDisposedException(nameof(ProcessGroup)) : _handle;

    /// <summary>In place: each tensor becomes the sum of its values over the ranks. One flat buffer per dtype.</summary>
    public void AllReduceSum(IReadOnlyList<Tensor> tensors) =>
        PerDtype(tensors, (handles, count) => nt_dist_allreduce_sum(Handle, handles, count));

    /// <summary>In place: each tensor takes rank <paramref name="root"/>'s values. One flat buffer per dtype.</summary>
    public void Broadcast(IReadOnlyList<Tensor> tensors, int root = 0) =>
        PerDtype(tensors, (handles, count) => nt_dist_broadcast(Handle, handles, count, root));

    /// <summary>Returns once every rank has called it.</summary>
    public void Barrier() => Status.Check(nt_dist_barrier(Handle));

    /// <summary>Synchronized batch norm's meeting point across this group's processes: a <see cref="ReplicaGroup"/> of
    /// <see cref="WorldSize"/> parties in which this process is replica <see cref="Rank"/>. It keeps the process group's
    /// native object alive on its own; dispose it as any replica group.</summary>
    public ReplicaGroup ReplicaGroup()
    {
        Status.Check(nt_dist_replica_group(Handle, out var pointer));
        return Torch.ReplicaGroup.Adopt(pointer, WorldSize);
    }

    private delegate NativeStatus Collective(nint* handles, int count);

    // The shim takes one dtype a call (a parameter list is float32, num_batches_tracked int64); the order of the calls
    // is the order of first appearance, the same on every rank for the same list.
    private static void PerDtype(IReadOnlyList<Tensor> tensors, Collective collective)
    {
        foreach (var group in tensors.GroupBy(t => t.Dtype))
        {
            var list = group.ToArray();
            var handles = new nint[list.Length];
            for (var i = 0; i < list.Length; i++) handles[i] = list[i].H;
            fixed (nint* p = handles)
                Status.Check(collective(p, handles.Length));
            GC.KeepAlive(list);
        }
    }

    public void Dispose() => _handle.Dispose();
}
