using System.Globalization;

namespace Norms.Reports;

/// <summary>
/// How many decimals a report prints. The defaults suit a person reading results; a snapshot of a real training run
/// uses fewer (<see cref="Coarse"/>) so float noise in the last digits cannot change the text. Every comparison in the
/// analysis is made on the printed (rounded) values, so a sentence never contradicts the table beside it.
/// </summary>
public sealed record ReportNumbers(int AccuracyDecimals = 2, int LossDecimals = 4)
{
    public static ReportNumbers Default { get; } = new();

    /// <summary>Accuracies to 1 decimal, losses to 2: what the end-to-end snapshot uses.</summary>
    public static ReportNumbers Coarse { get; } = new(1, 2);

    public double RoundAcc(double v) => Math.Round(v, AccuracyDecimals, MidpointRounding.AwayFromZero);
    public double RoundLoss(double v) => Math.Round(v, LossDecimals, MidpointRounding.AwayFromZero);

    /// <summary>A percentage, e.g. "99.42%"; "-" when absent.</summary>
    public string Acc(double? v) => v is { } x ? Fixed(x, AccuracyDecimals) + "%" : "-";

    /// <summary>A difference in percentage points with its sign, e.g. "+0.12" (never "-0.00").</summary>
    public string Points(double v) => Signed(v, AccuracyDecimals);

    public string Loss(double? v) => v is { } x ? (double.IsFinite(x) ? Fixed(x, LossDecimals) : NonFinite(x)) : "-";

    public static string Fixed(double v, int decimals)
    {
        if (!double.IsFinite(v)) return NonFinite(v);
        var r = Math.Round(v, decimals, MidpointRounding.AwayFromZero);
        if (r == 0) r = 0; // no "-0.00"
        return r.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static string Signed(double v, int decimals)
    {
        var text = Fixed(v, decimals);
        return text.StartsWith('-') || !double.IsFinite(v) ? text : "+" + text;
    }

    /// <summary>Regularization factors as written in specs: "0" or e.g. "1e-05".</summary>
    public static string Factor(double v) => v == 0 ? "0" : v.ToString("0.##E+00", CultureInfo.InvariantCulture).Replace("E", "e");

    public static string Count(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Wall time: "42 s", "12 min 05 s", "1 h 02 min".</summary>
    public static string Duration(double seconds)
    {
        var s = (long)Math.Round(Math.Max(seconds, 0), MidpointRounding.AwayFromZero);
        if (s < 60) return $"{s.ToString(CultureInfo.InvariantCulture)} s";
        if (s < 3600) return $"{(s / 60).ToString(CultureInfo.InvariantCulture)} min {(s % 60).ToString("00", CultureInfo.InvariantCulture)} s";
        return $"{(s / 3600).ToString(CultureInfo.InvariantCulture)} h {(s % 3600 / 60).ToString("00", CultureInfo.InvariantCulture)} min";
    }

    private static string NonFinite(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "inf" : "-inf";
}
