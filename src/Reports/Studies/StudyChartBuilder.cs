using System.Text;
using System.Text.Json.Nodes;
using Norms.Data;
using Norms.Models;
using Norms.Results;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>
/// The study report's charts as data, from the summary alone (and the test images for the galleries): a pure function,
/// no files, no rendering. Per dataset: the mean test accuracy and test loss over the epochs with a 95 % t-interval
/// band per cell, the final test accuracy against each axis with 95 % error bars (log2 for batch sizes and group
/// counts that are powers of two), the paired differences of the final test accuracy (a forest), and for each cell its
/// confusion matrix (summed over its completed runs) and its first seed's misclassified test images.
/// </summary>
public static class StudyChartModels
{
    /// <summary>The charts' folder, beside the report.</summary>
    public const string Folder = "charts";

    /// <param name="testSets">Test images by dataset name as result.json spells it; a dataset missing here gets no galleries.</param>
    public static StudyChartSet Build(StudySummary summary, IReadOnlyDictionary<string, ImageSet> testSets)
    {
        var datasets = summary.Cells.Select(c => c.Dataset).Distinct().ToList();
        var slugs = new HashSet<string>();
        var result = new List<DatasetCharts>();
        foreach (var dataset in datasets)
        {
            var slug = Slug(dataset, 32);
            for (var i = 2; !slugs.Add(slug); i++) slug = $"{Slug(dataset, 32)}-{i}";
            var cells = summary.Cells.Select((c, i) => (Cell: c, Index: i)).Where(x => x.Cell.Dataset == dataset).ToList();
            var title = DatasetTitle(dataset);
            var charts = new List<StudyChart>
            {
                Curves($"{slug}-test-accuracy", dataset, $"Test accuracy by epoch, {title}: mean and 95 % CI per cell", "test accuracy (%)", cells, e => e.TestAcc),
                Curves($"{slug}-test-loss", dataset, $"Test loss by epoch, {title}: mean and 95 % CI per cell", "test loss (NLL per image)", cells, e => e.TestLoss),
            };
            var axes = summary.Cells.Count == 0 ? [] : summary.Cells[0].Axes.Select(a => a.Key).ToList();
            foreach (var axis in axes)
                if (ByAxis($"{slug}-final-test-acc-by-{Slug(axis, 40)}", dataset, title, axis, [.. cells.Select(c => c.Cell)]) is { } chart) charts.Add(chart);
            charts.AddRange(StudyErrorCharts.Build(slug, dataset, title, [.. cells.Select(c => c.Cell)], summary.EvaluationModes));
            var comparisons = summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc && c.A.Dataset == dataset).ToList();
            var (drawn, leftOut) = Forest(comparisons);
            if (drawn.Count > 0)
                charts.Add(new ForestChart($"{slug}-differences", dataset,
                    $"Paired differences of final test accuracy, {title}" + (leftOut > 0 ? $" ({leftOut} with one pair, no interval: in the table only)" : ""),
                    "a − b, final test accuracy (pp): mean and 95 % CI", [.. drawn.Select(Row)]));
            var forestNote = comparisons.Count > 0 && drawn.Count == 0
                ? $"No chart of paired differences: none of the {comparisons.Count} comparisons of final test accuracy has two pairs, so none has an interval; the comparisons table lists them."
                : null;
            // A chart with nothing to draw (no completed run) is left out; the cells table says n = 0.
            charts.RemoveAll(c => c is CurveChart { Series.Count: 0 });
            var (pictured, note) = Pictured(cells);
            result.Add(new DatasetCharts(dataset, title, charts,
                [.. pictured.Select(c => CellPictures($"{slug}-c{c.Index + 1:00}-{Slug(Label(c.Cell.Axes), 40)}", c.Cell, testSets))])
                { CellsNote = note, ChartsNote = forestNote });
        }
        return new StudyChartSet(result);
    }

    /// <summary>Up to this many cells a dataset draws every cell's confusion matrix and misclassified images; a larger
    /// study (a 27-cell recipe search) draws them for its <see cref="PicturedEnds"/> best and worst cells only, since
    /// two pictures a cell made such a report tens of megabytes that nobody scrolls through.</summary>
    public const int MaxPicturedCells = 12;

    /// <summary>How many of the best, and of the worst, cells a large study draws.</summary>
    public const int PicturedEnds = 3;

    /// <summary>The cells whose pictures are drawn, in study order, and, where some are left out, the sentence that says
    /// which were kept and how to draw any run's pictures.</summary>
    private static (IReadOnlyList<(CellResult Cell, int Index)> Cells, string? Note) Pictured(IReadOnlyList<(CellResult Cell, int Index)> cells)
    {
        if (cells.Count <= MaxPicturedCells) return (cells, null);
        var ranked = cells.Where(c => c.Cell.Metrics[MetricKind.FinalTestAcc].Mean is not null)
            .OrderByDescending(c => c.Cell.Metrics[MetricKind.FinalTestAcc].Mean!.Value).ThenBy(c => c.Index).ToList();
        var chosen = ranked.Take(PicturedEnds).Concat(ranked.Skip(Math.Max(PicturedEnds, ranked.Count - PicturedEnds))).Select(c => c.Index).ToHashSet();
        return ([.. cells.Where(c => chosen.Contains(c.Index))],
            $"Confusion matrices and misclassified images are drawn for the {PicturedEnds} best and {PicturedEnds} worst of the {cells.Count} cells " +
            "by mean final test accuracy; `report STUDY/runs` draws them for every run.");
    }

    /// <summary>"MNIST", "CIFAR-10", or the dataset as the spec names it (idx:PATH).</summary>
    public static string DatasetTitle(string dataset) => DatasetSource.TryParse(dataset) switch
    {
        DatasetSource.Mnist => "MNIST",
        DatasetSource.Cifar10 => "CIFAR-10",
        _ => dataset,
    };

    private static CurveChart Curves(string key, string dataset, string title, string yLabel, IReadOnlyList<(CellResult Cell, int Index)> cells,
        Func<EpochRecord, double> value) =>
        new(key, dataset, title, yLabel, [.. cells.Where(c => c.Cell.Completed.Count > 0).Select(c => new CurveSeries(Label(c.Cell.Axes), Points(c.Cell.Completed, value)))
            .Where(s => s.Points.Count > 0)]);

    /// <summary>At each epoch some completed run reached: the mean and 95 % t-interval of that epoch's finite values.</summary>
    private static IReadOnlyList<(int Epoch, Estimate Value)> Points(IReadOnlyList<RunResult> runs, Func<EpochRecord, double> value) =>
        [.. runs.SelectMany(r => r.Epochs.Select(e => e.Epoch)).Distinct().Order()
            .Select(epoch => (epoch, values: runs.Select(r => r.Epochs.FirstOrDefault(e => e.Epoch == epoch)).OfType<EpochRecord>().Select(value).Where(double.IsFinite).ToList()))
            .Where(p => p.values.Count > 0)
            .Select(p => (p.epoch, Of(CellStatistics.Summarize(p.values))!))];

    private static Estimate? Of(CellSummary s) => s.Mean is { } mean ? new Estimate(mean, s.Ci95?.Lower, s.Ci95?.Upper, s.N) : null;

    private static AxisChart? ByAxis(string key, string dataset, string title, string axis, IReadOnlyList<CellResult> cells)
    {
        var values = cells.Select(c => ValueOf(c, axis)).DistinctBy(AxisJson.Value).ToList();
        if (values.Count < 2) return null;
        var scale = ScaleOf(axis, values);
        var categories = scale == AxisScale.Category ? values.Select(ValueLabel).ToList() : [];
        double Position(JsonNode? v) => scale == AxisScale.Category ? values.FindIndex(x => AxisJson.Value(x) == AxisJson.Value(v)) : Number(v)!.Value;
        var series = cells.GroupBy(c => Others(c, axis))
            .Select(g => new AxisSeries(g.Key, [.. g.Select(c => (Cell: c, Value: Of(c.Metrics[MetricKind.FinalTestAcc])))
                .Where(x => x.Value is not null)
                .Select(x => new AxisPoint(Position(ValueOf(x.Cell, axis)), ValueLabel(ValueOf(x.Cell, axis)), x.Value!))
                .OrderBy(p => p.Position)]))
            .Where(s => s.Points.Count > 0)
            .ToList();
        if (series.Count == 0) return null;
        return new AxisChart(key, dataset, $"Final test accuracy by {axis}, {title}: mean and 95 % CI per cell", axis, scale, "final test accuracy (%)", categories, series);
    }

    /// <summary>Log2 for a batch size or a group count (groups, channels_per_group) whose values are all powers of two;
    /// linear for other numbers; categories for anything else (norms, experiments, booleans).</summary>
    public static AxisScale ScaleOf(string axis, IReadOnlyList<JsonNode?> values)
    {
        var numbers = values.Select(Number).ToList();
        if (numbers.Any(n => n is null)) return AxisScale.Category;
        var last = axis.Split('.')[^1];
        var powersOfTwo = numbers.All(n => n > 0 && double.IsInteger(Math.Log2(n!.Value)));
        return last is "batch_size" or "groups" or "channels_per_group" && powersOfTwo ? AxisScale.Log2 : AxisScale.Linear;
    }

    internal static double? Number(JsonNode? v) =>
        v is JsonValue j && j.GetValueKind() == System.Text.Json.JsonValueKind.Number && j.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    internal static JsonNode? ValueOf(CellResult c, string axis) => c.Axes.First(a => a.Key == axis).Value;

    /// <summary>The comparisons the forest draws, those with an interval (2 or more pairs), and how many it leaves out. A
    /// row of one pair is a point with no interval, from which the report claims nothing; a halving study's early rungs
    /// make a hundred of them (cifar10-recipe: 103, an 830 KB chart of dots).</summary>
    private static (IReadOnlyList<CellComparison> Drawn, int LeftOut) Forest(IReadOnlyList<CellComparison> comparisons)
    {
        var withIntervals = comparisons.Where(c => c.Result.NPairs >= 2).ToList();
        return (withIntervals, comparisons.Count - withIntervals.Count);
    }

    private static ForestRow Row(CellComparison c)
    {
        var others = Others(c.A, c.Axis);
        var label = $"{c.Axis}: {ValueLabel(ValueOf(c.A, c.Axis))} − {ValueLabel(ValueOf(c.B, c.Axis))}" + (others.Length > 0 ? $", {others}" : "");
        var r = c.Result;
        return new ForestRow(label, r.MeanDiff, r.Ci95?.Lower, r.Ci95?.Upper, r.NPairs, StudySummaryJson.VerdictName(r.Verdict));
    }

    private static CellCharts CellPictures(string key, CellResult cell, IReadOnlyDictionary<string, ImageSet> testSets)
    {
        var label = Label(cell.Axes);
        var notes = new List<string>();
        if (cell.Completed.Count == 0)
            return new CellCharts(label, null, null, ["no completed run, so no confusion matrix and no misclassified images."]);
        var resultDataset = cell.Completed[0].Dataset;
        var test = testSets.GetValueOrDefault(resultDataset);
        var matrices = cell.Completed.Select(r => r.Confusion).Where(m => m.Length > 0 && m.All(row => row.Length == m.Length)).ToList();
        ConfusionChart? confusion = null;
        if (matrices.Count == 0) notes.Add("no confusion matrix was saved.");
        else
        {
            var k = matrices[0].Length;
            var same = matrices.Where(m => m.Length == k).ToList();
            var names = test is not null && test.ClassCount == k ? test.ClassNames : KnownClasses.For(resultDataset, k);
            var counts = Enumerable.Range(0, k).Select(t => (IReadOnlyList<long>)[.. Enumerable.Range(0, k).Select(p => same.Sum(m => (long)m[t][p]))]).ToList();
            confusion = new ConfusionChart($"{key}-confusion", cell.Dataset, $"{label}: confusion matrix, summed over {same.Count} run(s)", names, counts, same.Count);
            if (same.Count < matrices.Count) notes.Add($"{matrices.Count - same.Count} run(s) saved a confusion matrix of another size; left out of the sum.");
        }
        var first = cell.Completed.OrderBy(r => r.Seed).First();
        GalleryChart? gallery = null;
        if (first.Misclassified.Count == 0) notes.Add($"seed {first.Seed} misclassified no test image it kept.");
        else if (test is null) notes.Add($"no misclassified images: the {resultDataset} test images are not loaded.");
        else
        {
            var names = confusion?.ClassNames ?? test.ClassNames;
            var (tiles, mismatched) = ReportBuilder.GalleryTiles(first.Misclassified, test, names);
            if (mismatched > 0) notes.Add($"{mismatched} misclassified image(s) of seed {first.Seed} do not match the loaded {resultDataset} test set (index or label differs); left out.");
            if (tiles.Count > 0)
                gallery = new GalleryChart($"{key}-misclassified", cell.Dataset, $"{label}: misclassified test images of seed {first.Seed} (first {tiles.Count} by test index; caption: predicted (true class))",
                    first.Seed, test.Channels, test.Height, test.Width, tiles);
        }
        return new CellCharts(label, confusion, gallery, notes);
    }

    /// <summary>A cell by its axis values, short: one axis gives its value alone ("mnist-bn", "group (groups 2)"), more
    /// give "batch_size 16, norm batch"; no axis is "(the base)".</summary>
    public static string Label(IReadOnlyList<KeyValuePair<string, JsonNode?>> axes) => axes.Count switch
    {
        0 => "(the base)",
        1 => ValueLabel(axes[0].Value),
        _ => string.Join(", ", axes.Select(a => $"{a.Key} {ValueLabel(a.Value)}")),
    };

    /// <summary>The cell's other axes than <paramref name="axis"/>, labelled; empty when it has no other.</summary>
    internal static string Others(CellResult cell, string axis) =>
        string.Join(", ", cell.Axes.Where(a => a.Key != axis).Select(a => $"{a.Key} {ValueLabel(a.Value)}"));

    /// <summary>An axis value as a person reads it: a string without quotes, a number, a norm as its kind with its other
    /// fields ("group (groups 2)"), anything else as compact JSON.</summary>
    public static string ValueLabel(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        JsonObject o when o["kind"] is JsonValue k && k.GetValueKind() == System.Text.Json.JsonValueKind.String =>
            o.Count == 1 ? k.GetValue<string>() : $"{k.GetValue<string>()} ({string.Join(", ", o.Where(p => p.Key != "kind").Select(p => $"{p.Key} {ValueLabel(p.Value)}"))})",
        _ => AxisJson.Value(value),
    };

    /// <summary>Lower-case letters, digits, '.' and '_' kept, runs of anything else one '-': a file name part.</summary>
    public static string Slug(string text, int max)
    {
        var s = new StringBuilder();
        foreach (var ch in text.ToLowerInvariant())
            if (ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_') s.Append(ch);
            else if (s.Length > 0 && s[^1] != '-') s.Append('-');
        var slug = s.ToString().Trim('-', '.');
        if (slug.Length > max) slug = slug[..max].TrimEnd('-', '.');
        return slug.Length == 0 ? "x" : slug;
    }
}
