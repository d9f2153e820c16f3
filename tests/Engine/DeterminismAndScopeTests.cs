using Norms.Torch;
using Norms.Torch.Optim;

namespace Norms.Engine.Tests;

public sealed class DeterminismTests
{
    private static double[] TrainFewSteps(ulong seed)
    {
        LibTorch.ManualSeed(seed);
        using var model = new TinyCnn(ScalarType.Float64);
        using var opt = new Sgd(model.Parameters(), 0.05, momentum: 0.9);
        for (var step = 0; step < 5; step++)
        {
            using var scope = LibTorch.NewDisposeScope();
            var (x, y) = Synthetic.Batch(16, step, ScalarType.Float64);
            Functional.NllLoss(model.Forward(x), y).Backward();
            opt.Step();
            opt.ZeroGrad();
        }
        return model.Parameters().SelectMany(p => p.ToArray<double>()).ToArray();
    }

    [Fact]
    public void SameSeedGivesTheSameResult()
    {
        var a = TrainFewSteps(7);
        var b = TrainFewSteps(7);
        var c = TrainFewSteps(8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void RandomStateCanBeSavedAndRestored()
    {
        LibTorch.ManualSeed(3);
        using var state = LibTorch.GetRngState();
        using var first = Tensor.Randn([5]);
        LibTorch.SetRngState(state);
        using var again = Tensor.Randn([5]);
        Assert.Equal(first.ToArray<float>(), again.ToArray<float>());
    }
}

public sealed class ScopeTests
{
    [Fact]
    public void AScopeDisposesWhatWasCreatedInsideExceptWhatMovedOut()
    {
        var before = LibTorch.LiveTensors;
        Tensor kept, inner;
        using (var scope = LibTorch.NewDisposeScope())
        {
            var a = Tensor.Ones([3]);
            inner = a * 2.0;
            kept = (inner + 1.0).MoveToOuterScope();
            Assert.Equal(2, scope.Count);
        }
        Assert.True(inner.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.Equal(new float[] { 3, 3, 3 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Equal(before, LibTorch.LiveTensors);
        Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
    }

    [Fact]
    public void NestedScopesHandTensorsOutward()
    {
        using var outer = LibTorch.NewDisposeScope();
        Tensor t;
        using (LibTorch.NewDisposeScope())
            t = Tensor.Zeros([1]).MoveToOuterScope();
        Assert.False(t.IsDisposed);
        outer.Dispose();
        Assert.True(t.IsDisposed);
    }

    [Fact]
    public void NoGradStopsRecordingAndRestoresTheMode()
    {
        using var x = Tensor.Ones([2]).WithRequiresGrad();
        using (LibTorch.NoGrad())
        {
            Assert.False(LibTorch.IsGradEnabled);
            using var y = x * 3.0;
            Assert.False(y.RequiresGrad);
        }
        Assert.True(LibTorch.IsGradEnabled);
        using var z = x * 3.0;
        Assert.True(z.RequiresGrad);
    }

    [Fact]
    public void ThreadCountCanBeSet()
    {
        var original = LibTorch.Threads;
        LibTorch.Threads = 1;
        Assert.Equal(1, LibTorch.Threads);
        LibTorch.Threads = original;
        Assert.Throws<ArgumentOutOfRangeException>(() => LibTorch.Threads = 0);
    }
}
