using System.Globalization;

namespace Norms.Reports.Imaging;

/// <summary>Axis ticks at 1, 2 or 5 x 10^k steps covering a data range, and labels with just enough decimals.</summary>
public sealed record NiceTicks(double Min, double Max, double Step)
{
    /// <summary>
    /// Picks the smallest 1/2/5 x 10^k step giving at most <paramref name="maxTicks"/> intervals over [min, max],
    /// and widens the range outward to multiples of it. A degenerate range is widened around its value.
    /// </summary>
    public static NiceTicks For(double min, double max, int maxTicks = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException("tick range must be finite");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 1);
        if (min > max) (min, max) = (max, min);
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            var pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
            (min, max) = (min - pad, max + pad);
        }
        var raw = (max - min) / maxTicks;
        var exponent = Math.Floor(Math.Log10(raw));
        foreach (var e in new[] { exponent, exponent + 1 })
            foreach (var mantissa in new[] { 1.0, 2.0, 5.0 })
            {
                var step = mantissa * Math.Pow(10, e);
                var lo = Math.Floor(min / step + 1e-9) * step;
                var hi = Math.Ceiling(max / step - 1e-9) * step;
                if (Math.Round((hi - lo) / step) <= maxTicks) return new NiceTicks(lo, hi, step);
            }
        var last = 10 * Math.Pow(10, exponent + 1);
        return new NiceTicks(Math.Floor(min / last) * last, Math.Ceiling(max / last) * last, last);
    }

    /// <summary>Tick positions from Min to Max inclusive (computed by index, so no drift accumulates).</summary>
    public IReadOnlyList<double> Values
    {
        get
        {
            var count = (int)Math.Round((Max - Min) / Step);
            return Enumerable.Range(0, count + 1).Select(i => Clean(Min + i * Step)).ToArray();
        }
    }

    /// <summary>Decimals needed to tell ticks apart: none for steps of 1 and above, one for 0.1..0.5, and so on.</summary>
    public int Decimals => Math.Max(0, -(int)Math.Floor(Math.Log10(Step) + 1e-9));

    public string Label(double value) => Clean(value).ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    // Rounds away binary noise (0.30000000000000004) and negative zero.
    private double Clean(double v)
    {
        var r = Math.Round(v / Step) * Step;
        r = Math.Abs(v - r) < Step * 1e-6 ? r : v;
        r = Math.Round(r, 12);
        return r == 0 ? 0 : r;
    }
}
