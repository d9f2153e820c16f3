using System.Text.RegularExpressions;
using System.Xml.Linq;
using Norms.Data;
using Norms.Reports;
using Shouldly;
using SkiaSharp;
using Xunit;

namespace Norms.Snapshot.Tests.Report;

/// <summary>The per-run report's pictures as drawn (ScottPlot, SkiaSharp), from the fixtures' chart models.</summary>
public sealed partial class ReportChartRendererTests
{
    private static readonly ReportModel Model = ReportBuilder.Build(ReportFixtures.Runs, new Dictionary<string, ImageSet> { ["mnist"] = ReportFixtures.MnistTest });

    private static ReportChart Chart(string stem) => ReportChartModels.All(Model).Single(c => c.Stem == stem);

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex Ids();

    [Theory]
    [InlineData("curves-train-loss", 960, 520)]
    [InlineData("mnist-bn/curves", 1240, 440)]
    [InlineData("mnist-gn/curves", 1240, 440)] // diverged: its NaN losses are gaps, not "NaN" in the file
    [InlineData("cifar10-bn/confusion", 640, 620)]
    public void Each_chart_is_a_deterministic_png_and_an_svg_of_its_size_with_its_titles_in_dejavu_sans(string stem, int width, int height)
    {
        var chart = Chart(stem);
        var png = ReportChartRenderer.Png(chart);
        ReportChartRenderer.Png(chart).ShouldBe(png);
        using (var bitmap = SKBitmap.Decode(png))
        {
            bitmap.ShouldNotBeNull();
            (bitmap.Width, bitmap.Height).ShouldBe((width, height));
            Colours(bitmap).ShouldBeGreaterThan(8); // drawn, not blank
            bitmap.GetPixel(1, 1).ShouldBe(SKColors.White);
        }
        var text = ReportChartRenderer.Svg(chart)!;
        ReportChartRenderer.Svg(chart).ShouldBe(text);
        text.ShouldNotContain("NaN");
        text.ShouldNotContain("Infinity");
        var svg = XDocument.Parse(text).Root!;
        svg.Name.LocalName.ShouldBe("svg");
        ((int)svg.Attribute("width")!, (int)svg.Attribute("height")!).ShouldBe((width, height));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").ToList();
        texts.ShouldAllBe(t => t.Attribute("font-family")!.Value == ChartFont.Family);
        var titles = chart is CurvesChart c ? c.Panels.Select(p => p.Title).ToList() : [chart.Title];
        foreach (var title in titles) texts.ShouldContain(t => t.Value.Trim() == title, title);
        // Side by side panels are one drawing: their clip paths do not share an id.
        Ids().Matches(text).Select(m => m.Groups[1].Value).ShouldBeUnique();
    }

    [Fact]
    public void The_gallery_is_a_png_of_three_rows_of_eight_captioned_images()
    {
        var chart = (RunGalleryChart)Chart("mnist-bn/misclassified");
        ReportChartRenderer.Svg(chart).ShouldBeNull();
        var png = ReportChartRenderer.Png(chart);
        ReportChartRenderer.Png(chart).ShouldBe(png);
        using var bitmap = SKBitmap.Decode(png);
        var (cellWidth, cellHeight) = ImageGallery.Cell(chart.Gallery.Tiles, 28, 28);
        bitmap.Width.ShouldBe(2 * ImageGallery.Margin + 8 * cellWidth + 7 * ImageGallery.Gap);
        bitmap.Height.ShouldBe(2 * ImageGallery.Margin + 3 * cellHeight + 2 * ImageGallery.Gap);
        // The captions are red ink.
        var red = 0;
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
                if (bitmap.GetPixel(x, y) is { Red: > 150, Green: < 100, Blue: < 100 }) red++;
        red.ShouldBeGreaterThan(24 * 20);
    }

    private static int Colours(SKBitmap bitmap)
    {
        var colours = new HashSet<uint>();
        for (var y = 0; y < bitmap.Height; y += 3)
            for (var x = 0; x < bitmap.Width; x += 3)
                colours.Add((uint)bitmap.GetPixel(x, y));
        return colours.Count;
    }
}
