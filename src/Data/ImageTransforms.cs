namespace Norms.Data;

/// <summary>Per-image geometric transforms on [0, 1] floats in CHW order. Pure; <paramref name="fill"/> is the background value.</summary>
public static class ImageTransforms
{
    /// <summary>
    /// Rotates counter-clockwise by <paramref name="degrees"/> about the image centre, sampling bilinearly;
    /// source positions outside the image read as <paramref name="fill"/>. An angle of 0 is an exact copy.
    /// </summary>
    public static void Rotate(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width, double degrees, float fill = 0f)
    {
        CheckImage(src.Length, dst.Length, channels, height, width);
        var radians = degrees * Math.PI / 180.0;
        var (sin, cos) = degrees == 0 ? (0.0, 1.0) : Math.SinCos(radians);
        var cx = (width - 1) * 0.5;
        var cy = (height - 1) * 0.5;
        var plane = height * width;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                // Inverse mapping: where in the source does this destination pixel come from?
                double dx = x - cx, dy = y - cy;
                var sx = cx + cos * dx - sin * dy;
                var sy = cy + sin * dx + cos * dy;
                var x0 = (int)Math.Floor(sx);
                var y0 = (int)Math.Floor(sy);
                var fx = (float)(sx - x0);
                var fy = (float)(sy - y0);
                for (var c = 0; c < channels; c++)
                {
                    var p = src.Slice(c * plane, plane);
                    var top = Lerp(At(p, x0, y0, width, height, fill), At(p, x0 + 1, y0, width, height, fill), fx);
                    var bottom = Lerp(At(p, x0, y0 + 1, width, height, fill), At(p, x0 + 1, y0 + 1, width, height, fill), fx);
                    dst[c * plane + y * width + x] = Lerp(top, bottom, fy);
                }
            }
        }
    }

    /// <summary>
    /// Pads by <paramref name="padding"/> pixels of <paramref name="fill"/> on each side and crops the original size at
    /// (<paramref name="offsetX"/>, <paramref name="offsetY"/>) in [0, 2*padding] of the padded image, then mirrors left-right
    /// when <paramref name="flip"/>. Offsets (padding, padding) without flip are an exact copy.
    /// </summary>
    public static void CropFlip(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width,
        int padding, int offsetX, int offsetY, bool flip, float fill = 0f)
    {
        CheckImage(src.Length, dst.Length, channels, height, width);
        CheckCrop(padding, offsetX, offsetY);
        var plane = height * width;
        for (var c = 0; c < channels; c++)
        {
            var p = src.Slice(c * plane, plane);
            for (var y = 0; y < height; y++)
            {
                var sy = y + offsetY - padding;
                for (var x = 0; x < width; x++)
                {
                    var tx = flip ? width - 1 - x : x;
                    var sx = x + offsetX - padding;
                    dst[c * plane + y * width + tx] = (uint)sy < (uint)height && (uint)sx < (uint)width ? p[sy * width + sx] : fill;
                }
            }
        }
    }

    /// <summary>
    /// <see cref="CropFlip"/> of a byte image with <paramref name="table"/> (<see cref="PixelNormalization.UnitNormalizedTable"/>)
    /// applied on the way, the padding reading as byte 0: the three passes (to [0, 1], crop-flip, normalize) of the
    /// CIFAR-10 training batches in one, without per-pixel bounds checks. Equal to them bit for bit.
    /// </summary>
    public static void CropFlipNormalized(ReadOnlySpan<byte> src, Span<float> dst, int channels, int height, int width,
        int padding, int offsetX, int offsetY, bool flip, ReadOnlySpan<float> table)
    {
        CheckImage(src.Length, dst.Length, channels, height, width);
        CheckCrop(padding, offsetX, offsetY);
        if (table.Length != channels * 256) throw new ArgumentException($"the table holds {table.Length} values, {channels} channels need {channels * 256}");
        var plane = height * width;
        var shift = offsetX - padding;                       // source column = destination column + shift
        var first = Math.Clamp(-shift, 0, width);            // destination columns [first, last) read the image
        var last = Math.Clamp(width - shift, first, width);
        for (var c = 0; c < channels; c++)
        {
            var lut = table.Slice(c * 256, 256);
            var pad = lut[0];
            for (var y = 0; y < height; y++)
            {
                var row = dst.Slice(c * plane + y * width, width);
                var sy = y + offsetY - padding;
                if ((uint)sy >= (uint)height)
                {
                    row.Fill(pad);
                    continue;
                }
                var from = src.Slice(c * plane + sy * width, width);
                if (!flip)
                {
                    row[..first].Fill(pad);
                    for (var x = first; x < last; x++) row[x] = lut[from[x + shift]];
                    row[last..].Fill(pad);
                }
                else
                {
                    // Destination column x lands at width - 1 - x.
                    row[(width - first)..].Fill(pad);
                    for (var x = first; x < last; x++) row[width - 1 - x] = lut[from[x + shift]];
                    row[..(width - last)].Fill(pad);
                }
            }
        }
    }

    /// <summary>Mirrors left-right.</summary>
    public static void FlipHorizontal(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width) =>
        CropFlip(src, dst, channels, height, width, 0, 0, 0, flip: true);

    private static float At(ReadOnlySpan<float> plane, int x, int y, int width, int height, float fill) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? plane[y * width + x] : fill;

    // Written so that t == 0 returns a exactly (a + 0 * (b - a) could turn -0 into +0 or differ by an ulp with infinities).
    private static float Lerp(float a, float b, float t) => t == 0f ? a : a + (b - a) * t;

    private static void CheckCrop(int padding, int offsetX, int offsetY)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (offsetX < 0 || offsetX > 2 * padding || offsetY < 0 || offsetY > 2 * padding)
            throw new ArgumentOutOfRangeException(nameof(offsetX), $"offsets must be in [0, {2 * padding}]");
    }

    private static void CheckImage(int srcLength, int dstLength, int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var size = channels * height * width;
        if (srcLength != size || dstLength != size)
            throw new ArgumentException($"src holds {srcLength} and dst {dstLength} values; one {channels}x{height}x{width} image is {size}");
    }
}
