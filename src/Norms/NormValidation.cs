using System.Globalization;

namespace Norms;

/// <summary>
/// Pure checks of a <see cref="NormSpec"/> against the layer it would normalize. Returns every
/// problem at once (empty when the spec is usable) so a user can fix them in one pass.
/// </summary>
public static class NormValidation
{
    public static IReadOnlyList<NormError> Validate(NormSpec spec, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<NormError>();
        if (channels <= 0)
            errors.Add(new("channels", $"channels must be positive, got {channels}"));
        if (height <= 0 || width <= 0)
            errors.Add(new("size", $"height and width must be positive, got {height}x{width}"));

        switch (spec)
        {
            case BatchNorm bn:
                CheckEps(bn.Eps, errors);
                if (bn.Momentum is { } m)
                    CheckMomentum(m, errors);
                if (bn.GhostBatch is { } k && k is < GhostBatches.MinSize or > GhostBatches.MaxSize)
                    errors.Add(new("ghost_batch", string.Create(CultureInfo.InvariantCulture,
                        $"ghost_batch must be in [{GhostBatches.MinSize}, {GhostBatches.MaxSize:N0}] (samples per ghost batch), got {k}; use e.g. 8, or leave it out for the whole batch")));
                break;
            case GroupNorm gn:
                CheckEps(gn.Eps, errors);
                CheckGroups(gn, channels, errors);
                break;
            case GroupLayerNorm gln:
                CheckEps(gln.Eps, errors);
                break;
            case LayerNorm ln:
                CheckEps(ln.Eps, errors);
                break;
            case InstanceNorm inorm:
                CheckEps(inorm.Eps, errors);
                CheckMomentum(inorm.Momentum, errors);
                // PyTorch's F.instance_norm rejects 1x1 maps whenever it uses input statistics.
                if (height > 0 && width > 0 && (long)height * width == 1)
                    errors.Add(new("size", "instance norm needs more than 1 spatial element (got a 1x1 map); use batch or group norm at this layer"));
                break;
            case NoNorm:
                break;
            default:
                errors.Add(new("kind", $"unknown norm {spec.GetType().Name}; use bn, gn, ln, layernorm, in or none"));
                break;
        }
        return errors;
    }

    private static void CheckEps(double eps, List<NormError> errors)
    {
        // eps = 0 is allowed, as in PyTorch (then a constant group divides by zero: the caller's choice).
        if (!Float32Range.HoldsNonNegative(eps))
            errors.Add(new("eps", $"eps must be 0 or in float32's range {Float32Range.Text}, got {Format(eps)}; use e.g. 1e-5"));
    }

    private static void CheckMomentum(double momentum, List<NormError> errors)
    {
        if (!(momentum >= 0 && momentum <= 1) || !Float32Range.HoldsNonNegative(momentum))
            errors.Add(new("momentum", $"momentum must be in [0, 1] (the weight of the new batch), got {Format(momentum)}; use e.g. 0.1, or null for a cumulative average"));
    }

    private static void CheckGroups(GroupNorm gn, int channels, List<NormError> errors)
    {
        switch (gn.Groups, gn.ChannelsPerGroup)
        {
            case (null, null):
                errors.Add(new("groups", "group norm needs a number of groups or a number of channels per group; give one of them"));
                return;
            case ({ }, { }):
                errors.Add(new("groups", "group norm takes groups or channels per group, not both; give only one"));
                return;
            case ({ } g, null):
                if (g <= 0)
                    errors.Add(new("groups", $"groups must be positive, got {g}" + (channels > 0 ? $"; use {ChannelGroups.Choices(channels)}" : "")));
                else if (channels > 0 && !ChannelGroups.Divide(g, channels))
                    errors.Add(new("groups", ChannelGroups.DoesNotDivide("groups", g, channels)));
                return;
            case (null, { } size):
                if (size <= 0)
                    errors.Add(new("channelsPerGroup", $"channels per group must be positive, got {size}" + (channels > 0 ? $"; use {ChannelGroups.Choices(channels)}" : "")));
                else if (channels > 0 && !ChannelGroups.Divide(size, channels))
                    errors.Add(new("channelsPerGroup", ChannelGroups.DoesNotDivide("channels per group", size, channels)));
                return;
        }
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
