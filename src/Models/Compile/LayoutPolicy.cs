using Norms.Torch;

namespace Norms.Models;

/// <summary>Where a model's tensors live and how its 4-d tensors are laid out in memory.</summary>
internal sealed record Placement(Device Device, bool ChannelsLast);

/// <summary>
/// Chooses the memory layout a model is built with. Channels-last lets oneDNN convolve without reordering, which
/// pays once the convolutions have work to share; on a network as small as Mnist8k, oneDNN's channels-last
/// kernels split so little work between threads that they wait on each other. Measured on the 2-core machine
/// (`bench`, batch 64, ms per step, quiet): Mnist8k (0.92 M mult-adds per image) channels-last 12.3 / 21.4 ms at
/// 1 / 2 threads, channels-first 12.1 / 14.8; Cifar50k (9.5 M) channels-last 34.1 / 35.8, channels-first
/// 56.1 / 46.4. The threshold sits between the two. NORMS_CHANNELS_LAST=0/1 (FusedKernels.Layout) overrides it.
/// </summary>
public static class LayoutPolicy
{
    /// <summary>Mult-adds per image from which channels-last is chosen.</summary>
    public const long ChannelsLastFromMultAdds = 2_000_000;

    public static bool UseChannelsLast(ModelAnalysis analysis, Device device) =>
        device.Type == DeviceType.Cpu && FusedKernels.Layout switch
        {
            LayoutPreference.ChannelsLast => true,
            LayoutPreference.ChannelsFirst => false,
            _ => analysis.MultAddsPerSample >= ChannelsLastFromMultAdds,
        };
}
