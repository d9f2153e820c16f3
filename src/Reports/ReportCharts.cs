using Norms.Reports.Imaging;
using Norms.Results;

namespace Norms.Reports;

/// <summary>One of the four curves every run records.</summary>
public sealed record CurveMetric(string Key, string Title, string YLabel, Func<EpochRecord, double> Value)
{
    public static CurveMetric TrainLoss { get; } = new("train-loss", "Train loss", "loss (NLL per sample)", e => e.TrainLoss);
    public static CurveMetric TestLoss { get; } = new("test-loss", "Test loss", "loss (NLL per sample)", e => e.TestLoss);
    public static CurveMetric TrainAccuracy { get; } = new("train-accuracy", "Train accuracy", "accuracy (%)", e => e.TrainAcc);
    public static CurveMetric TestAccuracy { get; } = new("test-accuracy", "Test accuracy", "accuracy (%)", e => e.TestAcc);
    public static IReadOnlyList<CurveMetric> All { get; } = [TrainLoss, TestLoss, TrainAccuracy, TestAccuracy];

    public string FileName => $"curves-{Key}.svg";
}

/// <summary>The report's pictures as SVG text or PNG bytes: pure functions of the model.</summary>
public static class ReportCharts
{
    private static ChartSeries Series(string name, IReadOnlyList<EpochRecord> epochs, Func<EpochRecord, double> value) =>
        new(name, [.. epochs.Select(e => (double)e.Epoch)], [.. epochs.Select(value)]);

    /// <summary>One line per experiment for one metric (curves-*.svg).</summary>
    public static string Combined(ReportModel model, CurveMetric metric) =>
        LineChart.Render(new LineChartSpec($"{metric.Title}, all experiments", "epoch", metric.YLabel,
            [.. model.Experiments.Select(e => Series(e.Run.Name, e.Run.Epochs, metric.Value))], Width: 760, Height: 460));

    /// <summary>An experiment's four curves: loss (train, test) and accuracy (train, test) side by side in one SVG.</summary>
    public static string Experiment(ExperimentReport e)
    {
        const int panelW = 500, panelH = 360;
        var loss = LineChart.Render(new LineChartSpec($"{e.Run.Name}: loss", "epoch", "loss (NLL per sample)",
            [Series("train", e.Run.Epochs, x => x.TrainLoss), Series("test", e.Run.Epochs, x => x.TestLoss)], panelW, panelH));
        var accuracy = LineChart.Render(new LineChartSpec($"{e.Run.Name}: accuracy", "epoch", "accuracy (%)",
            [Series("train", e.Run.Epochs, x => x.TrainAcc), Series("test", e.Run.Epochs, x => x.TestAcc)], panelW, panelH));
        var sb = Svg.Begin(2 * panelW, panelH, $"{e.Run.Name}: training curves");
        sb.Append(Place(loss, 0)).Append(Place(accuracy, panelW)).Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Nests a chart's &lt;svg&gt; at an x offset (nested svg elements are their own viewports).</summary>
    private static string Place(string svg, int x) => "<svg x=\"" + x + "\" y=\"0\" " + svg["<svg ".Length..];

    /// <summary>The heat map of the confusion matrix after the last epoch; null when the run has none.</summary>
    public static string? Confusion(ExperimentReport e)
    {
        var counts = e.Run.Confusion;
        if (counts.Length == 0 || counts.Length != e.ClassNames.Count || counts.Any(r => r.Length != counts.Length)) return null;
        return ConfusionHeatMap.Render($"{e.Run.Name}: confusion matrix (test set, last epoch)", e.ClassNames,
            [.. counts.Select(r => (IReadOnlyList<long>)[.. r.Select(c => (long)c)])]);
    }

    /// <summary>The misclassified images, upscaled, captioned "predicted (true actual)"; null without a gallery.</summary>
    public static byte[]? Misclassified(ExperimentReport e)
    {
        if (e.Gallery is not { } g) return null;
        var scale = g.Height <= 32 ? 4 : 1;
        // Captions at double size when they are not much wider than the image (MNIST digits), single size otherwise
        // (CIFAR-10 names such as "automobile (true truck)" would make the grid too wide to read on a laptop).
        var widest = g.Tiles.Max(t => BitmapFont.MeasureWidth(t.Caption, 2));
        var captionScale = widest <= g.Width * scale * 3 / 2 ? 2 : 1;
        return PngEncoder.Encode(ImageGrid.Build(g.Tiles, g.Channels, g.Height, g.Width, scale, columns: 8, captionScale));
    }
}
