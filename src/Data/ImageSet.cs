namespace Norms.Data;

/// <summary>
/// Images kept as bytes exactly as stored: <see cref="Pixels"/> is N*C*H*W in NCHW order,
/// <see cref="Labels"/> holds one class index per image. Normalisation happens per batch.
/// </summary>
public sealed class ImageSet
{
    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames { get; }

    public ImageSet(byte[] pixels, byte[] labels, int count, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)count * channels * height * width != pixels.LongLength)
            throw new ArgumentException($"pixels hold {pixels.LongLength} bytes, expected {count}*{channels}*{height}*{width}", nameof(pixels));
        if (labels.Length != count)
            throw new ArgumentException($"labels hold {labels.Length} entries, expected {count}", nameof(labels));
        if (classNames.Count is 0 or > 256)
            throw new ArgumentException("between 1 and 256 class names are needed", nameof(classNames));
        foreach (var label in labels)
            if (label >= classNames.Count)
                throw new ArgumentException($"label {label} is outside 0..{classNames.Count - 1}", nameof(labels));
        Pixels = pixels;
        Labels = labels;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames.ToArray();
    }

    public int ClassCount => ClassNames.Count;
    public int PixelsPerImage => Channels * Height * Width;
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(checked(index * PixelsPerImage), PixelsPerImage);

    /// <summary>A copy of images start..start+count-1 (for quick runs on part of a set).</summary>
    public ImageSet Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"images {start}..{start + count - 1} are outside 0..{Count - 1}");
        return new ImageSet(Pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(), Labels.AsSpan(start, count).ToArray(),
            count, Channels, Height, Width, ClassNames);
    }

    /// <summary>A copy of the images at <paramref name="indices"/>, in that order (a validation slice, the training set left).</summary>
    public ImageSet Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var size = PixelsPerImage;
        var pixels = new byte[(long)indices.Count * size];
        var labels = new byte[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            var i = indices[k];
            if ((uint)i >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"image {i} is outside 0..{Count - 1}");
            Pixels.AsSpan(i * size, size).CopyTo(pixels.AsSpan(k * size, size));
            labels[k] = Labels[i];
        }
        return new ImageSet(pixels, labels, indices.Count, Channels, Height, Width, ClassNames);
    }
}
