namespace Norms.Studies;

/// <summary>The sample mean and the sample standard deviation (n − 1 denominator) of a list of values; Sd is NaN for a
/// single value, which has no spread to estimate.</summary>
internal readonly record struct Moments(int N, double Mean, double Sd)
{
    /// <summary>
    /// Two passes (the mean, then squared deviations from it), since one-pass sums of squares lose every digit on
    /// values like accuracies near 99 % whose spread is a few hundredths. A sample whose values are all equal gets
    /// that value as its mean and an sd of exactly 0: sum/n can round away from the common value and leave a spurious
    /// spread of one ulp, which would turn "no variation" into an arbitrary, huge t statistic.
    /// </summary>
    public static Moments Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        foreach (var v in values)
            if (!double.IsFinite(v)) throw new ArgumentException($"value {v} is not finite", nameof(values));
        var n = values.Count;
        if (n == 1) return new(1, values[0], double.NaN);
        if (values.All(v => v == values[0])) return new(n, values[0], 0);
        var mean = values.Sum() / n;
        var ss = values.Sum(v => (v - mean) * (v - mean));
        return new(n, mean, Math.Sqrt(ss / (n - 1)));
    }
}
