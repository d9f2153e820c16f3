using Norms.Experiments.Cli;
using Norms.Data;
using System.Text.RegularExpressions;
using Norms.Reports;
using Norms.Training;
using Norms.Results;
using Shouldly;
using Xunit;

namespace Norms.Snapshot.Tests.Report;

/// <summary>What a person reads in a report, from the fixed results of <see cref="ReportFixtures"/>.</summary>
public sealed class ReportSnapshotTests
{
    private static readonly Dictionary<string, ImageSet> TestSets = new() { ["mnist"] = ReportFixtures.MnistTest };

    private static ReportModel Model() => ReportBuilder.Build(ReportFixtures.Runs, TestSets, ["cifar10 test images are not loaded in this test."]);

    [Fact]
    public void Report_markdown_of_fixed_results() =>
        ReportMarkdown.Render(Model()).ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("fixtures").WithFileExtension("md"));

    // The pictures' data models, as text: what each chart draws (ReportChartRendererTests checks the drawing itself).
    [Theory]
    [InlineData("train-loss")]
    [InlineData("test-accuracy")]
    public void Combined_curves(string metric) =>
        ReportChartText.Describe(ReportChartModels.Combined(Model(), CurveMetric.All.Single(m => m.Key == metric)))
            .ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator(metric).WithFileExtension("txt"));

    [Theory]
    [InlineData("mnist-bn")]
    [InlineData("mnist-gn")] // diverged: NaN losses at epoch 2, gaps in its loss lines
    public void Experiment_curves(string name) =>
        ReportChartText.Describe(ReportChartModels.Curves(Model().Experiments.Single(e => e.Run.Name == name)))
            .ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator(name).WithFileExtension("txt"));

    [Fact]
    public void Confusion_of_cifar10_bn_uses_class_names() =>
        ReportChartText.Describe(ReportChartModels.Confusion(Model().Experiments.Single(e => e.Run.Name == "cifar10-bn"))!)
            .ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("cifar10-bn").WithFileExtension("txt"));

    [Fact]
    public void Misclassified_gallery_of_mnist_bn() =>
        ReportChartText.Describe(ReportChartModels.Misclassified(Model().Experiments.Single(e => e.Run.Name == "mnist-bn"))!)
            .ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("mnist-bn").WithFileExtension("txt"));

    [Fact]
    public void Every_picture_has_one_model_and_the_models_name_distinct_files()
    {
        var model = Model();
        var charts = ReportChartModels.All(model);
        charts.Count(c => c is CurvesChart).ShouldBe(CurveMetric.All.Count + model.Experiments.Count);
        charts.Count(c => c is RunConfusionChart).ShouldBe(model.Experiments.Count);
        // Only mnist's test images are loaded here: galleries for the mnist runs, none for cifar10.
        charts.OfType<RunGalleryChart>().Select(c => c.Stem).ShouldBe(model.Experiments.Where(e => e.Run.Dataset == "mnist").Select(e => $"{e.Folder}/misclassified"));
        var files = charts.SelectMany(c => c.HasSvg ? new[] { c.PngPath, c.SvgPath } : [c.PngPath]).ToList();
        files.ShouldBeUnique();
        files.ShouldContain("curves-train-loss.png");
        files.ShouldContain("mnist-bn/curves.svg");
        files.ShouldNotContain("mnist-bn/misclassified.svg");
    }

    [Fact]
    public void Incomplete_runs_are_warned_about_at_the_top()
    {
        var model = Model();
        model.Warnings.ShouldBe(
        [
            "mnist-gn DIVERGED after 2 of 3 planned epochs: loss became NaN at epoch 2, step 311; lower the learning rate",
            "mnist-ln was INTERRUPTED after 2 of 3 planned epochs: stopped by Ctrl+C",
            "cifar10-gn is CUT SHORT: completed 2 of 3 planned epochs",
        ]);
        var md = ReportMarkdown.Render(model);
        md.IndexOf("WARNING: mnist-gn DIVERGED", StringComparison.Ordinal).ShouldBeLessThan(md.IndexOf("## Results", StringComparison.Ordinal));
    }

    [Fact]
    public void Regularization_is_compared_only_with_runs_that_exist()
    {
        var analysis = Model().Analysis;
        analysis.ShouldContain(s => s.StartsWith("Adding L1 1e-05 (mnist-bn to mnist-bn-l1) lowered the best test accuracy by 0.05 points", StringComparison.Ordinal));
        analysis.ShouldContain(s => s.StartsWith("Adding L2 1e-04 (mnist-bn-l1 to mnist-bn-l1-l2) raised the best test accuracy by 0.08 points", StringComparison.Ordinal));
        analysis.ShouldContain(s => s.StartsWith("Adding L2 1e-04 (mnist-ln (interrupted) to mnist-ln-l2)", StringComparison.Ordinal));
        // There is no mnist-gn-l1 among the fixtures, so no sentence about it.
        analysis.ShouldNotContain(s => s.Contains("mnist-gn-l1", StringComparison.Ordinal));
        var without = ReportBuilder.Build([.. ReportFixtures.Runs.Where(r => r.Name != "mnist-bn")], TestSets).Analysis;
        without.ShouldNotContain(s => s.StartsWith("Adding L1 1e-05 (mnist-bn ", StringComparison.Ordinal));
    }

    [Fact]
    public void Equal_printed_accuracies_share_a_rank_and_are_named_together()
    {
        var bn = ReportFixtures.Runs[0];
        var tie = bn with { Name = "mnist-bn-copy", BestTestAcc = bn.BestTestAcc + 0.001 }; // 99.021 prints as 99.02
        var analysis = ReportBuilder.Build([bn, tie, ReportFixtures.Runs[3]], TestSets).Analysis;
        analysis.ShouldContain("On mnist, the ranking by best test accuracy is: 1. mnist-bn 99.02%, 1. mnist-bn-copy 99.02%, 3. mnist-bn-l1 98.97%.");
        analysis.ShouldContain("On mnist, the top best test accuracy (99.02%: mnist-bn, mnist-bn-copy) is 0.05 percentage points above the bottom (98.97%: mnist-bn-l1).");
    }

    [Fact]
    public void Test_images_already_in_memory_are_shown_without_a_data_folder()
    {
        // `all` hands the report the test splits it trained on instead of reading the datasets a second time.
        var dir = Directory.CreateTempSubdirectory("norms-report-").FullName;
        try
        {
            foreach (var r in ReportFixtures.Runs) new RunFolder(Path.Combine(dir, r.Name)).WriteResult(r);
            var outcome = ReportWriter.Write(dir, dataRoot: null, loadedTestSets: TestSets);
            foreach (var r in ReportFixtures.Runs.Where(r => r.Dataset == "mnist" && r.Misclassified.Count > 0))
                File.Exists(Path.Combine(dir, r.Name, "misclassified.png")).ShouldBeTrue(r.Name);
            outcome.Notes.ShouldNotContain(n => n.Contains("misclassified images of mnist", StringComparison.Ordinal));
            outcome.Notes.ShouldContain(n => n.Contains("misclassified images of cifar10", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_file_is_written_and_the_html_is_self_contained()
    {
        var dir = Directory.CreateTempSubdirectory("norms-report-").FullName;
        try
        {
            foreach (var r in ReportFixtures.Runs) new RunFolder(Path.Combine(dir, r.Name)).WriteResult(r);
            var outcome = ReportWriter.Write(dir, dataRoot: null);
            foreach (var metric in new[] { "train-loss", "test-loss", "train-accuracy", "test-accuracy" })
                foreach (var ext in new[] { "png", "svg" })
                    File.Exists(Path.Combine(dir, $"curves-{metric}.{ext}")).ShouldBeTrue($"curves-{metric}.{ext}");
            File.Exists(Path.Combine(dir, "report.md")).ShouldBeTrue();
            foreach (var r in ReportFixtures.Runs)
                foreach (var f in new[] { "curves.png", "curves.svg", "confusion.png", "confusion.svg" })
                    File.Exists(Path.Combine(dir, r.Name, f)).ShouldBeTrue($"{r.Name}/{f}");
            // No data folder: no galleries.
            outcome.Files.ShouldNotContain(f => f.EndsWith("misclassified.png", StringComparison.Ordinal));
            outcome.Files.Count.ShouldBe(2 + 2 * (4 + 2 * ReportFixtures.Runs.Count));
            Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
            outcome.Notes.ShouldContain(n => n.Contains("no data folder was given", StringComparison.Ordinal));
            var html = File.ReadAllText(outcome.HtmlPath);
            // Nothing to fetch: no URL outside the embedded images' base64 (where "http" can occur by chance).
            Regex.Replace(html, "data:image/png;base64,[A-Za-z0-9+/=]+", "data:").ShouldNotContain("http");
            html.ShouldNotContain("<script");
            html.ShouldNotContain("<link");
            html.ShouldContain("@media print");
            // Every picture is its PNG, embedded (inline ScottPlot SVGs would share their clip-path ids in one page).
            html.ShouldNotContain("<svg");
            var sources = Regex.Matches(html, "<img [^>]*src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
            sources.Count.ShouldBe(4 + 2 * ReportFixtures.Runs.Count);
            sources.ShouldAllBe(src => src.StartsWith("data:image/png;base64,", StringComparison.Ordinal));
            foreach (var png in outcome.Files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
                sources.ShouldContain("data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(dir, png))), png);
            // Writing again over the previous report works (renames replace files).
            ReportWriter.Write(dir, dataRoot: null).Files.Count.ShouldBe(outcome.Files.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Misclassified_grid_is_a_png_of_at_least_20_captioned_images()
    {
        var e = Model().Experiments.Single(x => x.Run.Name == "mnist-bn");
        e.Gallery!.Tiles.Count.ShouldBe(ReportBuilder.GalleryImages);
        e.Gallery.Tiles.Count.ShouldBeGreaterThanOrEqualTo(20);
        e.Gallery.Tiles[0].Caption.ShouldBe($"{(ReportFixtures.Label(2) + 1) % 10} (true {ReportFixtures.Label(2)})");
        var png = ReportChartRenderer.Png(ReportChartModels.Misclassified(e)!);
        png[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        // Images without labels that match the result are left out, and a note says so.
        var wrongLabels = new ImageSet(ReportFixtures.MnistTest.Pixels, new byte[ReportFixtures.MnistTest.Count], ReportFixtures.MnistTest.Count, 1, 28, 28, ReportFixtures.MnistTest.ClassNames);
        var model = ReportBuilder.Build([ReportFixtures.Runs[0]], new Dictionary<string, ImageSet> { ["mnist"] = wrongLabels });
        model.Experiments[0].Gallery!.Tiles.Count.ShouldBeLessThan(ReportBuilder.GalleryImages);
        model.Notes.ShouldContain(n => n.Contains("do not match the loaded mnist test set", StringComparison.Ordinal));
    }

    /// <summary>A result.json written before results recorded their provenance (docs/results/single-seed/mnist-bn, copied as it was)
    /// still loads, and the report, written from the files as `report` writes it, says "not recorded" for it.</summary>
    [Fact]
    public void A_result_written_before_provenance_loads_and_is_reported_as_not_recorded()
    {
        var old = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Report", "fixtures", "mnist-bn.before-provenance.result.json"));
        old.ShouldNotContain("provenance");
        RunResultJson.Deserialize(old).Provenance.ShouldBeNull();
        var dir = Directory.CreateTempSubdirectory("norms-report-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "mnist-bn"));
            File.WriteAllText(Path.Combine(dir, "mnist-bn", "result.json"), old);
            var outcome = ReportWriter.Write(dir, dataRoot: null);
            const string notRecorded = "| mnist-bn | not recorded | not recorded | not recorded | not recorded | not recorded |";
            var md = File.ReadAllText(outcome.MarkdownPath);
            (md.Split(notRecorded).Length - 1).ShouldBe(2, md); // the build-and-machine table and the engine-switch table
            File.ReadAllText(outcome.HtmlPath).ShouldContain("<tr><td>mnist-bn</td><td>not recorded</td>");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_folder_without_results_is_a_one_line_user_error()
    {
        var dir = Directory.CreateTempSubdirectory("norms-report-").FullName;
        try
        {
            var e = Should.Throw<UserError>(() => ReportVerb.Run(dir, null));
            e.Message.ShouldStartWith($"no results in {dir}");
            e.Message.ShouldNotContain("\n");
            Should.Throw<UserError>(() => ReportVerb.Run(Path.Combine(dir, "missing"), null)).Message.ShouldContain("does not exist");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("{\"name\": \"x\", ")]
    [InlineData("{\"name\": \"x\", \"status\": \"exploded\"}")]
    [InlineData("null")]
    public void A_corrupt_result_json_is_a_one_line_user_error(string json)
    {
        var dir = Directory.CreateTempSubdirectory("norms-report-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "broken"));
            File.WriteAllText(Path.Combine(dir, "broken", "result.json"), json);
            var e = Should.Throw<UserError>(() => ReportVerb.Run(dir, null));
            e.Message.ShouldStartWith($"{Path.Combine(dir, "broken", "result.json")} is not a valid result");
            e.Message.ShouldNotContain("\n");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
