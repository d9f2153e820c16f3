namespace Norms.Torch;

/// <summary>
/// Switches the shim's fused kernels (ReLU + dropout with a counter-based RNG, see
/// Functional.ReluDropout) on or off process-wide, so the stock libtorch path and the
/// fused one can be compared. Default: on, unless the environment variable NORMS_FUSED is "0"
/// (read once, like OMP_NUM_THREADS is by the engine itself).
/// </summary>
public static class FusedKernels
{
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("NORMS_FUSED") != "0";
}
