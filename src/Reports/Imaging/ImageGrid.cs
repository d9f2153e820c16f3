namespace Norms.Reports.Imaging;

/// <summary>One cell of an image grid: an image in CHW byte order (C = 1 or 3) and the caption drawn under it.</summary>
public sealed record GridTile(byte[] Pixels, string Caption, Rgb CaptionColour);

/// <summary>
/// Lays small images out in a grid on a white RGB canvas, each upscaled by an integer factor (nearest
/// neighbour, so pixels stay crisp) with a caption such as "pred 3 / true 5" centred below it.
/// </summary>
public static class ImageGrid
{
    public const int Margin = 8;
    public const int Gap = 8;
    public const int CaptionGap = 3;

    /// <summary>Blank pixels (times the caption scale) kept on each side of a caption, so captions wider than their
    /// image do not run into their neighbours' ("4 (TRUE 9)5 (TRUE 3)").</summary>
    public const int CaptionPadding = 4;

    public static RasterImage Build(IReadOnlyList<GridTile> tiles, int channels, int height, int width, int scale = 3, int columns = 8, int captionScale = 1)
    {
        if (tiles.Count == 0) throw new ArgumentException("a grid needs at least one image", nameof(tiles));
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (grey) or 3 (RGB)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var imageBytes = channels * height * width;
        foreach (var tile in tiles)
            if (tile.Pixels.Length != imageBytes)
                throw new ArgumentException($"tile '{tile.Caption}' holds {tile.Pixels.Length} bytes, expected {channels}x{height}x{width}");

        var captionWidth = tiles.Max(t => t.Caption.Length == 0 ? 0 : BitmapFont.MeasureWidth(t.Caption, captionScale) + 2 * CaptionPadding * captionScale);
        var cellWidth = Math.Max(width * scale, captionWidth);
        var captionHeight = tiles.Any(t => t.Caption.Length > 0) ? CaptionGap + BitmapFont.GlyphHeight * captionScale : 0;
        var cellHeight = height * scale + captionHeight;
        var cols = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + cols - 1) / cols;
        var canvas = RasterImage.Rgb(2 * Margin + cols * cellWidth + (cols - 1) * Gap, 2 * Margin + rows * cellHeight + (rows - 1) * Gap, Rgb.White);

        for (var i = 0; i < tiles.Count; i++)
        {
            var left = Margin + i % cols * (cellWidth + Gap);
            var top = Margin + i / cols * (cellHeight + Gap);
            var imageLeft = left + (cellWidth - width * scale) / 2;
            DrawScaled(canvas, tiles[i].Pixels, channels, height, width, imageLeft, top, scale);
            var caption = tiles[i].Caption;
            var textLeft = left + (cellWidth - BitmapFont.MeasureWidth(caption, captionScale)) / 2;
            BitmapFont.Draw(canvas, caption, textLeft, top + height * scale + CaptionGap, tiles[i].CaptionColour, captionScale);
        }
        return canvas;
    }

    private static void DrawScaled(RasterImage canvas, byte[] chw, int channels, int height, int width, int left, int top, int scale)
    {
        var plane = height * width;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                var colour = channels == 1 ? Rgb.Grey(chw[i]) : new Rgb(chw[i], chw[plane + i], chw[2 * plane + i]);
                canvas.FillRect(left + x * scale, top + y * scale, scale, scale, colour);
            }
    }
}
