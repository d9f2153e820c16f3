namespace Norms.Torch;

/// <summary>
/// Process-wide switches for the engine's speed-ups, so the stock libtorch path and the tuned one can be
/// compared (and the tuned one switched off should it ever misbehave). Both read the environment once:
/// NORMS_FUSED=0 switches everything off; NORMS_CHANNELS_LAST=0 switches only the layout off, =1 forces it on.
/// </summary>
public static class FusedKernels
{
    /// <summary>ReLU + dropout in one kernel with a counter-based RNG (Functional.ReluDropout). Default on.</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("NORMS_FUSED") != "0";

    /// <summary>
    /// Whether models keep conv weights and activations channels-last (NHWC strides), which oneDNN's convolutions
    /// take without reordering. Read when a model is built. Default <see cref="LayoutPreference.Auto"/>: the model
    /// compiler decides from the network's size (Norms.Models.LayoutPolicy).
    /// </summary>
    public static LayoutPreference Layout { get; set; } =
        Environment.GetEnvironmentVariable("NORMS_FUSED") == "0" ? LayoutPreference.ChannelsFirst
        : Environment.GetEnvironmentVariable("NORMS_CHANNELS_LAST") switch
        {
            "0" => LayoutPreference.ChannelsFirst,
            "1" => LayoutPreference.ChannelsLast,
            _ => LayoutPreference.Auto,
        };
}

/// <summary>The memory layout models are built with: chosen per model, or forced either way.</summary>
public enum LayoutPreference
{
    Auto,
    ChannelsFirst,
    ChannelsLast,
}
