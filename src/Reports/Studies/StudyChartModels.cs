namespace Norms.Reports;

/// <summary>A mean with its 95 % t-interval (null below two values) and the number of values it is made of.</summary>
public sealed record Estimate(double Mean, double? Lower, double? Upper, int N);

/// <summary>
/// One chart of the study report, as data: what is drawn, not how. <see cref="Key"/> names its files,
/// charts/KEY.png (and charts/KEY.svg where <see cref="HasSvg"/>); <see cref="Dataset"/> is the one dataset all its numbers
/// come from (MNIST and CIFAR-10 never share an axis).
/// </summary>
public abstract record StudyChart(string Key, string Dataset, string Title)
{
    public string PngPath => $"{StudyChartModels.Folder}/{Key}.png";
    public string SvgPath => $"{StudyChartModels.Folder}/{Key}.svg";
    public virtual bool HasSvg => true;
}

/// <summary>One cell's curve: at each epoch, the mean over the cell's completed runs that reached it, with its 95 % CI.</summary>
public sealed record CurveSeries(string Name, IReadOnlyList<(int Epoch, Estimate Value)> Points);

/// <summary>A metric over the epochs, one series (line and CI band) per cell.</summary>
public sealed record CurveChart(string Key, string Dataset, string Title, string YLabel, IReadOnlyList<CurveSeries> Series)
    : StudyChart(Key, Dataset, Title);

/// <summary>How an axis's values are laid out: numbers on a linear or a base-2 logarithmic scale, or categories side by side.</summary>
public enum AxisScale { Linear, Log2, Category }

/// <summary>A cell's value on an axis chart: at <see cref="Position"/> (the axis value itself on a numeric scale, the
/// category's index on a categorical one), labelled <see cref="Label"/>.</summary>
public sealed record AxisPoint(double Position, string Label, Estimate Value);

/// <summary>The cells that share the other axes' values (<see cref="Name"/> says which), along the charted axis.</summary>
public sealed record AxisSeries(string Name, IReadOnlyList<AxisPoint> Points);

/// <summary>A metric against one axis of the study, each point a cell's mean with its 95 % CI as an error bar.</summary>
public sealed record AxisChart(string Key, string Dataset, string Title, string Axis, AxisScale Scale, string YLabel,
    IReadOnlyList<string> Categories, IReadOnlyList<AxisSeries> Series) : StudyChart(Key, Dataset, Title)
{
    /// <summary>Cells that have no value on the axis (a group norm beside batch norm's ghost batch), each drawn across the
    /// whole axis as a horizontal line at its mean with its 95 % CI as a band.</summary>
    public IReadOnlyList<AxisReference> References { get; init; } = [];
}

/// <summary>A cell drawn across an axis it has no value on: its label and its mean with 95 % CI.</summary>
public sealed record AxisReference(string Name, Estimate Value);

/// <summary>One comparison a − b: its mean paired difference and 95 % CI (null below two pairs), pairs and verdict.</summary>
public sealed record ForestRow(string Label, double? MeanDiff, double? Lower, double? Upper, int NPairs, string Verdict);

/// <summary>The paired differences of one metric, one row per comparison, against a line at 0.</summary>
public sealed record ForestChart(string Key, string Dataset, string Title, string XLabel, IReadOnlyList<ForestRow> Rows)
    : StudyChart(Key, Dataset, Title);

/// <summary>A cell's confusion matrix, summed over its <see cref="Runs"/> completed runs: Counts[true][predicted].</summary>
public sealed record ConfusionChart(string Key, string Dataset, string Title, IReadOnlyList<string> ClassNames,
    IReadOnlyList<IReadOnlyList<long>> Counts, int Runs) : StudyChart(Key, Dataset, Title);

/// <summary>A misclassified test image: its index in the test set, true label, prediction, caption and CHW pixels.</summary>
public sealed record GalleryTile(int Index, int Label, int Pred, string Caption, byte[] Pixels);

/// <summary>Misclassified test images of one run (the cell's first seed), Channels × Height × Width each; PNG only.</summary>
public sealed record GalleryChart(string Key, string Dataset, string Title, ulong Seed, int Channels, int Height, int Width,
    IReadOnlyList<GalleryTile> Tiles) : StudyChart(Key, Dataset, Title)
{
    public override bool HasSvg => false;
}

/// <summary>A cell's own pictures: its confusion matrix and misclassified images, each null with the reason in <see cref="Notes"/>.</summary>
public sealed record CellCharts(string Label, ConfusionChart? Confusion, GalleryChart? Gallery, IReadOnlyList<string> Notes);

/// <summary>The charts of one dataset: curves, metric against each axis, the paired differences, then cell by cell.</summary>
public sealed record DatasetCharts(string Dataset, string Title, IReadOnlyList<StudyChart> Charts, IReadOnlyList<CellCharts> Cells)
{
    /// <summary>Which cells <see cref="Cells"/> holds when it is not every cell of the dataset; null when it is.</summary>
    public string? CellsNote { get; init; }

    /// <summary>Why a chart the reader may look for is not among <see cref="Charts"/> (the paired differences, when no
    /// comparison has an interval); null when nothing is missing.</summary>
    public string? ChartsNote { get; init; }

    public IEnumerable<StudyChart> All => Charts.Concat(Cells.SelectMany(c => new StudyChart?[] { c.Confusion, c.Gallery }).OfType<StudyChart>());
}

/// <summary>Every chart of a study report, dataset by dataset.</summary>
public sealed record StudyChartSet(IReadOnlyList<DatasetCharts> Datasets)
{
    public static StudyChartSet Empty { get; } = new([]);
    public IEnumerable<StudyChart> All => Datasets.SelectMany(d => d.All);
}
