using System.Globalization;

namespace Norms.Models;

/// <summary>Numbers in console tables as people write them: 0.00001 and 0.00008106, not 1E-05 and 8.106E-05.</summary>
public static class Decimals
{
    /// <summary>Plain decimal notation with the double's shortest round-trip digits; scientific only outside
    /// [1e-12, 1e15), where plain notation would be a row of zeros.</summary>
    public static string Readable(double v)
    {
        if (v == 0) return "0";
        if (!double.IsFinite(v) || Math.Abs(v) is < 1e-12 or >= 1e15) return v.ToString("R", CultureInfo.InvariantCulture);
        // decimal.Parse of the round-trip text keeps exactly those digits; decimal prints them without an exponent.
        return decimal.Parse(v.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture)
            .ToString(CultureInfo.InvariantCulture);
    }
}
