using Xunit;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>A fact that runs only where libtorch sees a CUDA device; elsewhere it is reported as
/// skipped (xunit 2 has no dynamic skip, so the reason is set when the attribute is built).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!CudaProbe.Available)
            Skip = "CUDA not available";
    }
}

internal static class CudaProbe
{
    private static readonly Lazy<bool> s_available = new(() =>
    {
        try { return global::Norms.Torch.LibTorch.CudaIsAvailable; }
        catch (Exception) { return false; } // no native shim at discovery time: treat as no CUDA
    });

    public static bool Available => s_available.Value;
}
