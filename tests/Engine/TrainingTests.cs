using System.Diagnostics;
using Norms.Torch;
using Norms.Torch.Optim;

namespace Norms.Engine.Tests;

public sealed class TrainingTests
{
    private static double Step(TinyCnn model, Optimizer opt, int seed)
    {
        using var scope = LibTorch.NewDisposeScope();
        var (x, y) = Synthetic.Batch(32, seed);
        var loss = Functional.NllLoss(model.Forward(x), y);
        loss.Backward();
        opt.Step();
        opt.ZeroGrad();
        return loss.ToDouble();
    }

    [Fact]
    public void LossFallsOnALearnableTask()
    {
        LibTorch.ManualSeed(1);
        using var model = new TinyCnn();
        using var opt = new Sgd(model.Parameters(), 0.1, momentum: 0.9);
        var losses = Enumerable.Range(0, 150).Select(i => Step(model, opt, i)).ToArray();
        var first = losses.Take(10).Average();
        var last = losses.TakeLast(10).Average();
        Assert.True(last < 0.5 * first, $"loss went from {first:F3} to {last:F3}");

        model.Eval();
        using var scope = LibTorch.NewDisposeScope();
        var (x, y) = Synthetic.Batch(200, 9999);
        var accuracy = model.Forward(x).Argmax(1).Eq(y).To(ScalarType.Float32).Mean().ToDouble();
        Assert.True(accuracy > 0.8, $"held-out accuracy {accuracy:P1}");
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

    [Fact]
    public void AThousandStepsLeakNoHandlesAndKeepMemoryFlat()
    {
        var baseline = LibTorch.LiveTensors;
        var finalizedBefore = LibTorch.FinalizedTensors;
        long rssAfterWarmup, rssAtEnd;
        using (var model = new TinyCnn())
        using (var opt = new Sgd(model.Parameters(), 0.05, momentum: 0.9, weightDecay: 1e-4))
        {
            for (var i = 0; i < 200; i++) Step(model, opt, i);
            rssAfterWarmup = Rss();
            for (var i = 200; i < 1000; i++) Step(model, opt, i);
            rssAtEnd = Rss();
        }
        Assert.Equal(baseline, LibTorch.LiveTensors);
        Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
        Assert.Equal(finalizedBefore, LibTorch.FinalizedTensors);
        var growthMb = (rssAtEnd - rssAfterWarmup) / 1024.0 / 1024.0;
        // 800 steps allocate ~1 GB of tensors in total; a leak of even one small tensor per step
        // would show up as tens of MB. The allocator's own caches move RSS by a few MB at most.
        Assert.True(growthMb < 8, $"RSS grew by {growthMb:F1} MB over 800 steps");
    }
}
