using System.Globalization;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Norms.Reports;
using SkiaSharp;
using Xunit;

namespace Norms.Property.Tests.Imaging;

/// <summary>
/// What the reports' pictures must be for any data, now that ScottPlot draws the charts and SkiaSharp the galleries and
/// the PNGs: well-formed deterministic SVG whatever the names and values, every count of a heat map shown, the colour
/// rule, and galleries whose pixels are the test images' own.
/// </summary>
public sealed class ChartImageTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    private static readonly Gen<string> Names = Gen.Elements("BatchNorm", "group <4>", "a & b", "\"quoted\"", "l2=1e-4", "épsilon", "x'y");

    private static readonly Gen<double> Values = Gen.Frequency(
        (8, Gen.Choose(-100000, 100000).Select(i => i / 1000.0)),
        (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity)),
        (1, Gen.Elements(0.0, 1e-9, 12345.678)));

    private static List<string> Texts(XDocument svg) => [.. svg.Descendants(SvgNs + "text").Select(t => t.Value.Trim())];

    [Fact]
    public void Curves_are_well_formed_deterministic_svg_and_a_png_for_any_names_and_values()
    {
        var lines = from name in Names from n in Gen.Choose(0, 12) from ys in Gen.ArrayOf(Values, n)
                    select new CurveLine(name, [.. ys.Select((y, i) => (i + 1, y))]);
        var panels = from title in Names from ls in Gen.NonEmptyListOf(lines) select new CurvePanel(title, "loss <nats>", [.. ls.Take(6)]);
        var charts = from ps in Gen.Choose(1, 2).SelectMany(k => Gen.ArrayOf(panels, k)) select new CurvesChart("x/curves", "t", ps);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(25), Prop.ForAll(charts.ToArbitrary(), chart =>
        {
            var text = ReportChartRenderer.Svg(chart)!;
            Assert.Equal(text, ReportChartRenderer.Svg(chart));
            Assert.DoesNotContain("NaN", text);
            Assert.DoesNotContain("Infinity", text);
            var texts = Texts(XDocument.Parse(text));
            foreach (var panel in chart.Panels)
            {
                Assert.Contains(panel.Title, texts);
                // Each line with a finite point is in the legend, by its name as written.
                foreach (var line in panel.Lines.Where(l => l.Points.Any(p => double.IsFinite(p.Value))))
                    Assert.Contains(line.Name, texts);
            }
            using var bitmap = SKBitmap.Decode(ReportChartRenderer.Png(chart));
            Assert.Equal(chart.Panels.Count == 1 ? ReportChartRenderer.PanelWidth : 2 * ReportChartRenderer.ExperimentPanelWidth, bitmap.Width);
        }));
    }

    [Fact]
    public void A_panel_with_nothing_finite_still_has_its_title_and_axes()
    {
        // FsCheck found it: one epoch whose only value is NaN gave an empty SVG.
        foreach (var points in new[] { new[] { (1, double.NaN) }, new[] { (1, double.NaN), (2, double.PositiveInfinity) } })
        {
            var chart = new CurvesChart("x/curves", "t", [new CurvePanel("diverged", "loss", [new CurveLine("BatchNorm", points)])]);
            var texts = Texts(XDocument.Parse(ReportChartRenderer.Svg(chart)!));
            Assert.Contains("diverged", texts);
            Assert.Contains("epoch", texts);
        }
    }

    [Fact]
    public void A_line_is_cut_at_each_non_finite_value_into_runs_of_finite_points()
    {
        var points = Gen.ArrayOf(Values).Select(ys => ys.Select((y, i) => (Epoch: i + 1, Value: y)).ToArray());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(points.ToArbitrary(), ps =>
        {
            var segments = ReportChartRenderer.Segments(ps).ToList();
            Assert.Equal(ps.Where(p => double.IsFinite(p.Value)), segments.SelectMany(s => s));
            Assert.All(segments, s => Assert.NotEmpty(s));
            Assert.All(segments, s => Assert.True(s.Zip(s.Skip(1)).All(p => p.Second.Epoch == p.First.Epoch + 1), "a segment spans a gap"));
            // Between two segments there is a non-finite point.
            Assert.All(segments.Zip(segments.Skip(1)), p => Assert.True(p.Second[0].Epoch > p.First[^1].Epoch + 1));
        }));
    }

    [Fact]
    public void Heat_maps_are_well_formed_and_show_every_nonzero_count_and_the_diagonal()
    {
        var matrices = from k in Gen.Choose(1, 12) from cells in Gen.ArrayOf(Gen.Choose(0, 50), k * k) select (k, cells);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(25), Prop.ForAll(matrices.ToArbitrary(), t =>
        {
            var (k, cells) = t;
            var names = Enumerable.Range(0, k).Select(i => i % 2 == 0 ? $"class {i}" : $"c<{i}>&").ToArray();
            var counts = Enumerable.Range(0, k).Select(r => (IReadOnlyList<long>)[.. cells.Skip(r * k).Take(k).Select(c => (long)c)]).ToArray();
            var text = ReportChartRenderer.Svg(new RunConfusionChart("x/confusion", "confusion", names, counts))!;
            var texts = Texts(XDocument.Parse(text));
            // The cells' counts, row by row: the only texts that are bare numbers (names and labels are words).
            var shown = texts.Where(s => s.Length > 0 && s.All(char.IsAsciiDigit)).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var expected = Enumerable.Range(0, k * k).Where(i => cells[i] != 0 || i / k == i % k).Select(i => (long)cells[i]).ToArray();
            Assert.Equal(expected, shown);
            foreach (var name in names) Assert.Contains(name, texts);
        }));
        Assert.Throws<ArgumentException>(() => ReportChartRenderer.Svg(new RunConfusionChart("x", "t", ["a", "b"], [[1, 2]])));
        Assert.Throws<ArgumentException>(() => ReportChartRenderer.Svg(new RunConfusionChart("x", "t", ["a"], [[-1]])));
    }

    [Fact]
    public void Confusion_colours_darken_with_the_square_root_of_the_share()
    {
        Assert.Equal("#f7fbff", ChartKit.ShareColour(0));
        Assert.Equal("#08306b", ChartKit.ShareColour(1));
        Assert.Equal(ChartKit.ShareColour(0), ChartKit.ShareColour(-0.5));
        Assert.Equal(ChartKit.ShareColour(1), ChartKit.ShareColour(7));
        // A quarter of the row is half-way (to rounding): small confusions are not left white.
        static int Red(string hex) => Convert.ToInt32(hex[1..3], 16);
        Assert.InRange(Red(ChartKit.ShareColour(0.25)), (0xf7 + 0x08) / 2 - 1, (0xf7 + 0x08) / 2 + 1);
        var shares = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        Assert.True(shares.Zip(shares.Skip(1)).All(p => Red(ChartKit.ShareColour(p.Second)) <= Red(ChartKit.ShareColour(p.First))), "not monotone");
    }

    private static SKBitmap Gallery(int channels, int height, int width, IReadOnlyList<GalleryTile> tiles, int columns) =>
        SKBitmap.Decode(ImageGallery.Png(channels, height, width, tiles, columns));

    private static GalleryTile Tile(byte[] pixels, string caption) => new(0, 0, 0, caption, pixels);

    [Fact]
    public void A_gallery_places_each_image_upscaled_pixel_for_pixel_with_its_caption_below()
    {
        // Three 2x2 grey images (drawn 4x: 8x8 pixels), two per row.
        var tiles = Enumerable.Range(0, 3).Select(i => Tile([(byte)(10 * i), 50, 100, 150], $"{i}")).ToList();
        using var grid = Gallery(1, 2, 2, tiles, columns: 2);
        var (cellW, cellH) = ImageGallery.Cell(tiles, 2, 2);
        Assert.Equal(2 * ImageGallery.Margin + 2 * cellW + ImageGallery.Gap, grid.Width);
        Assert.Equal(2 * ImageGallery.Margin + 2 * cellH + ImageGallery.Gap, grid.Height);
        var inset = (cellW - 8) / 2; // images are centred in their cells
        byte At(int x, int y) => grid.GetPixel(x, y).Red;
        // Tile 1 (second column, first row): its top-left 4x4 block is pixel 0 of image 1 (value 10), its bottom-right pixel 3.
        var left = ImageGallery.Margin + cellW + ImageGallery.Gap + inset;
        for (var dy = 0; dy < 4; dy++)
            for (var dx = 0; dx < 4; dx++)
            {
                Assert.Equal(10, At(left + dx, ImageGallery.Margin + dy));
                Assert.Equal(150, At(left + 4 + dx, ImageGallery.Margin + 4 + dy));
            }
        Assert.Equal(255, At(left - 1, ImageGallery.Margin)); // white around the image
        // Tile 2 starts the second row.
        Assert.Equal(20, At(ImageGallery.Margin + inset, ImageGallery.Margin + cellH + ImageGallery.Gap));
        // Captions are (red) ink under the image.
        var captionTop = ImageGallery.Margin + 8 + ImageGallery.CaptionGap;
        Assert.Contains(Enumerable.Range(ImageGallery.Margin, cellW).SelectMany(x => Enumerable.Range(captionTop, cellH - 8 - ImageGallery.CaptionGap).Select(y => grid.GetPixel(x, y))),
            c => c.Red > 150 && c.Green < 120);
    }

    [Fact]
    public void Rgb_images_keep_their_colour_planes()
    {
        // CHW: R plane 255, G plane 0, B plane 128; one 1x1 image, drawn 4x.
        GalleryTile[] tiles = [Tile([255, 0, 128], "")];
        using var grid = Gallery(3, 1, 1, tiles, columns: 1);
        var (cellW, _) = ImageGallery.Cell(tiles, 1, 1);
        var c = grid.GetPixel(ImageGallery.Margin + (cellW - 4) / 2, ImageGallery.Margin);
        Assert.Equal((255, 0, 128), (c.Red, c.Green, c.Blue));
    }

    [Fact]
    public void Captions_wider_than_their_images_keep_apart()
    {
        // 1x1 images under long captions: the cells are as wide as the captions, and between the last ink of one caption
        // and the first of the next lie at least 12 blank columns (the padding on both sides and the gap).
        var tiles = Enumerable.Range(0, 2).Select(i => Tile([0], $"automobile (true truck {i})")).ToList();
        using var grid = Gallery(1, 1, 1, tiles, columns: 2);
        var top = ImageGallery.Margin + 4 + ImageGallery.CaptionGap;
        bool Ink(int x) => Enumerable.Range(top, grid.Height - top - ImageGallery.Margin).Any(y => grid.GetPixel(x, y).Green < 200);
        var inkColumns = Enumerable.Range(0, grid.Width).Where(Ink).ToList();
        var widestGap = inkColumns.Zip(inkColumns.Skip(1), (a, b) => b - a - 1).Max();
        Assert.True(widestGap >= 12, $"captions only {widestGap} px apart");
    }

    [Fact]
    public void Wrong_gallery_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ImageGallery.Png(1, 2, 2, [], columns: 1));
        Assert.Throws<ArgumentException>(() => ImageGallery.Png(1, 2, 2, [Tile([1, 2, 3], "x")], columns: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGallery.Png(2, 1, 1, [Tile([1, 2], "x")], columns: 1));
    }

    [Fact]
    public void The_font_draws_every_character_of_every_known_class_caption()
    {
        using var font = new SKFont(ChartFont.Regular, ImageGallery.CaptionSize);
        var captions = string.Concat(KnownClasses.Cifar10.Concat(KnownClasses.For("mnist", 10)).Select(n => $"{n} (true {n})"));
        Assert.True(font.ContainsGlyphs(captions), "DejaVu Sans lacks a glyph of the captions");
    }
}
