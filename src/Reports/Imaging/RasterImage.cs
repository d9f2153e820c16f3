namespace Norms.Reports.Imaging;

/// <summary>An 8-bit image, row-major, channels interleaved (1 = grey, 3 = RGB). Mutable canvas for drawing.</summary>
public sealed class RasterImage
{
    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    public RasterImage(int width, int height, int channels, byte[]? pixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (grey) or 3 (RGB)");
        var size = checked(width * height * channels);
        if (pixels is not null && pixels.Length != size) throw new ArgumentException($"pixels hold {pixels.Length} bytes, expected {size}");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels ?? new byte[size];
    }

    public static RasterImage Rgb(int width, int height, Rgb background)
    {
        var image = new RasterImage(width, height, 3);
        image.FillRect(0, 0, width, height, background);
        return image;
    }

    /// <summary>Sets a pixel; coordinates outside the image are ignored (clipping). Grey images take the colour's luma.</summary>
    public void Set(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        var i = (y * Width + x) * Channels;
        if (Channels == 1)
        {
            Pixels[i] = colour.Luma;
            return;
        }
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }

    public void FillRect(int x, int y, int width, int height, Rgb colour)
    {
        for (var yy = Math.Max(0, y); yy < Math.Min(Height, y + height); yy++)
            for (var xx = Math.Max(0, x); xx < Math.Min(Width, x + width); xx++)
                Set(xx, yy, colour);
    }
}

public readonly record struct Rgb(byte R, byte G, byte B)
{
    public byte Luma => (byte)Math.Round(0.299 * R + 0.587 * G + 0.114 * B);
    public static Rgb Grey(byte v) => new(v, v, v);
    public static Rgb White => new(255, 255, 255);
    public static Rgb Black => new(0, 0, 0);
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";
}
