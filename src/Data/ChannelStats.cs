namespace Norms.Data;

/// <summary>Per-channel mean and standard deviation of pixel values scaled to [0, 1].</summary>
public sealed record ChannelStats
{
    private readonly float[] mean;
    private readonly float[] std;

    public ChannelStats(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException("mean and std need the same, non-zero number of channels");
        foreach (var s in std)
            if (!(s > 0f) || float.IsInfinity(s))
                throw new ArgumentException($"std {s} must be positive and finite");
        this.mean = mean.ToArray();
        this.std = std.ToArray();
    }

    public int Channels => mean.Length;
    public ReadOnlySpan<float> Mean => mean;
    public ReadOnlySpan<float> Std => std;

    /// <summary>The values torchvision's examples use for MNIST.</summary>
    public static ChannelStats Mnist { get; } = new([0.1307f], [0.3081f]);

    /// <summary>The commonly published CIFAR-10 training-set statistics.</summary>
    public static ChannelStats Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>Statistics of a set (for idx folders whose statistics nobody published). Population std.</summary>
    public static ChannelStats Compute(ImageSet set)
    {
        var plane = set.Height * set.Width;
        var sum = new double[set.Channels];
        var sumSq = new double[set.Channels];
        for (var i = 0; i < set.Count; i++)
        {
            var image = set.Image(i);
            for (var c = 0; c < set.Channels; c++)
            {
                long s = 0, s2 = 0;
                foreach (var b in image.Slice(c * plane, plane)) { s += b; s2 += b * b; }
                sum[c] += s;
                sumSq[c] += s2;
            }
        }
        var n = (double)set.Count * plane;
        var means = new float[set.Channels];
        var stds = new float[set.Channels];
        for (var c = 0; c < set.Channels; c++)
        {
            var m = sum[c] / n / 255.0;
            var variance = Math.Max(0.0, sumSq[c] / n / (255.0 * 255.0) - m * m);
            means[c] = (float)m;
            // A constant image set has std 0; fall back to 1 so normalisation stays finite.
            stds[c] = variance > 0 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new ChannelStats(means, stds);
    }

    public bool Equals(ChannelStats? other) =>
        other is not null && mean.AsSpan().SequenceEqual(other.mean) && std.AsSpan().SequenceEqual(other.std);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var m in mean) hash.Add(m);
        foreach (var s in std) hash.Add(s);
        return hash.ToHashCode();
    }
}
