using SkiaSharp;

namespace Norms.Reports;

/// <summary>
/// Misclassified test images in a grid, drawn with SkiaSharp on white: each image upscaled by a whole factor (nearest
/// neighbour, so pixels stay crisp) with its caption, "predicted (true actual)", centred below it in <see cref="ChartFont"/>.
/// A cell is as wide as its widest caption plus <see cref="CaptionPadding"/> each side, so captions never run together.
/// </summary>
internal static class ImageGallery
{
    public const int Margin = 10, Gap = 10, CaptionGap = 4, Columns = 8, CaptionPadding = 4;
    public const float CaptionSize = 13;

    /// <summary>The caption colour (a misclassification is an error: red).</summary>
    public static readonly SKColor CaptionColour = new(0xc0, 0x1c, 0x1c);

    /// <summary>Images of 32 pixels or less (MNIST, CIFAR-10) are drawn 4 times their size; larger ones as they are.</summary>
    public static int Scale(int height) => height <= 32 ? 4 : 1;

    /// <param name="tiles">CHW images of <paramref name="channels"/> (1 grey, 3 RGB) × <paramref name="height"/> × <paramref name="width"/> bytes.</param>
    /// <param name="columns">Images per row (fewer when there are fewer images).</param>
    public static byte[] Png(int channels, int height, int width, IReadOnlyList<GalleryTile> tiles, int columns = Columns)
    {
        if (tiles.Count == 0) throw new ArgumentException("a gallery needs at least one image", nameof(tiles));
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (grey) or 3 (RGB)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        foreach (var tile in tiles)
            if (tile.Pixels.Length != channels * height * width)
                throw new ArgumentException($"image '{tile.Caption}' holds {tile.Pixels.Length} bytes, expected {channels}x{height}x{width}", nameof(tiles));

        var scale = Scale(height);
        using var font = new SKFont(ChartFont.Regular, CaptionSize);
        using var ink = new SKPaint { Color = CaptionColour, IsAntialias = true };
        var (cellWidth, cellHeight) = Cell(font, tiles, height, width);
        var cols = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + cols - 1) / cols;
        var info = new SKImageInfo(2 * Margin + cols * cellWidth + (cols - 1) * Gap, 2 * Margin + rows * cellHeight + (rows - 1) * Gap, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp cannot make a {info.Width}x{info.Height} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        for (var i = 0; i < tiles.Count; i++)
        {
            var left = Margin + i % cols * (cellWidth + Gap);
            var top = Margin + i / cols * (cellHeight + Gap);
            using var image = Image(tiles[i].Pixels, channels, height, width);
            // Whole pixels: a half-pixel offset would blur the nearest-neighbour upscaling at the edges.
            var imageLeft = left + (cellWidth - width * scale) / 2;
            canvas.DrawImage(image, SKRect.Create(imageLeft, top, width * scale, height * scale), sampling);
            canvas.DrawText(tiles[i].Caption, left + cellWidth / 2f, top + height * scale + CaptionGap + font.Size, SKTextAlign.Center, font, ink);
        }
        return ChartKit.Encode(surface);
    }

    /// <summary>A cell's width and height in pixels: the upscaled image, or the widest caption with its padding, and the caption line below.</summary>
    public static (int Width, int Height) Cell(IReadOnlyList<GalleryTile> tiles, int height, int width)
    {
        using var font = new SKFont(ChartFont.Regular, CaptionSize);
        return Cell(font, tiles, height, width);
    }

    private static (int Width, int Height) Cell(SKFont font, IReadOnlyList<GalleryTile> tiles, int height, int width)
    {
        var scale = Scale(height);
        var captionWidth = tiles.Max(t => font.MeasureText(t.Caption)) + 2 * CaptionPadding;
        var cellWidth = (int)Math.Ceiling(Math.Max(width * scale, captionWidth));
        return (cellWidth, height * scale + CaptionGap + (int)Math.Ceiling(font.Size * 1.3));
    }

    /// <summary>A CHW image (1 channel grey or 3 RGB) as an opaque RGBA Skia image.</summary>
    private static SKImage Image(byte[] chw, int channels, int height, int width)
    {
        var plane = height * width;
        var rgba = new byte[plane * 4];
        for (var i = 0; i < plane; i++)
        {
            var (r, g, b) = channels == 1 ? (chw[i], chw[i], chw[i]) : (chw[i], chw[plane + i], chw[2 * plane + i]);
            rgba[4 * i] = r;
            rgba[4 * i + 1] = g;
            rgba[4 * i + 2] = b;
            rgba[4 * i + 3] = 255;
        }
        return SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba, width * 4);
    }
}
