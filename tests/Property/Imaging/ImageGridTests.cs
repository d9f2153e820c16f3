using Norms.Reports.Imaging;
using Xunit;

namespace Norms.Property.Tests.Imaging;

public sealed class ImageGridTests
{
    [Fact]
    public void Font_covers_digits_letters_and_label_symbols_with_distinct_glyphs()
    {
        const string needed = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ./:-+%()=_,";
        Assert.All(needed, c => Assert.True(BitmapFont.HasGlyph(c), $"no glyph for '{c}'"));
        var shapes = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".Select(c => string.Join(",", BitmapFont.Rows(c))).ToArray();
        Assert.Equal(shapes.Length, shapes.Distinct().Count());
        Assert.Equal(5 * 6 - 1, BitmapFont.MeasureWidth("pred3"));
        Assert.Equal(0, BitmapFont.MeasureWidth(""));
    }

    [Fact]
    public void Text_is_drawn_inside_its_measured_box_and_clipped_at_the_edges()
    {
        var image = RasterImage.Rgb(60, 20, Rgb.White);
        BitmapFont.Draw(image, "pred 3", 2, 3, Rgb.Black, scale: 1);
        var width = BitmapFont.MeasureWidth("pred 3");
        for (var y = 0; y < 20; y++)
            for (var x = 0; x < 60; x++)
            {
                var black = image.Pixels[(y * 60 + x) * 3] == 0;
                if (black) Assert.True(x >= 2 && x < 2 + width && y >= 3 && y < 3 + BitmapFont.GlyphHeight, $"ink outside the box at {x},{y}");
            }
        Assert.Contains((byte)0, image.Pixels);
        BitmapFont.Draw(image, "TRUE 5", 55, 17, Rgb.Black, scale: 2); // mostly off-canvas: must not throw
    }

    [Fact]
    public void Grid_places_upscaled_images_with_captions()
    {
        // Three 2x2 grey images, scale 4, two columns.
        var tiles = Enumerable.Range(0, 3).Select(i => new GridTile([(byte)(10 * i), 50, 100, 150], $"{i}", Rgb.Black)).ToList();
        var grid = ImageGrid.Build(tiles, channels: 1, height: 2, width: 2, scale: 4, columns: 2);
        var cellW = Math.Max(8, BitmapFont.MeasureWidth("0") + 2 * ImageGrid.CaptionPadding);
        var inset = (cellW - 8) / 2; // images are centred in their cells
        var cellH = 8 + ImageGrid.CaptionGap + BitmapFont.GlyphHeight;
        Assert.Equal(2 * ImageGrid.Margin + 2 * cellW + ImageGrid.Gap, grid.Width);
        Assert.Equal(2 * ImageGrid.Margin + 2 * cellH + ImageGrid.Gap, grid.Height);
        Assert.Equal(3, grid.Channels);
        byte At(int x, int y) => grid.Pixels[(y * grid.Width + x) * 3];
        // Tile 1 (second column, first row): its top-left 4x4 block is pixel 0 of image 1 (value 10).
        var left = ImageGrid.Margin + cellW + ImageGrid.Gap + inset;
        for (var dy = 0; dy < 4; dy++)
            for (var dx = 0; dx < 4; dx++)
                Assert.Equal(10, At(left + dx, ImageGrid.Margin + dy));
        Assert.Equal(150, At(left + 7, ImageGrid.Margin + 7));
        // Tile 2 starts the second row.
        Assert.Equal(20, At(ImageGrid.Margin + inset, ImageGrid.Margin + cellH + ImageGrid.Gap));
        // Captions are ink under the image.
        var captionTop = ImageGrid.Margin + 8 + ImageGrid.CaptionGap;
        Assert.Contains(Enumerable.Range(ImageGrid.Margin, cellW).SelectMany(x => Enumerable.Range(captionTop, 7).Select(y => At(x, y))), v => v == 0);
        var png = PngEncoder.Encode(grid);
        Assert.True(png.Length > 50);
    }

    [Fact]
    public void Captions_wider_than_their_images_keep_apart()
    {
        // 1x1 images under long captions: the cells are as wide as the captions, and between the last ink of one
        // caption and the first of the next there are at least 12 blank columns (two glyph widths; with only the
        // 8-pixel cell gap the captions read as one line).
        var tiles = Enumerable.Range(0, 2).Select(i => new GridTile([0], $"{i} (TRUE 9)", Rgb.Black)).ToList();
        var grid = ImageGrid.Build(tiles, channels: 1, height: 1, width: 1, scale: 2, columns: 2);
        var top = ImageGrid.Margin + 2 + ImageGrid.CaptionGap;
        bool Ink(int x) => Enumerable.Range(top, BitmapFont.GlyphHeight).Any(y => grid.Pixels[(y * grid.Width + x) * 3] == 0);
        var inkColumns = Enumerable.Range(0, grid.Width).Where(Ink).ToList();
        var widestGap = inkColumns.Zip(inkColumns.Skip(1), (a, b) => b - a - 1).Max();
        Assert.True(widestGap >= 12, $"captions only {widestGap} px apart");
    }

    [Fact]
    public void Rgb_tiles_keep_their_colour_planes()
    {
        // CHW: R plane all 255, G plane 0, B plane 128, one 1x1 image.
        var grid = ImageGrid.Build([new GridTile([255, 0, 128], "", Rgb.Black)], 3, 1, 1, scale: 2, columns: 1);
        var i = (ImageGrid.Margin * grid.Width + ImageGrid.Margin) * 3;
        Assert.Equal(new byte[] { 255, 0, 128 }, grid.Pixels[i..(i + 3)]);
    }
}
