using FsCheck;
using FsCheck.Fluent;
using Norms.Reference;

namespace Norms.Property.Tests.Generators;

/// <summary>An NCHW shape.</summary>
public sealed record Shape(int N, int C, int H, int W)
{
    public int Count => N * C * H * W;
    public int SpatialSize => H * W;
    public override string ToString() => $"[{N},{C},{H},{W}]";
}

/// <summary>
/// One random normalization problem: input, eps, a group count dividing C, per-channel and
/// per-element affine parameters, and the upstream gradient. The input is
/// offset + scale·u with u uniform in [−1, 1], so the tests see tiny, unit and large scales and
/// offsets around 1e3 (where naive single-pass variances lose digits).
/// </summary>
public sealed record NormCase(Shape Shape, double[] Data, double Eps, int Groups,
    double[] Gamma, double[] Beta, double[] ElementGamma, double[] ElementBeta, double[] Upstream,
    double Scale, double Offset)
{
    public Nchw X => new(Shape.N, Shape.C, Shape.H, Shape.W, Data);
    public Nchw Dy => new(Shape.N, Shape.C, Shape.H, Shape.W, Upstream);
    public NormCase WithData(double[] data) => this with { Data = data };
    public override string ToString() =>
        $"shape {Shape}, groups {Groups}, eps {Eps:R}, scale {Scale:R}, offset {Offset:R}, data [{string.Join(", ", Data.Take(12).Select(v => v.ToString("R")))}{(Data.Length > 12 ? ", ..." : "")}]";
}

public static class NormGenerators
{
    /// <summary>Uniform double in [lo, hi] (FsCheck 3's C# API has integer Choose only).</summary>
    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(i => lo + (hi - lo) * i / 1_000_000.0);

    /// <summary>Shapes up to 4×6×4×4, including N = 1 and H = W = 1.</summary>
    public static Gen<Shape> Shapes(int maxN = 4, int maxC = 6, int maxHW = 4) =>
        from n in Gen.Choose(1, maxN)
        from c in Gen.Choose(1, maxC)
        from h in Gen.Frequency((1, Gen.Constant(1)), (3, Gen.Choose(1, maxHW)))
        from w in Gen.Frequency((1, Gen.Constant(1)), (3, Gen.Choose(1, maxHW)))
        select new Shape(n, c, h, w);

    /// <summary>Shapes where BatchNorm can train: N·H·W &gt; 1 (PyTorch refuses a single value per channel).</summary>
    public static Gen<Shape> BatchTrainableShapes => Shapes().Where(s => s.N * s.SpatialSize > 1);

    /// <summary>A group count that divides <paramref name="channels"/>.</summary>
    public static Gen<int> DivisorOf(int channels) =>
        Gen.Elements(Enumerable.Range(1, channels).Where(g => channels % g == 0).ToArray());

    /// <summary>eps from 1e-8 to 1 (PyTorch's default 1e-5 often).</summary>
    public static Gen<double> Eps =>
        Gen.Frequency((2, Gen.Constant(1e-5)), (2, Gen.Elements(1e-8, 1e-3, 0.1, 1.0)), (1, Uniform(1e-6, 0.5)));

    public static Gen<double> Scales =>
        from s in Gen.Elements(1e-2, 1.0, 30.0)
        from jitter in Uniform(0.5, 2.0)
        select s * jitter;

    /// <summary>Offsets: none, small, and around 1e3.</summary>
    public static Gen<double> Offsets =>
        Gen.OneOf(Gen.Constant(0.0), Uniform(-5, 5), Uniform(-1e3 - 10, -1e3 + 10), Uniform(1e3 - 10, 1e3 + 10));

    public static Gen<double[]> Values(int count, double scale, double offset) =>
        Uniform(-1, 1).Select(u => offset + scale * u).ArrayOf(count);

    public static Gen<NormCase> Cases(Gen<Shape> shapes) =>
        from shape in shapes
        from groups in DivisorOf(shape.C)
        from eps in Eps
        from scale in Scales
        from offset in Offsets
        from data in Values(shape.Count, scale, offset)
        from gamma in Uniform(-2, 2).ArrayOf(shape.C)
        from beta in Uniform(-2, 2).ArrayOf(shape.C)
        from elementGamma in Uniform(-2, 2).ArrayOf(shape.C * shape.SpatialSize)
        from elementBeta in Uniform(-2, 2).ArrayOf(shape.C * shape.SpatialSize)
        from upstream in Uniform(-1, 1).ArrayOf(shape.Count)
        select new NormCase(shape, data, eps, groups, gamma, beta, elementGamma, elementBeta, upstream, scale, offset);

    public static Gen<NormCase> Cases() => Cases(Shapes());

    /// <summary>Cases where every pooled group of every norm holds at least 2 values (H·W ≥ 2).</summary>
    public static Gen<NormCase> SpatialCases => Cases(Shapes().Where(s => s.SpatialSize >= 2));

    /// <summary>Spatial cases with eps = 0, which is defined since every pooled group holds at least 2 values.</summary>
    public static Gen<NormCase> EpsFreeCases => SpatialCases.Select(c => c with { Eps = 0 });

    /// <summary>Momentum values that tell PyTorch's convention (weight on the new batch) from Keras's
    /// (weight on the old value): never 0.5, where the two agree; null = cumulative average.</summary>
    public static Gen<double?> Momenta =>
        Gen.OneOf(Gen.Elements<double?>(0.1, 0.3, 0.9, null), Uniform(0.01, 0.45).Select(m => (double?)m));
}
