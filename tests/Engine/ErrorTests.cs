using Norms.Torch;
using Norms.Torch.Nn;
using Norms.Torch.Serialization;

namespace Norms.Engine.Tests;

/// <summary>libtorch's C++ exceptions arrive as typed .NET exceptions with libtorch's message and no C++ backtrace.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void ShapeMismatchIsAnArgumentException()
    {
        using var a = Tensor.Zeros([2, 3]);
        using var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<TorchArgumentException>(() => a.MatMul(b));
        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Contains("cannot be multiplied", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
    }

    [Fact]
    public void ConvolutionWithWrongChannelsIsAnArgumentException()
    {
        using var x = Tensor.Zeros([1, 3, 8, 8]);
        using var w = Tensor.Zeros([4, 2, 3, 3]);
        Assert.Throws<TorchArgumentException>(() => Functional.Conv2d(x, w));
    }

    [Fact]
    public void BatchNormWithOneValuePerChannelInTrainingIsAnArgumentException()
    {
        using var x = Tensor.Zeros([1, 3, 1, 1]);
        var e = Assert.Throws<TorchArgumentException>(() => Functional.BatchNorm(x, null, null, null, null, training: true));
        Assert.Contains("more than 1 value per channel", e.Message);
    }

    [Fact]
    public void GroupNormWithGroupsThatDoNotDivideChannelsIsAnArgumentException()
    {
        using var x = Tensor.Zeros([2, 6, 2, 2]);
        var e = Assert.Throws<TorchArgumentException>(() => Functional.GroupNorm(x, 4));
        Assert.Contains("does not divide", e.Message);
    }

    [Fact]
    public void WrongDtypeIsAnArgumentException()
    {
        using var logits = Tensor.Zeros([2, 3]);
        using var floatTargets = Tensor.Zeros([2]);
        Assert.Throws<TorchArgumentException>(() => Functional.NllLoss(logits, floatTargets));
        using var ints = Tensor.Zeros([2], ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => ints.ToArray<float>());
    }

    [Fact]
    public void IndexOutOfRangeIsAnIndexException()
    {
        using var t = Tensor.Zeros([2, 3]);
        Assert.Throws<TorchIndexException>(() => t.Select(0, 5));
        Assert.Throws<TorchIndexException>(() => t.Permute(0, 7));
    }

    [Fact]
    public void CudaOnAMachineWithoutCudaIsAnArgumentException()
    {
        if (LibTorch.CudaIsAvailable) return; // covered by CudaTests there
        using var t = Tensor.Zeros([2]);
        var e = Assert.Throws<TorchArgumentException>(() => t.To(Device.Cuda()));
        Assert.Contains("CUDA", e.Message);
        Assert.Throws<TorchArgumentException>(() => Tensor.Zeros([2], device: Device.Cuda()));
    }

    [Fact]
    public void DataOfTheWrongLengthIsRejected() =>
        Assert.Throws<TorchArgumentException>(() => Tensor.FromArray(new float[5], 2, 3));

    [Fact]
    public void UsingADisposedTensorIsObjectDisposed()
    {
        var t = Tensor.Zeros([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Exp());
        t.Dispose(); // idempotent
    }

    [Fact]
    public void BackwardOfANonScalarNeedsAGradient()
    {
        using var x = Tensor.Ones([3]).WithRequiresGrad();
        using var y = x * 2.0;
        var e = Assert.Throws<TorchArgumentException>(() => y.Backward());
        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void DeviceParsingRejectsUnknownDevices()
    {
        Assert.Equal(Device.Cuda(1), Device.Parse("cuda:1"));
        Assert.Equal(Device.Cpu, Device.Parse("CPU"));
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
    }

    [Fact]
    public void LoadingAStateThatDoesNotFitNamesTheMismatch()
    {
        using var m = new TinyCnn();
        var state = new Dictionary<string, Tensor> { ["w1"] = Tensor.Zeros([4, 1, 3, 3]).DetachFromScope() };
        var e = Assert.Throws<ArgumentException>(() => m.LoadStateDict(state));
        Assert.Contains("missing [", e.Message);
        state["w1"].Dispose();
    }
}
