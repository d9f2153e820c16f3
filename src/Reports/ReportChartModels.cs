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
}

/// <summary>
/// One picture of the per-run report, as data: what is drawn, not how. <see cref="Stem"/> is its path relative to the
/// report without the extension: the picture is STEM.png, and STEM.svg too where <see cref="HasSvg"/>.
/// </summary>
public abstract record ReportChart(string Stem, string Title)
{
    public string PngPath => Stem + ".png";
    public string SvgPath => Stem + ".svg";
    public virtual bool HasSvg => true;
}

/// <summary>A run's value of one metric at each epoch it recorded; a non-finite value (a diverged run's NaN loss) is a gap in the line.</summary>
public sealed record CurveLine(string Name, IReadOnlyList<(int Epoch, double Value)> Points);

/// <summary>One panel of curves against the epoch.</summary>
public sealed record CurvePanel(string Title, string YLabel, IReadOnlyList<CurveLine> Lines);

/// <summary>Panels of curves side by side (one for a metric over all experiments; loss and accuracy for an experiment).</summary>
public sealed record CurvesChart(string Stem, string Title, IReadOnlyList<CurvePanel> Panels) : ReportChart(Stem, Title);

/// <summary>A run's confusion matrix after its last epoch: Counts[true][predicted].</summary>
public sealed record RunConfusionChart(string Stem, string Title, IReadOnlyList<string> ClassNames, IReadOnlyList<IReadOnlyList<long>> Counts)
    : ReportChart(Stem, Title);

/// <summary>A run's misclassified test images with their captions; PNG only.</summary>
public sealed record RunGalleryChart(string Stem, string Title, MisclassifiedGallery Gallery) : ReportChart(Stem, Title)
{
    public override bool HasSvg => false;
}

/// <summary>An experiment's own pictures: its curves, and its confusion matrix and misclassified images where it has them.</summary>
public sealed record ExperimentCharts(CurvesChart Curves, RunConfusionChart? Confusion, RunGalleryChart? Gallery)
{
    public IEnumerable<ReportChart> All => new ReportChart?[] { Curves, Confusion, Gallery }.OfType<ReportChart>();
}

/// <summary>
/// The per-run report's pictures as data, from the <see cref="ReportModel"/> alone: pure, no files, no drawing
/// (<see cref="ReportChartRenderer"/> draws them, <see cref="ReportChartText"/> writes them out for snapshots).
/// </summary>
public static class ReportChartModels
{
    private static CurveLine Line(string name, IReadOnlyList<EpochRecord> epochs, Func<EpochRecord, double> value) =>
        new(name, [.. epochs.Select(e => (e.Epoch, value(e)))]);

    /// <summary>One line per experiment for one metric: curves-KEY.png and .svg.</summary>
    public static CurvesChart Combined(ReportModel model, CurveMetric metric)
    {
        var title = $"{metric.Title}, all experiments";
        return new CurvesChart($"curves-{metric.Key}", title,
            [new CurvePanel(title, metric.YLabel, [.. model.Experiments.Select(e => Line(e.Run.Name, e.Run.Epochs, metric.Value))])]);
    }

    /// <summary>An experiment's four curves: loss (train, test) and accuracy (train, test) side by side, NAME/curves.png and .svg.</summary>
    public static CurvesChart Curves(ExperimentReport e) =>
        new($"{e.Folder}/curves", $"{e.Run.Name}: training curves",
        [
            new CurvePanel($"{e.Run.Name}: loss", "loss (NLL per sample)", [Line("train", e.Run.Epochs, x => x.TrainLoss), Line("test", e.Run.Epochs, x => x.TestLoss)]),
            new CurvePanel($"{e.Run.Name}: accuracy", "accuracy (%)", [Line("train", e.Run.Epochs, x => x.TrainAcc), Line("test", e.Run.Epochs, x => x.TestAcc)]),
        ]);

    /// <summary>The confusion matrix after the last epoch, NAME/confusion.png and .svg; null when the run saved none (or
    /// one that is not square in its classes).</summary>
    public static RunConfusionChart? Confusion(ExperimentReport e)
    {
        var counts = e.Run.Confusion;
        if (counts.Length == 0 || counts.Length != e.ClassNames.Count || counts.Any(r => r.Length != counts.Length)) return null;
        return new RunConfusionChart($"{e.Folder}/confusion", $"{e.Run.Name}: confusion matrix (test set, last epoch)", e.ClassNames,
            [.. counts.Select(r => (IReadOnlyList<long>)[.. r.Select(c => (long)c)])]);
    }

    /// <summary>The misclassified images, NAME/misclassified.png; null without a gallery (no test images, or none misclassified).</summary>
    public static RunGalleryChart? Misclassified(ExperimentReport e) =>
        e.Gallery is { } g ? new RunGalleryChart($"{e.Folder}/misclassified", $"{e.Run.Name}: misclassified test images", g) : null;

    public static ExperimentCharts Of(ExperimentReport e) => new(Curves(e), Confusion(e), Misclassified(e));

    /// <summary>Every picture of the report: the four overview curves, then experiment by experiment.</summary>
    public static IReadOnlyList<ReportChart> All(ReportModel model) =>
        [.. CurveMetric.All.Select(m => Combined(model, m)), .. model.Experiments.SelectMany(e => Of(e).All)];
}
