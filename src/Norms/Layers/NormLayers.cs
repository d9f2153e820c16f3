using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Layers;

/// <summary>Builds the engine layer for a <see cref="NormSpec"/> at a layer of the given size.
/// New layers start with γ = 1, β = 0, running_mean = 0, running_var = 1, as PyTorch's.</summary>
public static class NormLayers
{
    /// <exception cref="ArgumentException">the spec is invalid for this layer (every problem from
    /// <see cref="NormValidation.Validate"/>, joined); a <see cref="NormConfigurationException"/>
    /// when GroupNorm's groups do not divide the channels.</exception>
    public static Module Create(NormSpec spec, int channels, int height, int width,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // The two impossible groupings throw the oracle's typed error; other mistakes are ArgumentExceptions.
        if (spec is GroupNorm { Groups: { } g, ChannelsPerGroup: null })
            NormConfigurationException.ThrowIfGroupsDoNotDivide(g, channels);
        if (spec is GroupNorm { Groups: null, ChannelsPerGroup: { } size })
            NormConfigurationException.ThrowIfNotDividing("channels per group", size, channels);
        var errors = NormValidation.Validate(spec, channels, height, width)
            .Where(e => !(spec is InstanceNorm && e.Field == "size")) // a runtime check, as in PyTorch
            .ToList();
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors.Select(e => e.ToString())));
        var options = new TensorOptions(dtype, device ?? Device.Cpu);

        return spec switch
        {
            BatchNorm bn => new BatchNormLayer(bn, channels, options),
            GroupNorm g2 => new GroupNormLayer(g2.GroupsFor(channels)!.Value, channels, g2.Eps, g2.Affine, options),
            GroupLayerNorm gl => new GroupNormLayer(1, channels, gl.Eps, gl.Affine, options),
            LayerNorm ln => new LayerNormLayer(channels, height, width, ln.Eps, ln.ElementwiseAffine, options),
            InstanceNorm inn => new InstanceNormLayer(inn, channels, options),
            NoNorm => new IdentityLayer(),
            _ => throw new ArgumentException($"unknown norm {spec.GetType().Name}"),
        };
    }
}

/// <summary>Where and in which precision a layer keeps its parameters and buffers.</summary>
public readonly record struct TensorOptions(ScalarType Dtype, Device Device);
