using ScottPlot;
using SkiaSharp;

namespace Norms.Reports;

/// <summary>
/// Draws a chart model (<see cref="StudyChartModels"/>) as PNG and SVG with ScottPlot, and a gallery as PNG with
/// SkiaSharp, all in <see cref="ChartFont"/>. Nothing here decides what a chart shows: every number drawn is in the model.
/// </summary>
public static class StudyChartRenderer
{
    /// <summary>ScottPlot keeps its fonts in static state; one picture is drawn at a time.</summary>
    private static readonly Lock Gate = new();

    private static readonly Color Ink = Color.FromHex("#222222");

    public static byte[] Png(StudyChart chart)
    {
        lock (Gate)
        {
            ChartFont.Ensure();
            if (chart is GalleryChart g) return Gallery(g);
            var (plot, width, height) = Build(chart);
            using (plot) return plot.GetImageBytes(width, height, ImageFormat.Png);
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
            using (plot) return plot.GetSvgXml(width, height);
        }
    }

    private static (Plot Plot, int Width, int Height) Build(StudyChart chart) => chart switch
    {
        CurveChart c => (Curves(c), 960, 520),
        AxisChart a => (ByAxis(a), 960, 520),
        ForestChart f => (Forest(f), 1100, 150 + 30 * f.Rows.Count),
        ConfusionChart m => (Confusion(m), 640, 620),
        _ => throw new ArgumentException($"no renderer for {chart.GetType().Name}", nameof(chart)),
    };

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFont.Family);
        plot.Title(title, 15);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        return plot;
    }

    /// <summary>Category10, then Category20's lighter half, so up to 20 cells get colours of their own.</summary>
    private static Color Colour(int i)
    {
        IPalette ten = new ScottPlot.Palettes.Category10(), twenty = new ScottPlot.Palettes.Category20();
        return i < 10 ? ten.GetColor(i) : twenty.GetColor(2 * (i - 10) + 1);
    }

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
        if (epochs.Length <= 25) plot.Axes.Bottom.SetTicks([.. epochs.Select(e => (double)e)], [.. epochs.Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        if (epochs.Length == 1) plot.Axes.SetLimitsX(epochs[0] - 1, epochs[0] + 1);
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
        if (a.Series.Any(s => s.Name.Length > 0)) Legend(plot);
        return plot;
    }

    private static double X(AxisScale scale, double position) => scale == AxisScale.Log2 ? Math.Log2(position) : position;

    private static double Span(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? 1 : Math.Max(list.Max() - list.Min(), 1e-9);
    }

    /// <summary>Tilts the bottom labels when, side by side, they would not fit in about <paramref name="width"/> pixels.</summary>
    private static void RotateIfLong(Plot plot, IReadOnlyList<string> labels, int width)
    {
        var longest = labels.Count == 0 ? 0 : labels.Max(l => l.Length);
        if (labels.Count * (longest * 7.5 + 12) <= width) return;
        // Each label ends at its tick and rises to the left.
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.MinimumSize = (float)(Math.Min(longest, 40) * 7.5 * Math.Sin(45 * Math.PI / 180) + 36);
    }

    private static void Legend(Plot plot)
    {
        var legend = plot.ShowLegend(Edge.Right);
        plot.Legend.FontName = ChartFont.Family;
        plot.Legend.FontSize = 12;
        _ = legend;
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

    /// <summary>The per-run report's colour rule (<see cref="Imaging.ConfusionHeatMap.Colour"/>): near-white to dark blue by
    /// the square root of the row share, so that the 1–5 % confusions a reader looks for are not left almost white.</summary>
    private static Color ShareColour(double share) => Color.FromHex(Imaging.ConfusionHeatMap.Colour(share));

    private static Plot Confusion(ConfusionChart m)
    {
        var k = m.ClassNames.Count;
        var total = m.Counts.Sum(r => r.Sum());
        var correct = Enumerable.Range(0, k).Sum(i => m.Counts[i][i]);
        var accuracy = total == 0 ? "n/a" : (100.0 * correct / total).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %";
        var plot = NewPlot(m.Title, $"predicted label ({total} images, accuracy {accuracy})", "true label");
        var fontSize = k <= 10 ? 12 : 9;
        for (var t = 0; t < k; t++)
        {
            var rowTotal = m.Counts[t].Sum();
            double y = k - 1 - t;
            for (var p = 0; p < k; p++)
            {
                var share = rowTotal == 0 ? 0 : (double)m.Counts[t][p] / rowTotal;
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = ShareColour(share);
                cell.LineColor = Colors.White;
                cell.LineWidth = 1;
                if (m.Counts[t][p] == 0 && t != p) continue;
                var text = plot.Add.Text(m.Counts[t][p].ToString(System.Globalization.CultureInfo.InvariantCulture), p, y);
                text.LabelFontSize = fontSize;
                text.LabelFontName = ChartFont.Family;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = share > 0.3 ? Colors.White : Ink;
            }
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, k).Select(i => (double)i)], [.. m.ClassNames]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, k).Select(i => (double)(k - 1 - i))], [.. m.ClassNames]);
        RotateIfLong(plot, m.ClassNames, 520);
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.HideGrid();
        return plot;
    }

    private static byte[] Gallery(GalleryChart g)
    {
        const int margin = 10, gap = 10, captionGap = 4, columns = 8;
        var scale = g.Height <= 32 ? 4 : 1;
        using var font = new SKFont(ChartFont.Regular, 13);
        using var ink = new SKPaint { Color = new SKColor(0xc0, 0x1c, 0x1c), IsAntialias = true };
        var captionWidth = g.Tiles.Max(t => font.MeasureText(t.Caption)) + 8;
        var cellWidth = (int)Math.Ceiling(Math.Max(g.Width * scale, captionWidth));
        var captionHeight = (int)Math.Ceiling(font.Size * 1.3);
        var cellHeight = g.Height * scale + captionGap + captionHeight;
        var cols = Math.Min(columns, g.Tiles.Count);
        var rows = (g.Tiles.Count + cols - 1) / cols;
        var info = new SKImageInfo(2 * margin + cols * cellWidth + (cols - 1) * gap, 2 * margin + rows * cellHeight + (rows - 1) * gap, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        for (var i = 0; i < g.Tiles.Count; i++)
        {
            var left = margin + i % cols * (cellWidth + gap);
            var top = margin + i / cols * (cellHeight + gap);
            using var image = Image(g.Tiles[i].Pixels, g.Channels, g.Height, g.Width);
            var imageLeft = left + (cellWidth - g.Width * scale) / 2f;
            canvas.DrawImage(image, SKRect.Create(imageLeft, top, g.Width * scale, g.Height * scale), sampling);
            canvas.DrawText(g.Tiles[i].Caption, left + cellWidth / 2f, top + g.Height * scale + captionGap + font.Size, SKTextAlign.Center, font, ink);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>A CHW image (1 channel grey or 3 RGB) as an opaque RGBA Skia image.</summary>
    private static SKImage Image(byte[] chw, int channels, int height, int width)
    {
        var plane = height * width;
        var rgba = new byte[plane * 4];
        for (var i = 0; i < plane; i++)
        {
            var (r, gr, b) = channels == 1 ? (chw[i], chw[i], chw[i]) : (chw[i], chw[plane + i], chw[2 * plane + i]);
            rgba[4 * i] = r;
            rgba[4 * i + 1] = gr;
            rgba[4 * i + 2] = b;
            rgba[4 * i + 3] = 255;
        }
        return SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba, width * 4);
    }
}
