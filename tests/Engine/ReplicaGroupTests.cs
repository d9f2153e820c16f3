using Norms.Torch;
using Norms.Torch.Interop;

namespace Norms.Engine.Tests;

/// <summary>A replica group owns its native object through a SafeHandle: freed once on Dispose, unusable after.</summary>
public sealed class ReplicaGroupTests
{
    [Fact]
    public void ADisposedGroupIsReleasedAndThrowsObjectDisposedOnUse()
    {
        var before = ReplicaGroupHandle.Live;
        var group = new ReplicaGroup(2);
        var handle = group.Handle;
        Assert.Equal(before + 1, ReplicaGroupHandle.Live);
        Assert.Equal(2, group.Parties);

        group.Dispose();
        Assert.True(handle.IsClosed);
        Assert.Equal(before, ReplicaGroupHandle.Live);

        Assert.Equal(nameof(ReplicaGroup), Assert.Throws<ObjectDisposedException>(group.Abort).ObjectName);
        using var x = Tensor.Ones([4, 3]);
        Assert.Throws<ObjectDisposedException>(() => Functional.BatchNormReplicated(x, null, null, null, null, group, 0));
        Assert.Equal(2, group.Parties);
        group.Dispose(); // idempotent: freed once
        Assert.Equal(before, ReplicaGroupHandle.Live);
    }

    [Fact]
    public void AGroupOfOneNormalizesAsBatchNormAndIsReleasedOnce()
    {
        var before = ReplicaGroupHandle.Live;
        using var x = Tensor.FromArray(Arrays.Random(24, seed: 3), 8, 3);
        using (var group = new ReplicaGroup(1))
        {
            using var replicated = Functional.BatchNormReplicated(x, null, null, null, null, group, 0);
            using var stock = Functional.BatchNorm(x, null, null, null, null, training: true);
            Arrays.Close(stock.AsDoubles(), replicated.AsDoubles(), 1e-10, 1e-10, "a group of one");
            Assert.Equal(before + 1, ReplicaGroupHandle.Live);
        }
        Assert.Equal(before, ReplicaGroupHandle.Live);
    }
}
