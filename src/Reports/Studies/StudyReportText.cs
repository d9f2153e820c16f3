namespace Norms.Reports;

/// <summary>The words the Markdown and the HTML study report put around the charts.</summary>
public static class StudyReportText
{
    public const string ChartsIntro =
        "One set per dataset (MNIST and CIFAR-10 never share an axis). Intervals are 95 % Student-t intervals across a cell's " +
        "completed runs (n − 1 df); the numbers drawn are the tables' numbers. Each chart is a PNG and an SVG in charts/.";

    public static string Caption(StudyChart chart) => chart switch
    {
        CurveChart => "Each line is a cell's mean over its completed runs at each epoch; the band is the 95 % t-interval across those runs (none with one run).",
        AxisChart { YLabel: StudyErrorCharts.YLabel } a when a.Key.EndsWith(StudyErrorCharts.StatisticsSuffix, StringComparison.Ordinal) =>
            $"Batch-norm cells' final test error (100 − accuracy) three ways, each with its 95 % CI (the running, precise and batch statistics table); {a.Axis} on a log2 scale.",
        AxisChart { YLabel: StudyErrorCharts.YLabel } a => $"Each point is a cell's final test error, 100 − its mean final test accuracy, with its 95 % CI (the cells table); {a.Axis} on a log2 scale."
            + (a.References.Count > 0 ? $" Each horizontal line and band is a cell without a {a.Axis}, drawn across the axis." : ""),
        AxisChart { Scale: AxisScale.Log2 } a => $"Each point is a cell's mean final test accuracy with its 95 % CI (the cells table); {a.Axis} on a log2 scale.",
        AxisChart => "Each point is a cell's mean final test accuracy with its 95 % CI (the cells table).",
        ForestChart => "One row per comparison (the comparisons table): the mean paired difference a − b with its 95 % t-interval; the dashed line is 0; the verdict (Holm-adjusted) and the pairs on the right.",
        ConfusionChart m => $"Rows are the true classes, columns the predictions, counts summed over {m.Runs} completed run(s) after their last epoch; colour is the share of the row.",
        GalleryChart => "Caption: predicted class (true class).",
        _ => "",
    };
}
