using System.Globalization;

namespace Norms.Models;

/// <summary>
/// Checks a norm against the layer it normalizes; the same rules and messages as Norms.NormValidation
/// (branch norms) so a user sees one wording wherever a norm is checked.
/// </summary>
internal static class NormChecks
{
    public static IEnumerable<string> Validate(NormSpec spec, int channels, int height, int width)
    {
        switch (spec)
        {
            case BatchNorm bn:
                foreach (var e in Eps(bn.Eps)) yield return e;
                if (bn.Momentum is { } m)
                    foreach (var e in Momentum(m)) yield return e;
                break;
            case GroupNorm gn:
                foreach (var e in Eps(gn.Eps)) yield return e;
                foreach (var e in Groups(gn, channels)) yield return e;
                break;
            case GroupLayerNorm gln:
                foreach (var e in Eps(gln.Eps)) yield return e;
                break;
            case LayerNorm ln:
                foreach (var e in Eps(ln.Eps)) yield return e;
                break;
            case InstanceNorm inorm:
                foreach (var e in Eps(inorm.Eps)) yield return e;
                foreach (var e in Momentum(inorm.Momentum)) yield return e;
                // PyTorch's F.instance_norm rejects 1x1 maps whenever it uses input statistics.
                if (height > 0 && width > 0 && (long)height * width == 1)
                    yield return "instance norm needs more than 1 spatial element (got a 1x1 map); use batch or group norm at this layer";
                break;
        }
    }

    private static IEnumerable<string> Eps(double eps)
    {
        if (!(eps >= 0) || double.IsInfinity(eps))
            yield return $"eps must be a finite number >= 0, got {Format(eps)}; use e.g. 1e-5";
    }

    private static IEnumerable<string> Momentum(double momentum)
    {
        if (!(momentum >= 0 && momentum <= 1))
            yield return $"momentum must be in [0, 1] (the weight of the new batch), got {Format(momentum)}; use e.g. 0.1, or null for a cumulative average";
    }

    private static IEnumerable<string> Groups(GroupNorm gn, int channels)
    {
        switch (gn.Groups, gn.ChannelsPerGroup)
        {
            case (null, null):
                yield return "group norm needs a number of groups or a number of channels per group; give one of them";
                break;
            case ({ }, { }):
                yield return "group norm takes groups or channels per group, not both; give only one";
                break;
            case ({ } g, null):
                if (g <= 0)
                    yield return $"groups must be positive, got {g}; use {Divisors(channels)}";
                else if (channels % g != 0)
                    yield return $"groups {g} does not divide {channels} channels; use {Divisors(channels)}";
                break;
            case (null, { } size):
                if (size <= 0)
                    yield return $"channels per group must be positive, got {size}; use {Divisors(channels)}";
                else if (channels % size != 0)
                    yield return $"channels per group {size} does not divide {channels} channels; use {Divisors(channels)}";
                break;
        }
    }

    private static string Divisors(int n)
    {
        var ds = Enumerable.Range(1, Math.Max(n, 1)).Where(d => n % d == 0).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList();
        return ds.Count == 1 ? ds[0] : string.Join(", ", ds.Take(ds.Count - 1)) + " or " + ds[^1];
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
