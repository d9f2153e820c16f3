namespace Norms.Data;

/// <summary>From stored bytes to the float values a network sees: x / 255, then (x - mean[c]) / std[c].</summary>
public static class PixelNormalization
{
    /// <summary>
    /// Normalises images in NCHW order: <paramref name="src"/> and <paramref name="dst"/> hold whole images of
    /// <paramref name="channels"/> planes of <paramref name="planeSize"/> pixels each.
    /// </summary>
    public static void Normalize(ReadOnlySpan<byte> src, Span<float> dst, int channels, int planeSize, ChannelStats stats)
    {
        CheckLayout(src.Length, dst.Length, channels, planeSize, stats);
        var mean = stats.Mean;
        var std = stats.Std;
        for (var start = 0; start < src.Length; start += planeSize)
        {
            var c = start / planeSize % channels;
            // (x/255 - m)/s as one multiply-add: scale = 1/(255 s), shift = -m/s.
            var scale = 1f / (255f * std[c]);
            var shift = -mean[c] / std[c];
            var from = src.Slice(start, planeSize);
            var to = dst.Slice(start, planeSize);
            for (var i = 0; i < from.Length; i++) to[i] = from[i] * scale + shift;
        }
    }

    /// <summary>Bytes to [0, 1] floats (the space augmentation works in, where 0 is the black background).</summary>
    public static void ToUnitRange(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (dst.Length != src.Length) throw new ArgumentException($"dst holds {dst.Length} values, src {src.Length}");
        for (var i = 0; i < src.Length; i++) dst[i] = src[i] * (1f / 255f);
    }

    /// <summary>Normalises [0, 1] floats in place.</summary>
    public static void NormalizeUnitInPlace(Span<float> data, int channels, int planeSize, ChannelStats stats)
    {
        CheckLayout(data.Length, data.Length, channels, planeSize, stats);
        var mean = stats.Mean;
        var std = stats.Std;
        for (var start = 0; start < data.Length; start += planeSize)
        {
            var c = start / planeSize % channels;
            var inv = 1f / std[c];
            var plane = data.Slice(start, planeSize);
            for (var i = 0; i < plane.Length; i++) plane[i] = (plane[i] - mean[c]) * inv;
        }
    }

    /// <summary>
    /// What <see cref="ToUnitRange"/> then <see cref="NormalizeUnitInPlace"/> make of each byte value, per channel:
    /// table[c * 256 + b], computed with the same float operations, so a lookup gives the two passes' result bit for bit.
    /// </summary>
    public static float[] UnitNormalizedTable(ChannelStats stats)
    {
        var mean = stats.Mean;
        var std = stats.Std;
        var table = new float[stats.Channels * 256];
        for (var c = 0; c < stats.Channels; c++)
        {
            var inv = 1f / std[c];
            for (var b = 0; b < 256; b++) table[c * 256 + b] = (b * (1f / 255f) - mean[c]) * inv;
        }
        return table;
    }

    private static void CheckLayout(int srcLength, int dstLength, int channels, int planeSize, ChannelStats stats)
    {
        if (stats.Channels != channels) throw new ArgumentException($"stats have {stats.Channels} channels, images {channels}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(planeSize);
        if (dstLength != srcLength) throw new ArgumentException($"dst holds {dstLength} values, src {srcLength}");
        if (srcLength % (channels * planeSize) != 0) throw new ArgumentException($"{srcLength} values are not whole images of {channels}x{planeSize}");
    }
}
