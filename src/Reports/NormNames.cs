namespace Norms.Reports;

/// <summary>What the norm short names in result.json mean (see Architectures.NormFor).</summary>
public static class NormNames
{
    public static (string Title, string Pooling) Describe(string norm) => norm switch
    {
        "bn" => ("BatchNorm (bn)", "each channel over the whole batch and all positions (N, H, W); running statistics at test time"),
        "gn" => ("GroupNorm (gn)", "each group of channels within one sample (C/G, H, W)"),
        "ln" => ("LayerNorm as GroupNorm(1, C) (ln)", "all channels and positions of one sample (C, H, W), with a per-channel affine"),
        "layernorm" => ("LayerNorm over (C, H, W) (layernorm)", "all channels and positions of one sample (C, H, W), with a per-element affine"),
        "in" => ("InstanceNorm (in)", "each channel of one sample (H, W)"),
        "none" => ("No normalization (none)", "nothing"),
        _ => ($"{norm}", "(unknown norm)"),
    };
}
