using Norms.Torch;
using F = Norms.Torch.Functional;

namespace Norms.Engine.Tests;

/// <summary>Tensor.Contiguous(MemoryFormat.ChannelsLast) gives layouts libtorch carries through a convolution.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void A_one_channel_input_made_channels_last_keeps_the_convolution_channels_last()
    {
        // One channel is "contiguous" in both layouts; libtorch decides from the strides, so the conversion must
        // give channels-last strides or every later layer's tensors are reordered (the Mnist8k first layer).
        using var scope = LibTorch.NewDisposeScope();
        var input = Tensor.Randn([2, 1, 6, 6]).Contiguous(MemoryFormat.ChannelsLast);
        var weight = Tensor.Randn([4, 1, 3, 3]).Contiguous(MemoryFormat.ChannelsLast);
        var output = F.Conv2d(input, weight);
        Assert.True(output.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.False(output.IsContiguous(MemoryFormat.Contiguous));
    }

    [Fact]
    public void Making_a_tensor_channels_last_keeps_its_values_and_its_gradient()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Randn([2, 1, 4, 4]);
        x.RequiresGrad = true;
        var y = x.Contiguous(MemoryFormat.ChannelsLast);
        Assert.Equal(x.ToArray<float>(), y.Contiguous().ToArray<float>());
        (y * 3.0).Sum().Backward();
        Assert.All(x.Grad!.ToArray<float>(), g => Assert.Equal(3f, g));
    }
}
