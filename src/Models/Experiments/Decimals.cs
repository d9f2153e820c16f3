using System.Globalization;

namespace Norms.Models;

/// <summary>Numbers in console tables as people write them: 0.00001 and 0.00008106, not 1E-05 and 8.106E-05.</summary>
public static class Decimals
{
    /// <summary>Plain decimal notation with the double's shortest round-trip digits; scientific only outside
    /// [1e-12, 1e15), where plain notation would be a row of zeros.</summary>
    public static string Readable(double v) => Plain(v, "R");

    /// <summary><see cref="Readable(double)"/> rounded to <paramref name="significantDigits"/> (a learning rate in a log line).</summary>
    public static string Readable(double v, int significantDigits) => Plain(v, "G" + significantDigits.ToString(CultureInfo.InvariantCulture));

    private static string Plain(double v, string format)
    {
        if (v == 0) return "0";
        var text = v.ToString(format, CultureInfo.InvariantCulture);
        if (!double.IsFinite(v) || Math.Abs(v) is < 1e-12 or >= 1e15) return text;
        // decimal.Parse of the formatted text keeps exactly those digits; decimal prints them without an exponent.
        return decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }
}
