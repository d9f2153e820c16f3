namespace Norms.Data;

/// <summary>
/// Turns a list of sample indices into a normalised float batch (N, C, H, W) and int64 labels, applying the
/// dataset's augmentation when asked. Random parameters come from a <see cref="CounterRng"/> keyed by
/// (seed, epoch, batch) and are drawn image by image, so a batch is reproducible on its own.
/// </summary>
public static class BatchBuilder
{
    public static void Fill(ImageSet set, ReadOnlySpan<int> indices, Span<float> pixels, Span<long> labels,
        ChannelStats stats, Augmentation augmentation, bool augment, ulong seed, int epoch, int batch)
    {
        var size = set.PixelsPerImage;
        if (pixels.Length != indices.Length * size)
            throw new ArgumentException($"pixels hold {pixels.Length} values, {indices.Length} images need {indices.Length * size}");
        if (labels.Length != indices.Length)
            throw new ArgumentException($"labels hold {labels.Length} values, {indices.Length} images need {indices.Length}");
        var plane = set.Height * set.Width;
        var active = augment && augmentation is not Augmentation.None;
        var rng = new CounterRng(seed, (ulong)epoch, (ulong)batch);
        var unit = active && augmentation is Augmentation.RandomRotation ? new float[size] : [];
        var table = active && augmentation is Augmentation.RandomCropFlip ? PixelNormalization.UnitNormalizedTable(stats) : null;
        for (var k = 0; k < indices.Length; k++)
        {
            var index = indices[k];
            if ((uint)index >= (uint)set.Count) throw new ArgumentOutOfRangeException(nameof(indices), $"index {index} is outside 0..{set.Count - 1}");
            labels[k] = set.Labels[index];
            var slot = pixels.Slice(k * size, size);
            if (!active)
            {
                PixelNormalization.Normalize(set.Image(index), slot, set.Channels, plane, stats);
                continue;
            }
            // Augment in [0, 1] so the padding/background is black (0) before normalisation, as torchvision does.
            switch (augmentation)
            {
                case Augmentation.RandomRotation r:
                    PixelNormalization.ToUnitRange(set.Image(index), unit);
                    ImageTransforms.Rotate(unit, slot, set.Channels, set.Height, set.Width, (rng.NextDouble() * 2 - 1) * r.MaxDegrees);
                    PixelNormalization.NormalizeUnitInPlace(slot, set.Channels, plane, stats);
                    break;
                case Augmentation.RandomCropFlip f:
                    var ox = rng.NextInt(2 * f.Padding + 1);
                    var oy = rng.NextInt(2 * f.Padding + 1);
                    var flip = rng.NextDouble() < f.FlipProbability;
                    // One pass from bytes (the padding is byte 0, black); equal to the three-pass path bit for bit.
                    ImageTransforms.CropFlipNormalized(set.Image(index), slot, set.Channels, set.Height, set.Width, f.Padding, ox, oy, flip, table!);
                    break;
                default:
                    throw new ArgumentException($"unknown augmentation {augmentation}");
            }
        }
    }
}
