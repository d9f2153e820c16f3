namespace Norms.Reference;

/// <summary>A small NCHW tensor in double precision, row-major (w fastest), for the reference oracle.</summary>
public sealed class Nchw
{
    public Nchw(int n, int c, int h, int w, double[] data)
    {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0)
            throw new ArgumentException($"every dimension must be positive, got [{n}, {c}, {h}, {w}]");
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)n * c * h * w)
            throw new ArgumentException($"shape [{n}, {c}, {h}, {w}] holds {(long)n * c * h * w} values but data has {data.Length}");
        (N, C, H, W, Data) = (n, c, h, w, data);
    }

    public int N { get; }
    public int C { get; }
    public int H { get; }
    public int W { get; }
    public double[] Data { get; }
    public int Count => Data.Length;
    public long[] Shape => [N, C, H, W];

    public int Index(int n, int c, int h, int w) => ((n * C + c) * H + h) * W + w;

    public double this[int n, int c, int h, int w] => Data[Index(n, c, h, w)];

    public Nchw With(double[] data) => new(N, C, H, W, data);
}
