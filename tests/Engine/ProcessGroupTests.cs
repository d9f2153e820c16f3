using System.Diagnostics;
using Norms.Torch;
using Norms.Torch.Interop;
using Norms.Tests;

namespace Norms.Engine.Tests;

/// <summary>
/// c10d process groups on Gloo, two ranks as two threads of this process over loopback (each with a group of its own, as
/// two processes would have): the collectives' values, the synchronized batch norm across ranks against the whole batch's,
/// the join timeout, and every native handle freed once.
/// </summary>
public sealed class ProcessGroupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static int FreePort() => TwoRanksOnThreads.FreePort();

    /// <summary>Runs <paramref name="body"/> as ranks 0 and 1 on two threads, each in a group it joined; rethrows a failure.</summary>
    private static T[] TwoRanks<T>(Func<int, ProcessGroup> join, Func<ProcessGroup, T> body) =>
        TwoRanksOnThreads.Run(join, body, TimeSpan.FromSeconds(60));

    private static Func<int, ProcessGroup> Tcp() => TwoRanksOnThreads.Tcp(Timeout);

    [Fact]
    public void ThisLibtorchHasGloo() => Assert.True(ProcessGroup.IsAvailable, "the shim was built without c10d/Gloo: apt-get install -y libgloo-dev and rebuild");

    [Fact]
    public void AllReduceSumsEveryTensorOfTheListAndBroadcastCopiesRootsValues()
    {
        var before = (ProcessGroup.Live, LibTorch.LiveTensors);
        var results = TwoRanks(Tcp(), group =>
        {
            using var scope = LibTorch.NewDisposeScope(); // the products' operands
            Assert.Equal(2, group.WorldSize);
            var r = group.Rank + 1.0;
            using var a = Tensor.FromArray(new float[] { 1, 2, 3 }, 3) * (float)r;
            using var b = Tensor.FromArray(new float[] { 10, 20, 30, 40 }, 2, 2) * (float)r;
            // A non-contiguous tensor comes back in its own logical order.
            using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).Transpose(0, 1) * (float)r;
            using var n = Tensor.Full([], 5 * r, ScalarType.Int64); // another dtype: its own collective
            group.AllReduceSum([a, b, t, n]);
            using var w = Tensor.FromArray(new float[] { 7, 8 }, 2) * (float)r;
            group.Broadcast([w], root: 0);
            group.Barrier();
            return (a.ToArray<float>(), b.ToArray<float>(), t.Contiguous().ToArray<float>(), n.ToInt64(), w.ToArray<float>());
        });
        foreach (var (a, b, t, n, w) in results)
        {
            Assert.Equal(new float[] { 3, 6, 9 }, a);
            Assert.Equal(new float[] { 30, 60, 90, 120 }, b);
            Assert.Equal(new float[] { 3, 12, 6, 15, 9, 18 }, t);
            Assert.Equal(15, n);
            Assert.Equal(new float[] { 7, 8 }, w);
        }
        Assert.Equal(before, (ProcessGroup.Live, LibTorch.LiveTensors));
    }

    [Fact]
    public void AFileStoreMeetsAsTheTcpStoreDoes()
    {
        var folder = Directory.CreateTempSubdirectory("norms-filestore-").FullName;
        try
        {
            var path = Path.Combine(folder, "store");
            var sums = TwoRanks(rank => ProcessGroup.JoinFile(path, rank, 2, Timeout, "127.0.0.1"), group =>
            {
                using var x = Tensor.Full([2], group.Rank + 1.0, ScalarType.Float64);
                group.AllReduceSum([x]);
                return x.ToArray<double>();
            });
            Assert.All(sums, s => Assert.Equal(new double[] { 3, 3 }, s));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void BatchNormAcrossRanksNormalizesByTheWholeBatchForwardAndBackward()
    {
        // 8 samples x 3 channels x 2 x 2: rank 0 takes the first 5, rank 1 the last 3 (uneven shares).
        var data = Arrays.Random(8 * 3 * 4, seed: 11, scale: 2, offset: 1);
        var upstream = Arrays.Random(8 * 3 * 4, seed: 12);
        double[] WholeGrad(out double[] y)
        {
            using var x = Tensor.FromArray(data, 8, 3, 2, 2).WithRequiresGrad();
            using var w = Tensor.FromArray(new double[] { 1.5, 0.5, 2 }, 3).WithRequiresGrad();
            using var b = Tensor.FromArray(new double[] { 0.1, -0.2, 0.3 }, 3).WithRequiresGrad();
            using var stock = Functional.BatchNorm(x, w, b, null, null, training: true);
            using var dy = Tensor.FromArray(upstream, 8, 3, 2, 2);
            using var prod = stock * dy;
            using var loss = prod.Sum();
            loss.Backward();
            y = stock.AsDoubles();
            using var g = x.Grad!;
            return g.AsDoubles();
        }
        var expectedGrad = WholeGrad(out var expectedY);
        var shares = new[] { (0, 5), (5, 3) };
        var before = (ReplicaGroupHandle.Live, LibTorch.LiveTensors);
        var parts = TwoRanks(Tcp(), group =>
        {
            var (offset, count) = shares[group.Rank];
            using var meeting = group.ReplicaGroup();
            Assert.Equal(2, meeting.Parties);
            using var all = Tensor.FromArray(data, 8, 3, 2, 2);
            using var share = all.Slice(0, offset, offset + count);
            using var x = share.Contiguous().WithRequiresGrad();
            using var w = Tensor.FromArray(new double[] { 1.5, 0.5, 2 }, 3).WithRequiresGrad();
            using var b = Tensor.FromArray(new double[] { 0.1, -0.2, 0.3 }, 3).WithRequiresGrad();
            using var y = Functional.BatchNormReplicated(x, w, b, null, null, meeting, group.Rank);
            using var dyAll = Tensor.FromArray(upstream, 8, 3, 2, 2);
            using var dy = dyAll.Slice(0, offset, offset + count);
            using var prod = y * dy;
            using var loss = prod.Sum();
            loss.Backward();
            using var g = x.Grad!;
            return (y.AsDoubles(), g.AsDoubles());
        });
        Arrays.Close(expectedY, [.. parts[0].Item1, .. parts[1].Item1], 1e-10, 1e-10, "output across ranks");
        Arrays.Close(expectedGrad, [.. parts[0].Item2, .. parts[1].Item2], 1e-10, 1e-10, "input gradient across ranks");
        Assert.Equal(before, (ReplicaGroupHandle.Live, LibTorch.LiveTensors));
    }

    [Fact]
    public void ARankWhosePeerNeverComesFailsWithinTheTimeout()
    {
        var port = FreePort();
        var clock = Stopwatch.StartNew();
        var before = ProcessGroup.Live;
        var e = Assert.ThrowsAny<TorchException>(() => ProcessGroup.JoinTcp("127.0.0.1", port, 0, 2, TimeSpan.FromSeconds(2), "127.0.0.1"));
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 15);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.Equal(before, ProcessGroup.Live);
    }

    [Fact]
    public void ADisposedGroupIsFreedOnceAndRefusesCollectives()
    {
        var before = ProcessGroup.Live;
        var groups = TwoRanks(Tcp(), group =>
        {
            group.Barrier();
            return group;
        });
        Assert.Equal(before, ProcessGroup.Live);
        using var x = Tensor.Ones([1]);
        Assert.Throws<ObjectDisposedException>(() => groups[0].AllReduceSum([x]));
        groups[0].Dispose(); // idempotent
        Assert.Equal(before, ProcessGroup.Live);
    }
}
