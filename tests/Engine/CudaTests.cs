using Norms.Torch;

namespace Norms.Engine.Tests;

/// <summary>A fact that runs only where the linked libtorch sees a CUDA device.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!LibTorch.CudaIsAvailable) Skip = "CUDA is not available (CPU libtorch or no GPU)";
    }
}

public sealed class CudaTests
{
    [CudaFact]
    public void TensorsMoveToTheGpuAndBack()
    {
        using var cpu = Tensor.FromArray(new float[] { 1, 2, 3 }, 3);
        using var gpu = cpu.To(Device.Cuda());
        Assert.Equal(DeviceType.Cuda, gpu.Device.Type);
        using var doubled = gpu * 2.0;
        Assert.Equal(new float[] { 2, 4, 6 }, doubled.ToArray<float>());
    }

    [CudaFact]
    public void ConvolutionAgreesWithTheCpu()
    {
        LibTorch.ManualSeed(1);
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Randn([2, 3, 8, 8], ScalarType.Float64);
        var w = Tensor.Randn([4, 3, 3, 3], ScalarType.Float64);
        var cpu = Functional.Conv2d(x, w, padding: (1, 1)).ToArray<double>();
        var gpu = Functional.Conv2d(x.To(Device.Cuda()), w.To(Device.Cuda()), padding: (1, 1)).ToArray<double>();
        Arrays.Close(cpu, gpu, 1e-10, 1e-10, "conv2d cuda vs cpu");
    }
}
