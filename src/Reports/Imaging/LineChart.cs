using System.Text;

namespace Norms.Reports.Imaging;

/// <summary>One line of a chart; points with a non-finite Y are gaps. Equality is by value.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public bool Equals(ChartSeries? other) => other is not null && Name == other.Name && X.SequenceEqual(other.X) && Y.SequenceEqual(other.Y);
    public override int GetHashCode() => HashCode.Combine(Name, X.Count);
}

/// <summary>What a line chart shows. YMin/YMax pin the Y range (e.g. 0..1 for accuracy); otherwise it fits the data.</summary>
public sealed record LineChartSpec(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series,
    int Width = 720, int Height = 420, double? YMin = null, double? YMax = null)
{
    public bool Equals(LineChartSpec? other) =>
        other is not null && Title == other.Title && XLabel == other.XLabel && YLabel == other.YLabel && Series.SequenceEqual(other.Series)
        && Width == other.Width && Height == other.Height && YMin == other.YMin && YMax == other.YMax;
    public override int GetHashCode() => HashCode.Combine(Title, XLabel, YLabel, Series.Count, Width, Height);
}

/// <summary>Renders a multi-series line chart as deterministic SVG text: title, axes with nice ticks, grid, axis labels, legend.</summary>
public static class LineChart
{
    private const double Left = 72, Right = 24, Top = 48, Bottom = 56;

    public static string Render(LineChartSpec spec)
    {
        if (spec.Series.Count == 0) throw new ArgumentException("a chart needs at least one series");
        foreach (var s in spec.Series)
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values");
        var points = spec.Series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        var xTicks = points.Length == 0 ? NiceTicks.For(0, 1) : NiceTicks.For(points.Min(p => p.First), points.Max(p => p.First), 8);
        var yTicks = NiceTicks.For(spec.YMin ?? (points.Length == 0 ? 0 : points.Min(p => p.Second)),
                                   spec.YMax ?? (points.Length == 0 ? 1 : points.Max(p => p.Second)), 6);
        var plotW = spec.Width - Left - Right;
        var plotH = spec.Height - Top - Bottom;
        double Px(double x) => Left + (x - xTicks.Min) / (xTicks.Max - xTicks.Min) * plotW;
        double Py(double y) => Top + plotH - (y - yTicks.Min) / (yTicks.Max - yTicks.Min) * plotH;

        var sb = Svg.Begin(spec.Width, spec.Height, spec.Title);
        Svg.Text(sb, spec.Width / 2.0, 28, spec.Title, "middle", 16, weight: "bold");

        sb.Append("  <g id=\"grid\">\n");
        foreach (var y in yTicks.Values) Svg.Line(sb, Left, Py(y), Left + plotW, Py(y), Svg.GridColour);
        foreach (var x in xTicks.Values) Svg.Line(sb, Px(x), Top, Px(x), Top + plotH, Svg.GridColour);
        sb.Append("  </g>\n  <g id=\"axes\">\n");
        Svg.Line(sb, Left, Top + plotH, Left + plotW, Top + plotH, Svg.AxisColour);
        Svg.Line(sb, Left, Top, Left, Top + plotH, Svg.AxisColour);
        foreach (var y in yTicks.Values)
        {
            Svg.Line(sb, Left - 5, Py(y), Left, Py(y), Svg.AxisColour);
            Svg.Text(sb, Left - 8, Py(y) + 4, yTicks.Label(y), "end", 11);
        }
        foreach (var x in xTicks.Values)
        {
            Svg.Line(sb, Px(x), Top + plotH, Px(x), Top + plotH + 5, Svg.AxisColour);
            Svg.Text(sb, Px(x), Top + plotH + 19, xTicks.Label(x), "middle", 11);
        }
        Svg.Text(sb, Left + plotW / 2, spec.Height - 12, spec.XLabel, "middle", 13);
        Svg.Text(sb, 18, Top + plotH / 2, spec.YLabel, "middle", 13, rotate: -90);
        sb.Append("  </g>\n  <g id=\"series\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var s = spec.Series[i];
            var path = new StringBuilder();
            var pen = 'M';
            var drawn = 0;
            for (var k = 0; k < s.X.Count; k++)
            {
                if (!double.IsFinite(s.X[k]) || !double.IsFinite(s.Y[k])) { pen = 'M'; continue; }
                if (path.Length > 0) path.Append(' ');
                path.Append(pen).Append(Svg.N(Px(s.X[k]))).Append(',').Append(Svg.N(Py(s.Y[k])));
                pen = 'L';
                drawn++;
            }
            var colour = Svg.Palette[i % Svg.Palette.Count];
            sb.Append("    <path d=\"").Append(path).Append("\" stroke=\"").Append(colour).Append("\"><title>").Append(Svg.Escape(s.Name)).Append("</title></path>\n");
            // A series of one point has no visible line: mark its points.
            if (drawn == 1)
                for (var k = 0; k < s.X.Count; k++)
                    if (double.IsFinite(s.X[k]) && double.IsFinite(s.Y[k]))
                        sb.Append("    <circle cx=\"").Append(Svg.N(Px(s.X[k]))).Append("\" cy=\"").Append(Svg.N(Py(s.Y[k]))).Append("\" r=\"3\" fill=\"").Append(colour).Append("\"/>\n");
        }
        sb.Append("  </g>\n");
        // Points along every drawn segment (not just its ends), so a line crossing a corner counts against it.
        var drawnPoints = new List<(double X, double Y)>();
        foreach (var s in spec.Series)
            for (var k = 0; k < s.X.Count; k++)
            {
                if (!double.IsFinite(s.X[k]) || !double.IsFinite(s.Y[k])) continue;
                drawnPoints.Add((Px(s.X[k]), Py(s.Y[k])));
                if (k + 1 < s.X.Count && double.IsFinite(s.X[k + 1]) && double.IsFinite(s.Y[k + 1]))
                    for (var step = 1; step < 16; step++)
                    {
                        var f = step / 16.0;
                        drawnPoints.Add((Px(s.X[k] + (s.X[k + 1] - s.X[k]) * f), Py(s.Y[k] + (s.Y[k + 1] - s.Y[k]) * f)));
                    }
            }
        AppendLegend(sb, spec, Left, Top, plotW, plotH, drawnPoints);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>
    /// Puts the legend in the plot corner that covers the fewest data points (top-right first on ties), so that
    /// falling loss curves and rising accuracy curves both stay visible.
    /// </summary>
    private static void AppendLegend(StringBuilder sb, LineChartSpec spec, double plotLeft, double plotTop, double plotW, double plotH,
        IReadOnlyList<(double X, double Y)> points)
    {
        const double row = 18, swatch = 18, pad = 8, inset = 8;
        var width = pad * 2 + swatch + 6 + spec.Series.Max(s => Svg.TextWidth(s.Name));
        var height = pad * 2 + row * spec.Series.Count - 4;
        var corners = new[]
        {
            (plotLeft + plotW - width - inset, plotTop + inset),
            (plotLeft + plotW - width - inset, plotTop + plotH - height - inset),
            (plotLeft + inset, plotTop + inset),
            (plotLeft + inset, plotTop + plotH - height - inset),
        };
        int Covered((double X, double Y) c) => points.Count(p => p.X >= c.X - 4 && p.X <= c.X + width + 4 && p.Y >= c.Y - 4 && p.Y <= c.Y + height + 4);
        var (left, y) = corners.MinBy(Covered);
        sb.Append("  <g id=\"legend\">\n");
        sb.Append("  <rect x=\"").Append(Svg.N(left)).Append("\" y=\"").Append(Svg.N(y)).Append("\" width=\"").Append(Svg.N(width))
          .Append("\" height=\"").Append(Svg.N(height)).Append("\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"").Append(Svg.GridColour).Append("\"/>\n");
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var cy = y + pad + 7 + i * row;
            Svg.Line(sb, left + pad, cy, left + pad + swatch, cy, Svg.Palette[i % Svg.Palette.Count], 3);
            Svg.Text(sb, left + pad + swatch + 6, cy + 4, spec.Series[i].Name);
        }
        sb.Append("  </g>\n");
    }
}
