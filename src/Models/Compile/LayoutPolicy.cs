using Norms.Torch;

namespace Norms.Models;

/// <summary>
/// Chooses the memory layout a model is built with. Channels-last lets oneDNN convolve without reordering.
/// <list type="bullet">
/// <item>Trained data-parallel (<see cref="DataParallel"/>, the default at any thread count): channels-last when every
/// norm is a batch norm (or none), channels-first otherwise, because libtorch 1.13's group and layer norms on
/// channels-last input cost more than the convolutions save. Measured on the 2-core AVX2 host, `bench`, batch 64,
/// 2 threads, ms per step, channels-first / channels-last: Mnist8k BN 19.3-21.2 / 16.9-17.6, GN 18.1-18.8 /
/// 24.2-26.1, LN 18.9 / 18.2; Cifar50k BN 76.2 / 61.2, GN 70.2 / 81.8, LN 74.2 / 71.2.</item>
/// <item>Unsplit (data parallelism off, or a ghost batch norm, which <see cref="DataParallel.CanSplit"/>
/// always trains unsplit): by size. On a network as small as Mnist8k, oneDNN's
/// channels-last kernels split so little work between intra-op threads that they wait on each other. Measured on
/// the AVX-512 host: Mnist8k (0.92 M mult-adds per image) channels-last 12.3 / 21.4 ms at 1 / 2 threads,
/// channels-first 12.1 / 14.8; Cifar50k (9.5 M) channels-last 34.1 / 35.8, channels-first 56.1 / 46.4. The
/// threshold sits between the two.</item>
/// </list>
/// <see cref="EngineOptions.Layout"/> (NORMS_CHANNELS_LAST=0/1) overrides it. Whether the model will be split is the
/// engine options' switches (<see cref="DataParallel.Splits"/>).
/// </summary>
public static class LayoutPolicy
{
    /// <summary>Mult-adds per image from which channels-last is chosen for an unsplit model.</summary>
    public const long ChannelsLastFromMultAdds = 2_000_000;

    public static bool UseChannelsLast(ModelSpec spec, ModelAnalysis analysis, EngineOptions engine) =>
        engine.Device.Type == DeviceType.Cpu && engine.Layout switch
        {
            LayoutPreference.ChannelsLast => true,
            LayoutPreference.ChannelsFirst => false,
            _ when DataParallel.Splits(engine) && !spec.BlockNorms().Any(n => n is BatchNorm { GhostBatch: not null }) =>
                spec.BlockNorms().All(n => n is BatchNorm or NoNorm),
            _ => analysis.MultAddsPerSample >= ChannelsLastFromMultAdds,
        };
}
