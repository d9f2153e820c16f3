using ScottPlot;
using static Norms.Reports.ChartKit;

namespace Norms.Reports;

/// <summary>
/// Draws a per-run report picture (<see cref="ReportChartModels"/>) as PNG and SVG with ScottPlot, and a gallery as PNG
/// with SkiaSharp, by <see cref="ChartKit"/>'s rules in <see cref="ChartFont"/>. Every number drawn is in the model.
/// </summary>
public static class ReportChartRenderer
{
    /// <summary>The size of one panel of curves; an experiment's two panels sit side by side.</summary>
    public const int PanelWidth = 960, PanelHeight = 520, ExperimentPanelWidth = 620, ExperimentPanelHeight = 440;

    public static byte[] Png(ReportChart chart)
    {
        lock (Gate)
        {
            ChartFont.Ensure();
            return chart is RunGalleryChart g
                ? ImageGallery.Png(g.Gallery.Channels, g.Gallery.Height, g.Gallery.Width, g.Gallery.Tiles)
                : Draw(chart, (plot, w, h) => ChartKit.Png(plot, w, h), (plots, w, h) => ChartKit.Png(plots, w, h));
        }
    }

    /// <summary>The SVG of a picture; null for a gallery (a grid of photographs is a PNG).</summary>
    public static string? Svg(ReportChart chart)
    {
        if (!chart.HasSvg) return null;
        lock (Gate)
        {
            ChartFont.Ensure();
            return Draw(chart, (plot, w, h) => ChartKit.Svg(plot, w, h), (plots, w, h) => ChartKit.Svg(plots, w, h));
        }
    }

    /// <summary>A curves or confusion picture built as ScottPlot plots and written by <paramref name="one"/> (a single plot)
    /// or <paramref name="sideBySide"/> (panels); the plots are disposed afterwards. The one home of each picture's size.</summary>
    private static T Draw<T>(ReportChart chart, Func<Plot, int, int, T> one, Func<IReadOnlyList<Plot>, int, int, T> sideBySide)
    {
        switch (chart)
        {
            case CurvesChart c:
                var plots = Panels(c);
                try
                {
                    var (width, height) = Size(c);
                    return plots.Count == 1 ? one(plots[0], width, height) : sideBySide(plots, width, height);
                }
                finally
                {
                    foreach (var p in plots) p.Dispose();
                }
            case RunConfusionChart m:
                using (var plot = Confusion(m.Title, m.ClassNames, m.Counts)) return one(plot, ConfusionWidth, ConfusionHeight);
            default:
                throw new ArgumentException($"no renderer for {chart.GetType().Name}", nameof(chart));
        }
    }

    private static (int Width, int Height) Size(CurvesChart c) =>
        c.Panels.Count == 1 ? (PanelWidth, PanelHeight) : (ExperimentPanelWidth * c.Panels.Count, ExperimentPanelHeight);

    private static List<Plot> Panels(CurvesChart c) => [.. c.Panels.Select(Panel)];

    /// <summary>A line per series, in the palette's order; a non-finite value breaks its line, and a point alone is a marker.</summary>
    private static Plot Panel(CurvePanel panel)
    {
        var plot = NewPlot(panel.Title, "epoch", panel.YLabel);
        for (var i = 0; i < panel.Lines.Count; i++)
        {
            var line = panel.Lines[i];
            var colour = Colour(i);
            var first = true;
            foreach (var segment in Segments(line.Points))
            {
                double[] xs = [.. segment.Select(p => (double)p.Epoch)], ys = [.. segment.Select(p => p.Value)];
                var marks = plot.Add.Scatter(xs, ys, colour);
                marks.LineWidth = 2;
                marks.MarkerSize = 5;
                // One legend entry per line, however many pieces its gaps cut it into.
                marks.LegendText = first ? line.Name : "";
                first = false;
            }
        }
        EpochAxis(plot, [.. panel.Lines.SelectMany(l => l.Points.Select(p => p.Epoch)).Distinct().Order()]);
        Legend(plot);
        return plot;
    }

    /// <summary>The runs of consecutive finite points.</summary>
    internal static IEnumerable<IReadOnlyList<(int Epoch, double Value)>> Segments(IReadOnlyList<(int Epoch, double Value)> points)
    {
        var run = new List<(int Epoch, double Value)>();
        foreach (var p in points)
        {
            if (double.IsFinite(p.Value))
            {
                run.Add(p);
                continue;
            }
            if (run.Count > 0) yield return run;
            run = [];
        }
        if (run.Count > 0) yield return run;
    }
}
