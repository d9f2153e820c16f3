using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MathNet.Numerics.Distributions;
using Norms.Reports;
using Norms.Results;
using Norms.Studies;
using Shouldly;
using SkiaSharp;
using Xunit;

namespace Norms.Snapshot.Tests.Studies;

/// <summary>What the study report's charts must be, checked against the numbers they come from.</summary>
public sealed partial class StudyChartTests
{
    private static StudyChartSet Charts(StudyFixture f) => StudyChartModels.Build(f.Summary, StudyFixtures.TestSets);

    /// <summary>The 95 % t-interval of the mean, computed here from scratch (n − 1 df).</summary>
    private static (double Mean, double Lower, double Upper) TInterval(IReadOnlyList<double> values)
    {
        var n = values.Count;
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        var half = StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n);
        return (mean, mean - half, mean + half);
    }

    [Fact]
    public void Curves_are_each_epochs_mean_and_t_interval_across_the_cells_completed_runs_only()
    {
        var f = StudyFixtures.Mixed;
        var charts = Charts(f);
        foreach (var (cell, index) in f.Summary.Cells.Select((c, i) => (c, i)))
        {
            var curve = charts.Datasets.Single(d => d.Dataset == cell.Dataset).Charts.OfType<CurveChart>().Single(c => c.Key.EndsWith("test-accuracy", StringComparison.Ordinal));
            var series = curve.Series.Single(s => s.Name == StudyChartModels.Label(cell.Axes));
            var completed = f.Runs.Where(r => r.CellKey == cell.Key && f.Results.TryGetValue(r.Id, out var x) && x.Status == RunStatus.Completed)
                .Select(r => f.Results[r.Id]).ToList();
            series.Points.Select(p => p.Epoch).ShouldBe([1, 2]);
            foreach (var (epoch, value) in series.Points)
            {
                var (mean, lower, upper) = TInterval([.. completed.Select(r => r.Epochs[epoch - 1].TestAcc)]);
                value.N.ShouldBe(completed.Count);
                value.Mean.ShouldBe(mean, 1e-9);
                value.Lower!.Value.ShouldBe(lower, 1e-9);
                value.Upper!.Value.ShouldBe(upper, 1e-9);
            }
            // The last epoch's point is the cell's final test accuracy, as study.json holds it.
            var final = cell.Metrics[MetricKind.FinalTestAcc];
            series.Points[^1].Value.ShouldBe(new Estimate(final.Mean!.Value, final.Ci95!.Lower, final.Ci95.Upper, final.N), $"cell {index}");
        }
        // mnist-gn's diverged run counts nowhere: two runs, and its NaN loss is in no point.
        charts.All.OfType<CurveChart>().SelectMany(c => c.Series).Single(s => s.Name == "mnist-gn" && s.Points.Any(p => p.Value.Mean > 50))
            .Points.ShouldAllBe(p => p.Value.N == 2);
        charts.All.OfType<CurveChart>().SelectMany(c => c.Series).SelectMany(s => s.Points).ShouldAllBe(p => double.IsFinite(p.Value.Mean));
    }

    [Fact]
    public void Mnist_and_cifar10_never_share_a_chart()
    {
        var f = StudyFixtures.Mixed;
        var charts = Charts(f);
        charts.Datasets.Select(d => d.Dataset).ShouldBe(["mnist", "cifar10"]);
        charts.Datasets.Select(d => d.Title).ShouldBe(["MNIST", "CIFAR-10"]);
        foreach (var d in charts.Datasets)
        {
            var own = f.Summary.Cells.Where(c => c.Dataset == d.Dataset).Select(c => StudyChartModels.Label(c.Axes)).ToHashSet();
            d.All.ShouldAllBe(c => c.Dataset == d.Dataset && c.Key.StartsWith(d.Dataset + "-", StringComparison.Ordinal));
            d.Charts.OfType<CurveChart>().SelectMany(c => c.Series).ShouldAllBe(s => own.Contains(s.Name));
            d.Charts.OfType<AxisChart>().Single().Categories.ShouldBe([.. own], ignoreOrder: true);
            d.Charts.OfType<ForestChart>().Single().Rows.Count.ShouldBe(1); // the one pair on this dataset, never mnist − cifar10
            d.Cells.Count.ShouldBe(2);
        }
        charts.All.Select(c => c.Key).ShouldBeUnique();
    }

    [Fact]
    public void Batch_sizes_and_group_counts_that_are_powers_of_two_go_on_a_log2_axis_and_norms_by_category()
    {
        var charts = Charts(StudyFixtures.Grid).All.OfType<AxisChart>().Where(c => c.YLabel != StudyErrorCharts.YLabel).ToList();
        var bySize = charts.Single(c => c.Axis == "batch_size");
        bySize.Scale.ShouldBe(AxisScale.Log2);
        bySize.Series.Select(s => s.Name).ShouldBe(["norm batch", "norm group (groups 2)"]);
        bySize.Series.ShouldAllBe(s => s.Points.Select(p => p.Position).SequenceEqual(new double[] { 16, 32, 64 }));
        var byNorm = charts.Single(c => c.Axis == "norm");
        byNorm.Scale.ShouldBe(AxisScale.Category);
        byNorm.Categories.ShouldBe(["batch", "group (groups 2)"]);
        byNorm.Series.Select(s => s.Name).ShouldBe(["batch_size 16", "batch_size 32", "batch_size 64"]);

        JsonNode?[] Values(params double[] v) => [.. v.Select(x => (JsonNode?)JsonValue.Create(x))];
        StudyChartModels.ScaleOf("norm.groups", Values(1, 2, 4, 8)).ShouldBe(AxisScale.Log2);
        StudyChartModels.ScaleOf("norm.channels_per_group", Values(2, 4)).ShouldBe(AxisScale.Log2);
        StudyChartModels.ScaleOf("norm.groups", Values(3, 6)).ShouldBe(AxisScale.Linear);
        StudyChartModels.ScaleOf("batch_size", Values(16, 48)).ShouldBe(AxisScale.Linear);
        StudyChartModels.ScaleOf("l2", Values(0.001, 0.002)).ShouldBe(AxisScale.Linear);
        StudyChartModels.ScaleOf("augmentation", [JsonValue.Create(true), JsonValue.Create(false)]).ShouldBe(AxisScale.Category);
    }

    [Fact]
    public void An_error_chart_is_100_minus_each_cells_accuracy_against_the_norms_number_with_the_other_norms_across_it()
    {
        var f = StudyFixtures.Ghost;
        var charts = Charts(f).All.OfType<AxisChart>().Where(c => c.YLabel == StudyErrorCharts.YLabel).ToList();
        charts.Select(c => c.Key).ShouldBe(["mnist-final-test-error-by-norm-ghost_batch", "mnist-final-test-error-by-norm-ghost_batch-statistics"]);
        var byK = charts[0];
        byK.Scale.ShouldBe(AxisScale.Log2);
        byK.Series.Single().Points.Select(p => p.Position).ShouldBe([2.0, 8, 32]);
        foreach (var (point, cell) in byK.Series.Single().Points.Zip(f.Summary.Cells.Take(3)))
        {
            var accuracy = cell.Metrics[Norms.Studies.MetricKind.FinalTestAcc];
            point.Value.Mean.ShouldBe(100 - accuracy.Mean!.Value, 1e-9);
            point.Value.Lower!.Value.ShouldBe(100 - accuracy.Ci95!.Upper, 1e-9);
            point.Value.Upper!.Value.ShouldBe(100 - accuracy.Ci95!.Lower, 1e-9);
        }
        byK.References.Select(r => r.Name).ShouldBe(["group (groups 2)", "group-layer"]);
        byK.References[1].Value.Mean.ShouldBe(100 - f.Summary.Cells[4].Metrics[Norms.Studies.MetricKind.FinalTestAcc].Mean!.Value, 1e-9);
        // The three statistics: the precise series is study.json's evaluation_modes, turned into errors.
        var precise = charts[1].Series.Single(s => s.Name == "batch, precise").Points;
        precise.Select(p => p.Value.Mean).ShouldBe(f.Summary.EvaluationModes.Select(m => 100 - m.Precise.Mean!.Value), tolerance: 1e-9);
        // The grid's batch sizes get an error chart too, one series per norm; its norm axis has no number, so no norm chart.
        Charts(StudyFixtures.Grid).All.OfType<AxisChart>().Where(c => c.YLabel == StudyErrorCharts.YLabel).Select(c => c.Axis).ShouldBe(["batch_size"]);
    }

    [Fact]
    public void Each_point_of_a_by_axis_chart_is_its_cells_summary_from_study_json()
    {
        var f = StudyFixtures.Grid;
        var json = StudySummaryJson.Cells(f.Summary);
        var bySize = Charts(f).All.OfType<AxisChart>().Single(c => c.Axis == "batch_size" && c.YLabel != StudyErrorCharts.YLabel);
        var points = bySize.Series.SelectMany(s => s.Points.Select(p => (s.Name, p))).ToList();
        points.Count.ShouldBe(6);
        foreach (var cell in json)
        {
            var metric = cell!["metrics"]!["final_test_acc"]!;
            var name = $"norm {StudyChartModels.ValueLabel(cell["axes"]!["norm"])}";
            var (_, p) = points.Single(x => x.Name == name && x.p.Position == (double)cell["axes"]!["batch_size"]!);
            p.Value.Mean.ShouldBe((double)metric["mean"]!);
            p.Value.Lower.ShouldBe((double)metric["ci95"]![0]!);
            p.Value.Upper.ShouldBe((double)metric["ci95"]![1]!);
            p.Value.N.ShouldBe((int)cell["n"]!);
        }
    }

    [Fact]
    public void The_forest_has_one_row_per_comparison_of_final_test_accuracy_with_its_interval_and_verdict()
    {
        var f = StudyFixtures.Grid;
        var forest = Charts(f).All.OfType<ForestChart>().Single();
        var comparisons = f.Summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc).ToList();
        forest.Rows.Count.ShouldBe(comparisons.Count);
        foreach (var (row, c) in forest.Rows.Zip(comparisons))
        {
            row.MeanDiff.ShouldBe(c.Result.MeanDiff);
            row.Lower.ShouldBe(c.Result.Ci95!.Lower);
            row.Upper.ShouldBe(c.Result.Ci95.Upper);
            row.NPairs.ShouldBe(c.Result.NPairs);
            row.Verdict.ShouldBe(StudySummaryJson.VerdictName(c.Result.Verdict));
        }
        forest.Rows.Single(r => r.Label == "norm: batch − group (groups 2), batch_size 16").Verdict.ShouldBe("better");
        forest.Rows.Single(r => r.Label == "norm: batch − group (groups 2), batch_size 32").Verdict.ShouldBe("indistinguishable");
        forest.Rows.Where(r => r.Verdict is "better" or "worse").ShouldAllBe(r => r.Lower > 0 || r.Upper < 0);
        forest.Rows.ShouldAllBe(r => r.Lower <= r.MeanDiff && r.MeanDiff <= r.Upper);
    }

    /// <summary>Where some comparisons have an interval and others one pair only (a halving study's early rungs), the forest
    /// draws those with an interval and its title says how many it left out.</summary>
    [Fact]
    public void The_forest_leaves_out_one_pair_comparisons_when_others_have_intervals()
    {
        var f = StudyFixtures.Grid;
        // The first cell keeps its first seed only, so its comparisons have one pair.
        var first = f.Runs[0].Axes;
        var runs = f.Runs.Where(r => r.Seed == 1 || AxisJson.Canonical(r.Axes) != AxisJson.Canonical(first)).ToList();
        var summary = StudyStatistics.Summarize(runs, f.Results);
        var comparisons = summary.Comparisons.Where(c => c.Metric == MetricKind.FinalTestAcc).ToList();
        var single = comparisons.Count(c => c.Result.NPairs == 1);
        single.ShouldBeGreaterThan(0);
        (comparisons.Count - single).ShouldBeGreaterThan(0);
        var forest = StudyChartModels.Build(summary, StudyFixtures.TestSets).All.OfType<ForestChart>().Single();
        forest.Rows.Count.ShouldBe(comparisons.Count - single);
        forest.Rows.ShouldAllBe(r => r.NPairs >= 2);
        forest.Title.ShouldContain($"({single} with one pair, no interval: in the table only)");
    }

    [Fact]
    public void A_cells_confusion_matrix_is_the_sum_over_its_completed_runs_and_its_gallery_is_its_first_seed()
    {
        var f = StudyFixtures.Mixed;
        var gn = Charts(f).Datasets[0].Cells.Single(c => c.Label == "mnist-gn");
        var completed = f.Runs.Where(r => r.CellKey == f.Summary.Cells[1].Key).Select(r => f.Results[r.Id]).Where(r => r.Status == RunStatus.Completed).ToList();
        completed.Count.ShouldBe(2);
        gn.Confusion!.Runs.ShouldBe(2);
        for (var t = 0; t < 10; t++)
            for (var p = 0; p < 10; p++)
                gn.Confusion.Counts[t][p].ShouldBe(completed.Sum(r => (long)r.Confusion[t][p]));
        gn.Confusion.ClassNames.ShouldBe(StudyFixtures.TestSets["mnist"].ClassNames);

        var first = completed.MinBy(r => r.Seed)!;
        gn.Gallery!.Seed.ShouldBe(first.Seed);
        gn.Gallery.Tiles.Count.ShouldBe(ReportBuilder.GalleryImages);
        gn.Gallery.Tiles.Select(t => t.Index).ShouldBe(first.Misclassified.Take(ReportBuilder.GalleryImages).Select(m => m.Index));
        var tile = gn.Gallery.Tiles[0];
        tile.Caption.ShouldBe($"{tile.Pred} (true {tile.Label})");
        tile.Pixels.ShouldBe(StudyFixtures.TestSets["mnist"].Image(tile.Index).ToArray());

        var cifar = Charts(f).Datasets[1].Cells[0];
        cifar.Gallery!.Tiles[0].Caption.ShouldBe($"{KnownClasses.Cifar10[cifar.Gallery.Tiles[0].Pred]} (true {KnownClasses.Cifar10[cifar.Gallery.Tiles[0].Label]})");
        cifar.Confusion!.ClassNames.ShouldBe(KnownClasses.Cifar10);

        // Without the test images: no gallery, and the cell says why.
        var bare = StudyChartModels.Build(f.Summary, new Dictionary<string, Norms.Data.ImageSet>());
        bare.Datasets[0].Cells.ShouldAllBe(c => c.Gallery == null && c.Confusion != null);
        bare.Datasets[0].Cells[0].Notes.ShouldContain("no misclassified images: the mnist test images are not loaded.");
    }

    /// <summary>Up to 12 cells every cell has its pictures; a larger study draws them for its 3 best and 3 worst cells by
    /// mean final test accuracy, in study order, and says so.</summary>
    [Fact]
    public void A_large_study_draws_cell_pictures_for_its_best_and_worst_cells_only()
    {
        var grid = Charts(StudyFixtures.Grid).Datasets.Single();
        grid.Cells.Count.ShouldBe(StudyFixtures.Grid.Summary.Cells.Count);
        grid.CellsNote.ShouldBeNull();

        var wide = Charts(StudyFixtures.Wide).Datasets.Single();
        var labels = StudyFixtures.Wide.Summary.Cells.Select(c => StudyChartModels.Label(c.Axes)).ToList();
        labels.Count.ShouldBe(14);
        wide.Cells.Select(c => c.Label).ShouldBe([.. labels.Take(3), .. labels.Skip(11)]);
        wide.Cells.ShouldAllBe(c => c.Confusion != null && c.Gallery != null);
        wide.CellsNote.ShouldBe("Confusion matrices and misclassified images are drawn for the 3 best and 3 worst of the 14 cells by mean " +
            "final test accuracy; `report STUDY/runs` draws them for every run.");
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?(E[-+]?\d+)?")]
    private static partial Regex Numbers();

    /// <summary>
    /// Over many made-up studies (random effects, noise and seed counts): a sentence says "better" or "worse" only where
    /// the comparison's 95 % CI leaves out 0, and every number in a sentence is one of that comparison's numbers in
    /// study.json (printed to 2 decimals, 3 significant digits, or as the integer it is).
    /// </summary>
    [Fact]
    public void Sentences_claim_no_difference_whose_interval_holds_zero_and_quote_only_study_json()
    {
        var grid = StudyFixtures.Grid;
        var random = new Random(17);
        var claims = 0;
        for (var trial = 0; trial < 150; trial++)
        {
            var effect = new[] { 0, 0.02, 0.3, 2 }[random.Next(4)];
            var noise = new[] { 0, 0.01, 0.5 }[random.Next(3)];
            var seeds = random.Next(1, 4);
            var runs = grid.Runs.Where(r => (int)r.Seed <= seeds).ToList();
            var results = runs.ToDictionary(r => r.Id, r => grid.Results[r.Id] with
            {
                Epochs = [.. grid.Results[r.Id].Epochs.Select(e => e with { TestAcc = Math.Round(90 + (r.Spec.Norm.ShortName == "bn" ? effect : 0) + noise * (random.NextDouble() - 0.5), 2) })],
            });
            var summary = StudyStatistics.Summarize(runs, results);
            var json = StudySummaryJson.Comparisons(summary);
            var compared = summary.Comparisons.Select((c, i) => (c, json: json[i]!)).Where(x => x.c.Metric == MetricKind.FinalTestAcc).ToList();
            var sentences = StudyReportTables.Sentences(summary);
            sentences.Count.ShouldBe(compared.Count);
            foreach (var (sentence, (c, node)) in sentences.Zip(compared))
            {
                var ci = node["ci95"] as JsonArray;
                if (sentence.Contains(" is better than ", StringComparison.Ordinal) || sentence.Contains(" is worse than ", StringComparison.Ordinal))
                {
                    claims++;
                    ci.ShouldNotBeNull(sentence);
                    ((double)ci[0]! > 0 || (double)ci[1]! < 0).ShouldBeTrue(sentence);
                }
                var allowed = Leaves(node).SelectMany(v => new[] { v.ToString("F2", CultureInfo.InvariantCulture), v.ToString("G3", CultureInfo.InvariantCulture), v.ToString("R", CultureInfo.InvariantCulture) }).ToHashSet();
                foreach (Match m in Numbers().Matches(sentence.Replace("95 % CI", "", StringComparison.Ordinal)))
                    allowed.ShouldContain(m.Value, $"'{m.Value}' in \"{sentence}\" is not in study.json");
            }
        }
        claims.ShouldBeGreaterThan(20); // the trials did put differences into words
    }

    private static IEnumerable<double> Leaves(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value)),
        JsonArray a => a.SelectMany(Leaves),
        JsonValue v when v.TryGetValue<double>(out var d) => [d],
        JsonValue v when v.TryGetValue<int>(out var i) => [i],
        _ => [],
    };

    /// <summary>`study report` may run while a study trains: with no result yet, or one seed (no interval anywhere),
    /// every chart still draws and the cells say what is missing.</summary>
    [Fact]
    public void A_study_with_no_results_or_one_seed_still_renders()
    {
        var grid = StudyFixtures.Grid;
        var none = StudyStatistics.Summarize(grid.Runs, new Dictionary<string, RunResult>());
        var empty = StudyChartModels.Build(none, StudyFixtures.TestSets);
        empty.All.OfType<CurveChart>().ShouldBeEmpty();
        empty.All.OfType<AxisChart>().ShouldBeEmpty();
        // No comparison has an interval: no forest, and the dataset says why.
        empty.All.OfType<ForestChart>().ShouldBeEmpty();
        empty.Datasets.Single().ChartsNote!.ShouldStartWith("No chart of paired differences: none of the");
        empty.Datasets.Single().Cells.ShouldAllBe(c => c.Confusion == null && c.Gallery == null && c.Notes.Count == 1);
        var seedOne = grid.Runs.Where(r => r.Seed == 1).ToList();
        var single = StudyChartModels.Build(StudyStatistics.Summarize(seedOne, grid.Results), StudyFixtures.TestSets);
        single.All.OfType<CurveChart>().SelectMany(c => c.Series).SelectMany(s => s.Points).ShouldAllBe(p => p.Value.N == 1 && p.Value.Lower == null);
        single.All.OfType<ForestChart>().ShouldBeEmpty();
        foreach (var chart in empty.All.Concat(single.All))
        {
            StudyChartRenderer.Png(chart).Length.ShouldBeGreaterThan(1000, chart.Key);
            if (chart.HasSvg) StudyChartRenderer.Svg(chart).ShouldNotBeNull();
        }
        var files = StudyReportFiles.Render(grid.Name, none, grid.Statuses, StudyFixtures.TestSets);
        Encoding.UTF8.GetString(files.Single(f => f.RelativePath == StudyReportFiles.Markdown).Content)
            .ShouldContain("no completed run, so no confusion matrix and no misclassified images.");
    }

    [Fact]
    public void A_missing_font_is_one_line_naming_the_package()
    {
        var e = Should.Throw<ReportException>(() => ChartFont.Load("/nonexistent/DejaVuSans.ttf"));
        e.Message.ShouldContain("/nonexistent/DejaVuSans.ttf");
        e.Message.ShouldContain("apt-get install fonts-dejavu-core");
        e.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Every_chart_renders_a_deterministic_png_of_its_size_and_an_svg_with_its_title()
    {
        foreach (var chart in Charts(StudyFixtures.Mixed).All.DistinctBy(c => c.GetType()))
        {
            var png = StudyChartRenderer.Png(chart);
            StudyChartRenderer.Png(chart).ShouldBe(png, chart.Key);
            using var bitmap = SKBitmap.Decode(png);
            bitmap.ShouldNotBeNull(chart.Key);
            bitmap.Width.ShouldBeGreaterThan(300, chart.Key);
            // Not blank: drawn pixels of several colours.
            var colours = new HashSet<uint>();
            for (var y = 0; y < bitmap.Height; y += 3)
                for (var x = 0; x < bitmap.Width; x += 3)
                    colours.Add((uint)bitmap.GetPixel(x, y));
            colours.Count.ShouldBeGreaterThan(8, chart.Key);
            if (chart.HasSvg)
            {
                var svg = XDocument.Parse(StudyChartRenderer.Svg(chart)!);
                svg.Root!.Name.LocalName.ShouldBe("svg");
                var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").ToList();
                texts.ShouldAllBe(t => t.Attribute("font-family")!.Value == ChartFont.Family);
                texts.ShouldContain(t => t.Value.Trim() == chart.Title, chart.Key);
            }
            else StudyChartRenderer.Svg(chart).ShouldBeNull();
        }
    }
}
