using System.Globalization;

namespace Norms;

/// <summary>
/// The one rule of grouping a layer's channels, for GroupNorm's groups and its channels per group alike: the count must
/// be a positive divisor of the channels. <see cref="NormValidation"/> reports it as a spec error; the engine layers, the
/// oracle and the explainer throw it as a <see cref="NormConfigurationException"/>; both say <see cref="DoesNotDivide"/>.
/// </summary>
public static class ChannelGroups
{
    /// <summary>Whether <paramref name="count"/> groups (or channels per group) split <paramref name="channels"/> channels evenly.</summary>
    public static bool Divide(long count, long channels) => count > 0 && channels % count == 0;

    /// <summary>The positive divisors of <paramref name="n"/>, ascending (the legal group counts).</summary>
    public static IReadOnlyList<long> Divisors(long n)
    {
        var result = new List<long>();
        for (long d = 1; d <= n; d++)
            if (n % d == 0)
                result.Add(d);
        return result;
    }

    /// <summary>The legal counts for <paramref name="channels"/>, as a fix says them: "1, 2, 4 or 8"; with
    /// <paramref name="oneOf"/>, "one of 1, 2, 4, 8" (the wording of the thrown error).</summary>
    public static string Choices(long channels, bool oneOf = false)
    {
        var ds = Divisors(channels).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList();
        if (oneOf) return "one of " + string.Join(", ", ds);
        return ds.Count == 1 ? ds[0] : string.Join(", ", ds.Take(ds.Count - 1)) + " or " + ds[^1];
    }

    /// <summary>The message of the rule: "groups 3 does not divide 8 channels; use 1, 2, 4 or 8". <paramref name="what"/> is
    /// "groups" or "channels per group"; <paramref name="oneOf"/> as in <see cref="Choices"/>.</summary>
    public static string DoesNotDivide(string what, long count, long channels, bool oneOf = false) =>
        $"{what} {count} does not divide {channels} channels; use {Choices(channels, oneOf)}";
}
