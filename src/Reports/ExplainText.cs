using System.Globalization;
using System.Text;
using Norms.Explain;

namespace Norms.Reports;

/// <summary>The `explain` verb's text: for each norm, which values are pooled, their mean, biased
/// variance and normalized values. Fixed precision, invariant culture, so the text is stable.</summary>
public static class ExplainText
{
    /// <summary>Below this the oracle and libtorch are reported as agreeing (float64 rounding is ~1e-15).</summary>
    public const double AgreementThreshold = 1e-10;

    public static string Render(Explanation e)
    {
        var s = new StringBuilder();
        s.AppendLine($"Input: shape [{string.Join(", ", e.Shape)}] (N, C, H, W), {e.Data.Count} values, eps {F(e.Eps, "G6")}");
        s.AppendLine($"  data (row-major): {List(e.Data)}");
        s.AppendLine("Every norm computes y = (x - mean) / sqrt(var + eps) over the pooled values,");
        s.AppendLine("with the biased variance (divide by the count); no affine (gamma = 1, beta = 0).");
        foreach (var norm in e.Norms)
        {
            s.AppendLine();
            s.AppendLine($"== {Capitalize(norm.Name)} ==");
            s.AppendLine($"Pools {norm.Pooling}: {norm.Groups.Count} group{(norm.Groups.Count == 1 ? "" : "s")} of {norm.Groups[0].Values.Count} value{(norm.Groups[0].Values.Count == 1 ? "" : "s")}.");
            foreach (var g in norm.Groups)
            {
                s.AppendLine($"  {g.Label}: pools {List(g.Values)}");
                s.AppendLine($"    mean {F(g.Mean)}, biased var {F(g.Var)}, sqrt(var + eps) {F(Math.Sqrt(g.Var + e.Eps))}");
                s.AppendLine($"    normalized {List(g.Normalized)}");
            }
            s.AppendLine(norm.EngineMaxAbsDiff < AgreementThreshold
                ? $"  libtorch (float64) agrees: max |oracle - engine| < {F(AgreementThreshold, "0E+0")}"
                : $"  libtorch (float64) DIFFERS: max |oracle - engine| = {F(norm.EngineMaxAbsDiff, "0.00E+0")}");
        }
        return s.ToString();
    }

    private static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string List(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => F(v))) + "]";

    private static string Capitalize(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
