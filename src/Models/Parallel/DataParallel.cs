using System.Runtime.ExceptionServices;
using Norms.Torch;

namespace Norms.Models;

/// <summary>
/// Runs a training step as two replicas of the model on two threads, each on half of the batch with half the intra-op
/// threads (one each on 2 cores), instead of one model on the whole batch with all the intra-op threads. Small networks leave libtorch's
/// intra-op threads mostly waiting on each other (Mnist8k gains 8 % from a second thread that way); split by
/// samples, each thread has whole convolutions of its own. The replicas share the parameters, so their backward
/// passes add into the same gradients; batch norm shares its statistics between them
/// (<see cref="Functional.BatchNormReplicated"/>), so the step computes what the unsplit step computes, up to
/// float rounding. Dropout masks are keyed by each sample's position in the epoch (<see cref="DropoutKey"/>), so a
/// split step drops exactly the elements the unsplit step drops.
/// At one thread the two replicas take turns instead of running at once, so the split, and with it every bit of a
/// run's numbers, is the same at 1 and 2 threads (and in a study's one-thread jobs): the thread count changes speed only.
/// (Their gradients add into the parameters in either order: two float terms commute.)
/// Switched off by <see cref="EngineOptions.DataParallel"/> (NORMS_DATA_PARALLEL=0, or NORMS_FUSED=0).
/// </summary>
public sealed class DataParallel : IDisposable
{
    public const int Replicas = 2;

    /// <summary>Whether a model built with <paramref name="engine"/> is split, short of model-specific reasons
    /// (<see cref="CanSplit"/>): what the layout policy plans for. It takes data parallelism switched on, the
    /// fused kernels (off means libtorch's stock path throughout) and the CPU, at any thread count: from 2 threads
    /// the replicas run at once, at 1 they take turns (<see cref="TakesTurns"/>), so that a run's numbers do not
    /// depend on its thread count.</summary>
    public static bool Splits(EngineOptions engine) =>
        engine.DataParallel && engine.FusedKernels && engine.Device.Type == DeviceType.Cpu;

    /// <summary>Whether the replicas of a model built with <paramref name="engine"/> run one at a time: below 2 threads
    /// they take turns on the one thread's worth of CPU (<see cref="ReplicaGroup(int, bool)"/>), computing the same
    /// split step as two replicas at once, bit for bit.</summary>
    public static bool TakesTurns(EngineOptions engine) => engine.Threads < Replicas;

    /// <summary>Whether <paramref name="model"/> can be trained data-parallel with the engine options it was built with:
    /// <see cref="Splits"/>, no instance norm tracking running statistics (both replicas would update them), and no ghost
    /// batch norm (one model updates its running statistics group by group in order, which two concurrent replicas could
    /// not keep; and its groups are not the replicas' shares).</summary>
    public static bool CanSplit(CompiledModel model) => CanSplit(model.Spec, model.Engine);

    /// <summary><see cref="CanSplit(CompiledModel)"/> before compiling: whether a model of <paramref name="spec"/> built with
    /// <paramref name="engine"/> would be trained data-parallel.</summary>
    public static bool CanSplit(ModelSpec spec, EngineOptions engine) =>
        Splits(engine) && !spec.BlockNorms().Any(n => n is InstanceNorm { TrackRunningStats: true } or BatchNorm { GhostBatch: not null });

    /// <summary>Whether batches of <paramref name="batchSize"/> samples are split between the replicas at all
    /// (<see cref="Shares"/>): a half must hold at least 2 samples.</summary>
    public static bool SplitsBatch(long batchSize) => batchSize >= 2 * Replicas;

    /// <summary>A runner for <paramref name="model"/>, or null when it must be trained unsplit. Its engine options'
    /// threads are shared out between the replicas (2 threads: one each; 1 thread: one, the replicas taking turns).</summary>
    public static DataParallel? TryCreate(CompiledModel model) =>
        CanSplit(model) ? new DataParallel(ThreadsPerReplicaOf(model.Engine), TakesTurns(model.Engine)) : null;

    /// <summary>One replica's intra-op threads on <paramref name="engine"/>: half its threads, at least one.</summary>
    public static int ThreadsPerReplicaOf(EngineOptions engine) => Math.Max(1, engine.Threads / Replicas);

    /// <summary>
    /// The intra-op threads of what a model built with <paramref name="engine"/> computes outside the replicas: all of it
    /// when it is trained unsplit (<see cref="TryCreate"/> gave null), else PreciseBN's pass and the optimizer. With data parallelism on,
    /// one replica's (<see cref="ThreadsPerReplicaOf"/>), as a batch too small to split gets; with it switched off, all
    /// of them. So a ghost-batch-norm run computes on one intra-op thread at 1 and 2 threads alike, and its numbers,
    /// like a split run's, do not depend on which (libtorch's parallel reductions round by thread count).
    /// It costs nothing measured: unsplit steps at 1 intra-op thread against 2 took Mnist8k 12.1 against 14.8 ms,
    /// Cifar50k 34.1 against 35.8 (<see cref="LayoutPolicy"/>).
    /// </summary>
    public static int UnsplitThreads(EngineOptions engine) => Splits(engine) ? ThreadsPerReplicaOf(engine) : engine.Threads;

    public int ThreadsPerReplica { get; }

    private readonly Thread _worker;
    private readonly SemaphoreSlim _start = new(0), _done = new(0);
    private ReplicaGroup _group;
    private Action? _work;
    private ExceptionDispatchInfo? _firstError;
    private bool _stopping;

    /// <summary>Starts the worker thread; each replica runs with <paramref name="threadsPerReplica"/> intra-op threads,
    /// one at a time with <paramref name="turns"/>. Prefer <see cref="TryCreate"/>, which first checks the model can be split.</summary>
    public DataParallel(int threadsPerReplica = 1, bool turns = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerReplica, 1);
        ThreadsPerReplica = threadsPerReplica;
        _group = new ReplicaGroup(Replicas, turns);
        _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "norms replica 1" };
        _worker.Start();
    }

    /// <summary>The share of a batch of <paramref name="batch"/> samples each replica takes: (offset, count) by rank.
    /// One share when a half would hold fewer than 2 samples (batch statistics need more than one value).</summary>
    public static (long Offset, long Count)[] Shares(long batch)
    {
        if (!SplitsBatch(batch)) return [(0, batch)];
        var first = (batch + 1) / 2;
        return [(0, first), (first, batch - first)];
    }

    /// <summary>
    /// Runs <paramref name="body"/>(rank, offset, count) for every share of a batch of <paramref name="batch"/>
    /// samples: rank 0 on the calling thread, rank 1 on the worker, concurrently (or taking turns), each inside its
    /// <see cref="ReplicaScope"/>; the worker's tensors are disposed when its body returns. With one share the body
    /// runs once, on the caller, unsplit, with one replica's intra-op threads. The first failure is rethrown once both have stopped.
    /// </summary>
    public void Run(long batch, Action<int, long, long> body) => Run(Shares(batch), body);

    /// <summary>As <see cref="Run(long, Action{int, long, long})"/> with the shares given: one, or one per replica.</summary>
    public void Run(IReadOnlyList<(long Offset, long Count)> shares, Action<int, long, long> body)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (shares.Count is not (1 or Replicas))
            throw new ArgumentException($"give one share or {Replicas}, not {shares.Count}", nameof(shares));
        if (shares.Count == 1)
        {
            // A batch too small to split runs on the caller with one replica's intra-op threads, not all of them: at
            // 2 threads a batch-2 Mnist8k step took 6.6-9.0 ms on both intra-op threads (they wait on each other) and
            // 1.3 ms on one (bench/results/compare-small-batches-quiet*.txt).
            using var threads = IntraOpThreads.OnThisThread(ThreadsPerReplica);
            body(0, shares[0].Offset, shares[0].Count);
            return;
        }
        var group = _group;
        _firstError = null;
        _work = () =>
        {
            using var replica = ReplicaScope.Enter(group, 1, ThreadsPerReplica);
            using var scope = LibTorch.NewDisposeScope();
            body(1, shares[1].Offset, shares[1].Count);
        };
        _start.Release();
        try
        {
            using var replica = ReplicaScope.Enter(group, 0, ThreadsPerReplica);
            body(0, shares[0].Offset, shares[0].Count);
        }
        catch (Exception e)
        {
            Fail(e, group);
        }
        _done.Wait();
        if (_firstError is not { } error) return;
        // An aborted group stays failed: the next step gets a fresh one.
        _group = new ReplicaGroup(Replicas, group.TakesTurns);
        group.Dispose();
        error.Throw();
    }

    // The first replica to fail holds the cause; the other then fails only because the group was aborted.
    private void Fail(Exception e, ReplicaGroup group)
    {
        Interlocked.CompareExchange(ref _firstError, ExceptionDispatchInfo.Capture(e), null);
        group.Abort();
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
            try
            {
                _work!();
            }
            catch (Exception e)
            {
                Fail(e, _group);
            }
            _done.Release();
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _start.Release();
        _worker.Join();
        _group.Dispose();
        _start.Dispose();
        _done.Dispose();
    }
}
