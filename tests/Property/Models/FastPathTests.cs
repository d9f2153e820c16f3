using Norms.Models;
using Norms.Property.Tests.Norms;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Models;

/// <summary>
/// The engine's fast path (channels-last layout, fused ReLU + dropout; EngineOptions) computes the same network
/// as the stock path: with dropout 0 (no randomness) the outputs and every parameter gradient agree.
/// </summary>
[Collection("FusedKernelSwitches")]
public class FastPathTests
{
    private static (float[] Output, float[][] Grads) Run(ModelSpec spec, bool fast, Tensor x, Tensor y)
    {
        var engine = EngineOptions.Cpu with { FusedKernels = fast, Layout = fast ? LayoutPreference.ChannelsLast : LayoutPreference.ChannelsFirst };
        using var model = ModelCompiler.Compile(spec, engine, seed: 3);
        using var scope = LibTorch.NewDisposeScope();
        var output = model.Forward(x);
        Functional.NllLoss(output, y).Backward();
        return (output.ToArray<float>(), model.Parameters().Select(p => p.Grad!.ToArray<float>()).ToArray());
    }

    [Theory]
    [InlineData("mnist8k", "bn")]
    [InlineData("mnist8k", "gn")]
    [InlineData("cifar50k", "bn")]
    [InlineData("cifar50k", "ln")]
    public void Fast_and_stock_paths_agree_without_dropout(string modelName, string normName)
    {
        var spec = Architectures.ByName(modelName, Architectures.NormFor(modelName, normName)!, dropout: 0)!;
        LibTorch.ManualSeed(11);
        using var x = Tensor.Randn([6, spec.Input.Channels, spec.Input.Height, spec.Input.Width]);
        using var y = Tensor.RandInt(0, 10, [6]);
        var stock = Run(spec, fast: false, x, y);
        var fast = Run(spec, fast: true, x, y);
        // float32 through ~10 layers with other summation orders (oneDNN NHWC kernels): 1e-4 absolute plus
        // 1e-3 relative is tens of ulps of the values involved, far below any layout or indexing mistake.
        Approx.AllClose(stock.Output, fast.Output, 1e-4, 1e-3, "output");
        for (var i = 0; i < stock.Grads.Length; i++)
            Approx.AllClose(stock.Grads[i], fast.Grads[i], 1e-4, 1e-3, $"gradient {i}");
    }

    [Theory]
    [InlineData("mnist8k", "bn", 1, LayoutPreference.Auto, false, false)] // unsplit, 0.92 M mult-adds per image: below the threshold
    [InlineData("cifar50k", "bn", 1, LayoutPreference.Auto, true, false)] // unsplit, 9.5 M
    [InlineData("mnist8k", "bn", 1, LayoutPreference.Auto, true)] // data-parallel at one thread too (the replicas take turns)
    [InlineData("mnist8k", "bn", 2, LayoutPreference.Auto, true)] // data-parallel, batch norms only
    [InlineData("mnist8k", "gn", 2, LayoutPreference.Auto, false)] // data-parallel, a group norm
    [InlineData("cifar50k", "ln", 2, LayoutPreference.Auto, false)]
    [InlineData("mnist8k", "gn", 1, LayoutPreference.ChannelsLast, true)]
    [InlineData("cifar50k", "bn", 2, LayoutPreference.ChannelsFirst, false)]
    public void The_layout_follows_the_policy_and_the_weights_follow_the_layout(string modelName, string normName, int threads,
        LayoutPreference preference, bool channelsLast, bool dataParallel = true)
    {
        var spec = Architectures.ByName(modelName, Architectures.NormFor(modelName, normName)!)!;
        using var model = ModelCompiler.Compile(spec, EngineOptions.Cpu with { Layout = preference, Threads = threads, DataParallel = dataParallel }, seed: 1);
        Assert.Equal(channelsLast, model.ChannelsLast);
        // A kernel with more than one input channel: with one, both layouts have the same strides.
        var kernel = model.Parameters().First(p => p.Dim == 4 && p.Shape[1] > 1);
        Assert.Equal(channelsLast, kernel.IsContiguous(MemoryFormat.ChannelsLast) && !kernel.IsContiguous(MemoryFormat.Contiguous));
    }
}
