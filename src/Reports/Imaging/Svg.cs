using System.Globalization;
using System.Text;

namespace Norms.Reports.Imaging;

/// <summary>Shared pieces for the SVG charts: a fixed palette, fonts, invariant fixed-precision numbers, XML escaping.</summary>
public static class Svg
{
    public const string FontFamily = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

    /// <summary>Tableau 10: distinct, colour-blind-tolerant, readable on white.</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public const string TextColour = "#222222";
    public const string GridColour = "#e0e0e0";
    public const string AxisColour = "#555555";

    /// <summary>Coordinates with two decimals, invariant culture, never "-0.00".</summary>
    public static string N(double v)
    {
        var r = Math.Round(v, 2, MidpointRounding.AwayFromZero);
        return (r == 0 ? 0 : r).ToString("0.##", CultureInfo.InvariantCulture);
    }

    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                // Characters XML 1.0 forbids are dropped rather than producing an unparseable file.
                case < ' ' when c is not ('\t' or '\n' or '\r'): break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    public static StringBuilder Begin(int width, int height, string title)
    {
        var sb = new StringBuilder();
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
          .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
          .Append("\" font-family=\"").Append(Escape(FontFamily)).Append("\" font-size=\"12\">\n");
        sb.Append("  <title>").Append(Escape(title)).Append("</title>\n");
        sb.Append("  <rect x=\"0\" y=\"0\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" fill=\"#ffffff\"/>\n");
        return sb;
    }

    public static void Text(StringBuilder sb, double x, double y, string text, string anchor = "start", int size = 12,
        string colour = TextColour, string? weight = null, double rotate = 0, string baseline = "auto")
    {
        sb.Append("  <text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"").Append(anchor)
          .Append("\" font-size=\"").Append(size).Append("\" fill=\"").Append(colour).Append('"');
        if (baseline != "auto") sb.Append(" dominant-baseline=\"").Append(baseline).Append('"');
        if (weight is not null) sb.Append(" font-weight=\"").Append(weight).Append('"');
        if (rotate != 0) sb.Append(" transform=\"rotate(").Append(N(rotate)).Append(' ').Append(N(x)).Append(' ').Append(N(y)).Append(")\"");
        sb.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    public static void Line(StringBuilder sb, double x1, double y1, double x2, double y2, string colour, double width = 1)
    {
        sb.Append("  <line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2)).Append("\" y2=\"").Append(N(y2))
          .Append("\" stroke=\"").Append(colour).Append("\" stroke-width=\"").Append(N(width)).Append("\"/>\n");
    }

    public static void Rect(StringBuilder sb, double x, double y, double width, double height, string fill, string? stroke = null)
    {
        sb.Append("  <rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
          .Append("\" fill=\"").Append(fill).Append('"');
        if (stroke is not null) sb.Append(" stroke=\"").Append(stroke).Append('"');
        sb.Append("/>\n");
    }

    /// <summary>Rough width of text in the chart font (average glyph ~0.6 em), for layout only.</summary>
    public static double TextWidth(string text, int size = 12) => text.Length * size * 0.6;
}
