using System.Globalization;

namespace Norms.Reports.Imaging;

/// <summary>
/// Renders a confusion matrix as an SVG heat map: rows are true labels, columns predicted labels, each cell
/// shows its count; colour encodes the share of the row (recall per class) so rare classes read as clearly
/// as common ones. Deterministic text.
/// </summary>
public static class ConfusionHeatMap
{
    private static readonly (double R, double G, double B) Low = (0xf7, 0xfb, 0xff);
    private static readonly (double R, double G, double B) High = (0x08, 0x30, 0x6b);

    /// <param name="counts">counts[t][p]: how many images of true class t were predicted as p.</param>
    public static string Render(string title, IReadOnlyList<string> classNames, IReadOnlyList<IReadOnlyList<long>> counts)
    {
        var k = classNames.Count;
        if (k == 0) throw new ArgumentException("no classes");
        if (counts.Count != k || counts.Any(r => r.Count != k)) throw new ArgumentException($"counts must be {k}x{k}");
        if (counts.Any(r => r.Any(c => c < 0))) throw new ArgumentException("counts must be non-negative");

        var cell = Math.Clamp(400.0 / k, 18, 44);
        var nameWidth = classNames.Max(n => Svg.TextWidth(n, 11));
        var left = 44 + nameWidth + 8;
        var top = 60.0;
        var grid = cell * k;
        var legendWidth = 90.0;
        var width = (int)Math.Ceiling(left + grid + 24 + legendWidth);
        var height = (int)Math.Ceiling(top + grid + nameWidth * 0.72 + 48);
        var sb = Svg.Begin(width, height, title);
        Svg.Text(sb, width / 2.0, 28, title, "middle", 16, weight: "bold");
        var total = counts.Sum(r => r.Sum());
        var correct = Enumerable.Range(0, k).Sum(i => counts[i][i]);
        var accuracy = total == 0 ? "n/a" : (100.0 * correct / total).ToString("F2", CultureInfo.InvariantCulture) + "%";
        Svg.Text(sb, width / 2.0, 46, $"{total.ToString(CultureInfo.InvariantCulture)} images, accuracy {accuracy}", "middle", 11, "#555555");

        var fontSize = cell >= 34 ? 11 : 9;
        sb.Append("  <g id=\"cells\">\n");
        for (var t = 0; t < k; t++)
        {
            var rowTotal = counts[t].Sum();
            for (var p = 0; p < k; p++)
            {
                var share = rowTotal == 0 ? 0 : (double)counts[t][p] / rowTotal;
                var x = left + p * cell;
                var y = top + t * cell;
                Svg.Rect(sb, x, y, cell, cell, Colour(share), "#ffffff");
                if (counts[t][p] != 0 || t == p)
                    Svg.Text(sb, x + cell / 2, y + cell / 2 + fontSize * 0.35, counts[t][p].ToString(CultureInfo.InvariantCulture), "middle", fontSize,
                        share > 0.3 ? "#ffffff" : Svg.TextColour);
            }
        }
        sb.Append("  </g>\n  <g id=\"labels\">\n");
        for (var i = 0; i < k; i++)
        {
            Svg.Text(sb, left - 6, top + i * cell + cell / 2 + 4, classNames[i], "end", 11);
            var cx = left + i * cell + cell / 2 + 4;
            Svg.Text(sb, cx, top + grid + 10, classNames[i], "end", 11, rotate: -45);
        }
        Svg.Text(sb, 16, top + grid / 2, "true label", "middle", 13, rotate: -90);
        Svg.Text(sb, left + grid / 2, height - 10, "predicted label", "middle", 13);
        sb.Append("  </g>\n");
        AppendScale(sb, left + grid + 24, top, grid);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>
    /// Blend from near-white to dark blue by the square root of the row share: a linear scale would leave the 1-5%
    /// confusions a reader is looking for almost white.
    /// </summary>
    public static string Colour(double share)
    {
        share = Math.Sqrt(Math.Clamp(share, 0, 1));
        static int Mix(double a, double b, double t) => (int)Math.Round(a + (b - a) * t);
        return $"#{Mix(Low.R, High.R, share):x2}{Mix(Low.G, High.G, share):x2}{Mix(Low.B, High.B, share):x2}";
    }

    private static double Square(double v) => v * v;

    private static void AppendScale(System.Text.StringBuilder sb, double x, double top, double height)
    {
        const int steps = 20;
        sb.Append("  <g id=\"scale\">\n");
        for (var i = 0; i < steps; i++)
            Svg.Rect(sb, x, top + height * i / steps, 14, height / steps + 0.5, Colour(Square(1 - (i + 0.5) / steps)));
        Svg.Rect(sb, x, top, 14, height, "none", Svg.AxisColour);
        // Positions follow the square-root scale of the colours.
        foreach (var (share, label) in new[] { (1.0, "100%"), (0.5, "50%"), (0.1, "10%"), (0.01, "1%"), (0.0, "0%") })
            Svg.Text(sb, x + 20, top + height * (1 - Math.Sqrt(share)) + 4, label, "start", 11);
        Svg.Text(sb, x + 7, top + height + 16, "of row", "middle", 10, "#555555");
        sb.Append("  </g>\n");
    }
}
