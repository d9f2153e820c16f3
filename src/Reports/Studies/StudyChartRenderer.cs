using ScottPlot;
using static Norms.Reports.ChartKit;

namespace Norms.Reports;

/// <summary>
/// Draws a chart model (<see cref="StudyChartModels"/>) as PNG and SVG with ScottPlot, and a gallery as PNG with
/// SkiaSharp, all in <see cref="ChartFont"/> and with <see cref="ChartKit"/>'s rules. Nothing here decides what a chart
/// shows: every number drawn is in the model.
/// </summary>
public static class StudyChartRenderer
{
    public static byte[] Png(StudyChart chart)
    {
        lock (Gate)
        {
            ChartFont.Ensure();
            if (chart is GalleryChart g) return ImageGallery.Png(g.Channels, g.Height, g.Width, g.Tiles);
            var (plot, width, height) = Build(chart);
            using (plot) return ChartKit.Png(plot, width, height);
        }
    }

    /// <summary>The SVG of a chart; null for a gallery (a grid of photographs is a PNG).</summary>
    public static string? Svg(StudyChart chart)
    {
        if (!chart.HasSvg) return null;
        lock (Gate)
        {
            ChartFont.Ensure();
            var (plot, width, height) = Build(chart);
            using (plot) return ChartKit.Svg(plot, width, height);
        }
    }

    private static (Plot Plot, int Width, int Height) Build(StudyChart chart) => chart switch
    {
        CurveChart c => (Curves(c), 960, 520),
        AxisChart a => (ByAxis(a), 960, 520),
        ForestChart f => (Forest(f), 1100, 150 + 30 * f.Rows.Count),
        ConfusionChart m => (Confusion(m.Title, m.ClassNames, m.Counts), ConfusionWidth, ConfusionHeight),
        _ => throw new ArgumentException($"no renderer for {chart.GetType().Name}", nameof(chart)),
    };

    private static Plot Curves(CurveChart c)
    {
        var plot = NewPlot(c.Title, "epoch", c.YLabel);
        var epochs = c.Series.SelectMany(s => s.Points.Select(p => p.Epoch)).Distinct().Order().ToArray();
        for (var i = 0; i < c.Series.Count; i++)
        {
            var s = c.Series[i];
            var colour = Colour(i);
            // A single epoch has no band to draw, only error bars: the cells are set a little apart so all of them show.
            var offset = epochs.Length == 1 ? (i - (c.Series.Count - 1) / 2.0) * Math.Min(0.08, 0.8 / c.Series.Count) : 0;
            double[] xs = [.. s.Points.Select(p => p.Epoch + offset)];
            double[] ys = [.. s.Points.Select(p => p.Value.Mean)];
            var banded = s.Points.Where(p => p.Value.Lower is not null && p.Value.Upper is not null).ToList();
            if (banded.Count >= 2)
            {
                var band = plot.Add.FillY([.. banded.Select(p => (double)p.Epoch)], [.. banded.Select(p => p.Value.Lower!.Value)], [.. banded.Select(p => p.Value.Upper!.Value)]);
                band.FillColor = colour.WithAlpha(0.18);
                band.LineWidth = 0;
            }
            else if (banded.Count == 1)
                ErrorBars(plot, [(banded[0].Epoch + offset, banded[0].Value)], colour);
            var line = plot.Add.Scatter(xs, ys, colour);
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = $"{s.Name} (n={s.Points.Max(p => p.Value.N)})";
        }
        EpochAxis(plot, epochs);
        Legend(plot);
        return plot;
    }

    private static void ErrorBars(Plot plot, IReadOnlyList<(double X, Estimate Value)> points, Color colour)
    {
        var withCi = points.Where(p => p.Value.Lower is not null && p.Value.Upper is not null).ToList();
        if (withCi.Count == 0) return;
        var bars = plot.Add.ErrorBar([.. withCi.Select(p => p.X)], [.. withCi.Select(p => p.Value.Mean)], [.. withCi.Select(p => p.Value.Upper!.Value - p.Value.Mean)]);
        bars.YErrorNegative = [.. withCi.Select(p => p.Value.Mean - p.Value.Lower!.Value)];
        bars.Color = colour;
        bars.LineWidth = 1.5f;
        bars.CapSize = 8;
    }

    private static Plot ByAxis(AxisChart a)
    {
        var plot = NewPlot(a.Title, a.Scale == AxisScale.Log2 ? $"{a.Axis} (log2 scale)" : a.Axis, a.YLabel);
        var count = a.Series.Count;
        // Series that share x positions are set a little apart, so their error bars do not hide each other.
        var step = count < 2 ? 0 : a.Scale switch
        {
            AxisScale.Category => Math.Min(0.15, 0.6 / count),
            AxisScale.Log2 => 0.05,
            _ => 0.01 * Span(a.Series.SelectMany(s => s.Points.Select(p => p.Position))),
        };
        for (var i = 0; i < count; i++)
        {
            var s = a.Series[i];
            var colour = Colour(i);
            var offset = (i - (count - 1) / 2.0) * step;
            var points = s.Points.Select(p => (X: X(a.Scale, p.Position) + offset, p.Value)).ToList();
            ErrorBars(plot, points, colour);
            var (xs, ys) = (points.Select(p => p.X).ToArray(), points.Select(p => p.Value.Mean).ToArray());
            var marks = a.Scale == AxisScale.Category ? plot.Add.ScatterPoints(xs, ys, colour) : plot.Add.Scatter(xs, ys, colour);
            marks.MarkerSize = 8;
            if (a.Scale != AxisScale.Category) marks.LineWidth = 1.5f;
            marks.LegendText = s.Name.Length == 0 ? "" : s.Name;
        }
        for (var r = 0; r < a.References.Count; r++)
        {
            var reference = a.References[r];
            var colour = Colour(count + r);
            if (reference.Value is { Lower: { } lower, Upper: { } upper })
            {
                var band = plot.Add.VerticalSpan(lower, upper, colour.WithAlpha(0.15));
                band.LineStyle.Width = 0;
            }
            // Solid: SkiaSharp's SVG canvas draws no dashed line (see Forest).
            var line = plot.Add.HorizontalLine(reference.Value.Mean, 2f, colour, LinePattern.Solid);
            line.LegendText = $"{reference.Name} (n={reference.Value.N})";
        }
        var positions = a.Series.SelectMany(s => s.Points).DistinctBy(p => p.Position).OrderBy(p => p.Position).ToList();
        switch (a.Scale)
        {
            case AxisScale.Category:
                plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, a.Categories.Count).Select(i => (double)i)], [.. a.Categories]);
                RotateIfLong(plot, a.Categories, a.Series.Any(s => s.Name.Length > 0) ? 700 : 860);
                plot.Axes.SetLimitsX(-0.6, a.Categories.Count - 0.4);
                break;
            case AxisScale.Log2:
                plot.Axes.Bottom.SetTicks([.. positions.Select(p => X(a.Scale, p.Position))], [.. positions.Select(p => p.Label)]);
                var (lo, hi) = (X(a.Scale, positions[0].Position), X(a.Scale, positions[^1].Position));
                plot.Axes.SetLimitsX(lo - 0.5, hi + 0.5);
                break;
        }
        Legend(plot);
        return plot;
    }

    private static double X(AxisScale scale, double position) => scale == AxisScale.Log2 ? Math.Log2(position) : position;

    private static double Span(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? 1 : Math.Max(list.Max() - list.Min(), 1e-9);
    }

    private static Color VerdictColour(string verdict) => verdict switch
    {
        "better" => Color.FromHex("#1a7f37"),
        "worse" => Color.FromHex("#c0392b"),
        "indistinguishable" => Color.FromHex("#4e79a7"),
        _ => Color.FromHex("#999999"),
    };

    private static Plot Forest(ForestChart f)
    {
        var plot = NewPlot(f.Title, f.XLabel, "");
        var n = f.Rows.Count;
        // Solid: SkiaSharp's SVG canvas has no dash effect (it prints "Unsupported path effect" and draws nothing).
        var zero = plot.Add.VerticalLine(0, 1.5f, Ink, LinePattern.Solid);
        zero.LegendText = "";
        var bounds = new List<double> { 0 };
        for (var i = 0; i < n; i++)
        {
            var r = f.Rows[i];
            if (r.MeanDiff is not { } d) continue;
            double y = n - 1 - i;
            var colour = VerdictColour(r.Verdict);
            if (r.Lower is { } lo && r.Upper is { } hi)
            {
                var bar = plot.Add.ErrorBar([d], [y], [0]);
                bar.YErrorNegative = [0];
                bar.XErrorPositive = [hi - d];
                bar.XErrorNegative = [d - lo];
                bar.Color = colour;
                bar.LineWidth = 2;
                bar.CapSize = 8;
                bounds.Add(lo);
                bounds.Add(hi);
            }
            plot.Add.Marker(d, y, MarkerShape.FilledCircle, 9, colour);
            bounds.Add(d);
        }
        double[] ys = [.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))];
        plot.Axes.Left.SetTicks(ys, [.. f.Rows.Select(r => r.Label)]);
        plot.Axes.Right.SetTicks(ys, [.. f.Rows.Select(r => $"{r.Verdict} ({r.NPairs} pairs)")]);
        plot.Axes.Right.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        var (min, max) = (bounds.Min(), bounds.Max());
        var pad = Math.Max((max - min) * 0.08, 0.05);
        plot.Axes.SetLimitsX(min - pad, max + pad);
        plot.Axes.SetLimitsY(-0.7, n - 0.3, plot.Axes.Left);
        plot.Axes.SetLimitsY(-0.7, n - 0.3, plot.Axes.Right);
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        return plot;
    }
}
