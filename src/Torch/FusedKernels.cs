namespace Norms.Torch;

/// <summary>
/// Process-wide switches for the engine's speed-ups, so the stock libtorch path and the tuned one can be
/// compared (and the tuned one switched off should it ever misbehave). Both read the environment once:
/// NORMS_FUSED=0 switches everything off; NORMS_CHANNELS_LAST=0 switches only the layout off.
/// </summary>
public static class FusedKernels
{
    /// <summary>ReLU + dropout in one kernel with a counter-based RNG (Functional.ReluDropout). Default on.</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("NORMS_FUSED") != "0";

    /// <summary>Models keep conv weights and activations channels-last (NHWC strides), which oneDNN's
    /// convolutions take without reordering. Read when a model is built and when it runs. Default on.</summary>
    public static bool ChannelsLast { get; set; } =
        Environment.GetEnvironmentVariable("NORMS_FUSED") != "0" && Environment.GetEnvironmentVariable("NORMS_CHANNELS_LAST") != "0";
}
