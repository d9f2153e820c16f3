using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;
using SkiaSharp;

namespace Norms.Reports;

/// <summary>
/// What every chart of both reports is drawn with, in one place: ScottPlot in <see cref="ChartFont"/>, one palette, the
/// legend beside the data, epoch ticks, tilted long labels, the confusion heat map and its colour rule, and the PNG and
/// SVG of a plot or of plots side by side. Callers hold <see cref="Gate"/> while they build and draw a plot.
/// </summary>
internal static partial class ChartKit
{
    /// <summary>ScottPlot keeps its fonts in static state; one picture is drawn at a time.</summary>
    public static readonly Lock Gate = new();

    public static readonly Color Ink = Color.FromHex("#222222");

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFont.Family);
        plot.Title(title, 15);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        return plot;
    }

    /// <summary>Category10, then Category20's lighter half, so up to 20 lines get colours of their own (then they repeat).</summary>
    public static Color Colour(int i)
    {
        IPalette ten = new ScottPlot.Palettes.Category10(), twenty = new ScottPlot.Palettes.Category20();
        i %= 20;
        return i < 10 ? ten.GetColor(i) : twenty.GetColor(2 * (i - 10) + 1);
    }

    /// <summary>The legend right of the data area, so it never covers a line; call it once the plot is built. None when
    /// nothing is named: ScottPlot draws no part of a plot, title and axes included, whose shown legend has no entry
    /// (a run whose every value is non-finite, diverged in its first epoch, adds no line).</summary>
    public static void Legend(Plot plot)
    {
        if (!plot.GetPlottables().SelectMany(p => p.LegendItems).Any(i => !string.IsNullOrEmpty(i.LabelText))) return;
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontName = ChartFont.Family;
        plot.Legend.FontSize = 12;
    }

    /// <summary>A tick at every epoch up to 25 of them (ScottPlot's own ticks beyond); one epoch gets a unit of room each side.</summary>
    public static void EpochAxis(Plot plot, IReadOnlyList<int> epochs)
    {
        if (epochs.Count is > 0 and <= 25)
            plot.Axes.Bottom.SetTicks([.. epochs.Select(e => (double)e)], [.. epochs.Select(e => e.ToString(CultureInfo.InvariantCulture))]);
        if (epochs.Count == 1) plot.Axes.SetLimitsX(epochs[0] - 1, epochs[0] + 1);
    }

    /// <summary>Tilts the bottom labels when, side by side, they would not fit in about <paramref name="width"/> pixels.</summary>
    public static void RotateIfLong(Plot plot, IReadOnlyList<string> labels, int width)
    {
        var longest = labels.Count == 0 ? 0 : labels.Max(l => l.Length);
        if (labels.Count * (longest * 7.5 + 12) <= width) return;
        // Each label ends at its tick and rises to the left.
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.MinimumSize = (float)(Math.Min(longest, 40) * 7.5 * Math.Sin(45 * Math.PI / 180) + 36);
    }

    private static readonly (double R, double G, double B) Low = (0xf7, 0xfb, 0xff);
    private static readonly (double R, double G, double B) High = (0x08, 0x30, 0x6b);

    /// <summary>
    /// A confusion cell's colour: near-white to dark blue by the square root of its share of the row, so that the 1–5 %
    /// confusions a reader looks for are not left almost white (a linear scale would).
    /// </summary>
    public static string ShareColour(double share)
    {
        share = Math.Sqrt(Math.Clamp(double.IsNaN(share) ? 0 : share, 0, 1));
        static int Mix(double a, double b, double t) => (int)Math.Round(a + (b - a) * t);
        return $"#{Mix(Low.R, High.R, share):x2}{Mix(Low.G, High.G, share):x2}{Mix(Low.B, High.B, share):x2}";
    }

    /// <summary>The size a confusion matrix is drawn at.</summary>
    public const int ConfusionWidth = 640, ConfusionHeight = 620;

    /// <summary>
    /// A confusion matrix as a heat map: rows the true classes (top to bottom), columns the predictions, each cell coloured
    /// by its share of the row (<see cref="ShareColour"/>) and showing its count unless it is an off-diagonal 0; the x label
    /// gives the images and the accuracy.
    /// </summary>
    /// <param name="counts">counts[t][p]: how many images of true class t were predicted as p; k × k, non-negative.</param>
    public static Plot Confusion(string title, IReadOnlyList<string> classNames, IReadOnlyList<IReadOnlyList<long>> counts)
    {
        var k = classNames.Count;
        if (k == 0) throw new ArgumentException("a confusion matrix needs at least one class", nameof(classNames));
        if (counts.Count != k || counts.Any(r => r.Count != k)) throw new ArgumentException($"counts must be {k}x{k}", nameof(counts));
        if (counts.Any(r => r.Any(c => c < 0))) throw new ArgumentException("counts must be non-negative", nameof(counts));
        var total = counts.Sum(r => r.Sum());
        var correct = Enumerable.Range(0, k).Sum(i => counts[i][i]);
        var accuracy = total == 0 ? "n/a" : (100.0 * correct / total).ToString("F2", CultureInfo.InvariantCulture) + " %";
        var plot = NewPlot(title, $"predicted label ({total} images, accuracy {accuracy})", "true label");
        var fontSize = k <= 10 ? 12 : 9;
        for (var t = 0; t < k; t++)
        {
            var rowTotal = counts[t].Sum();
            double y = k - 1 - t;
            for (var p = 0; p < k; p++)
            {
                var share = rowTotal == 0 ? 0 : (double)counts[t][p] / rowTotal;
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = Color.FromHex(ShareColour(share));
                cell.LineColor = Colors.White;
                cell.LineWidth = 1;
                if (counts[t][p] == 0 && t != p) continue;
                var text = plot.Add.Text(counts[t][p].ToString(CultureInfo.InvariantCulture), p, y);
                text.LabelFontSize = fontSize;
                text.LabelFontName = ChartFont.Family;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = share > 0.3 ? Colors.White : Ink;
            }
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, k).Select(i => (double)i)], [.. classNames]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, k).Select(i => (double)(k - 1 - i))], [.. classNames]);
        RotateIfLong(plot, classNames, 520);
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.HideGrid();
        return plot;
    }

    public static byte[] Png(Plot plot, int width, int height) => plot.GetImageBytes(width, height, ImageFormat.Png);

    public static string Svg(Plot plot, int width, int height) => OwnIds(plot.GetSvgXml(width, height));

    /// <summary>Plots side by side, equal widths, as one PNG (drawn and encoded by SkiaSharp).</summary>
    public static byte[] Png(IReadOnlyList<Plot> plots, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp cannot make a {width}x{height} surface");
        surface.Canvas.Clear(SKColors.White);
        Row(plots).Render(surface.Canvas, new PixelRect(0, width, height, 0));
        return Encode(surface);
    }

    /// <summary>Plots side by side as one SVG, drawn on one SkiaSharp SVG canvas, so the ids in it (clip paths) are its own.</summary>
    public static string Svg(IReadOnlyList<Plot> plots, int width, int height)
    {
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream))
            Row(plots).Render(canvas, new PixelRect(0, width, height, 0));
        return OwnIds(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [GeneratedRegex(@"(?<=\bid=""|url\(#)cl_[0-9a-f]+\b")]
    private static partial Regex ClipId();

    /// <summary>
    /// SkiaSharp numbers the clip paths of an SVG from a counter kept for the whole process (cl_26e0, ...), so the same
    /// chart drawn twice would differ; here they are numbered again from cl_0 in the order they appear in the file, so
    /// an SVG is a function of its chart alone.
    /// </summary>
    internal static string OwnIds(string svg)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        return ClipId().Replace(svg, m =>
        {
            if (!ids.TryGetValue(m.Value, out var own)) ids[m.Value] = own = $"cl_{ids.Count}";
            return own;
        });
    }

    private static Multiplot Row(IReadOnlyList<Plot> plots)
    {
        if (plots.Count == 0) throw new ArgumentException("nothing to draw", nameof(plots));
        var row = new Multiplot(plots[0]) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        foreach (var plot in plots.Skip(1)) row.AddPlot(plot);
        return row;
    }

    /// <summary>A surface's picture as PNG bytes.</summary>
    public static byte[] Encode(SKSurface surface)
    {
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
