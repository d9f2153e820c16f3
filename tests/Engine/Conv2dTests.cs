using FsCheck;
using FsCheck.Fluent;
using Norms.Torch;

namespace Norms.Engine.Tests;

/// <summary>conv2d against a direct loop over its definition, on random small configurations.</summary>
public sealed class Conv2dTests
{
    public sealed record Case(int N, int Groups, int CinPerGroup, int CoutPerGroup, int H, int W, int Kh, int Kw,
        int Stride, int Pad, int Dilation, bool Bias, int Seed);

    private static Gen<Case> Cases =>
        from n in Gen.Choose(1, 2)
        from g in Gen.Choose(1, 2)
        from ci in Gen.Choose(1, 3)
        from co in Gen.Choose(1, 3)
        from kh in Gen.Choose(1, 3)
        from kw in Gen.Choose(1, 3)
        from dil in Gen.Choose(1, 2)
        from pad in Gen.Choose(0, 2)
        from stride in Gen.Choose(1, 2)
        from extraH in Gen.Choose(0, 4)
        from extraW in Gen.Choose(0, 4)
        from bias in Gen.Elements(true, false)
        from seed in Gen.Choose(0, 10000)
        let h = Math.Max(1, dil * (kh - 1) + 1 - 2 * pad) + extraH
        let w = Math.Max(1, dil * (kw - 1) + 1 - 2 * pad) + extraW
        select new Case(n, g, ci, co, h, w, kh, kw, stride, pad, dil, bias, seed);

    private static double[] Naive(Case c, double[] x, double[] wt, double[]? b, out int ho, out int wo)
    {
        int cin = c.Groups * c.CinPerGroup, cout = c.Groups * c.CoutPerGroup;
        ho = (c.H + 2 * c.Pad - c.Dilation * (c.Kh - 1) - 1) / c.Stride + 1;
        wo = (c.W + 2 * c.Pad - c.Dilation * (c.Kw - 1) - 1) / c.Stride + 1;
        var y = new double[c.N * cout * ho * wo];
        for (var n = 0; n < c.N; n++)
        for (var o = 0; o < cout; o++)
        {
            var g = o / c.CoutPerGroup;
            for (var i = 0; i < ho; i++)
            for (var j = 0; j < wo; j++)
            {
                var s = b?[o] ?? 0;
                for (var ci = 0; ci < c.CinPerGroup; ci++)
                for (var ki = 0; ki < c.Kh; ki++)
                for (var kj = 0; kj < c.Kw; kj++)
                {
                    var r = i * c.Stride - c.Pad + ki * c.Dilation;
                    var q = j * c.Stride - c.Pad + kj * c.Dilation;
                    if (r < 0 || r >= c.H || q < 0 || q >= c.W) continue;
                    var channel = g * c.CinPerGroup + ci;
                    s += x[((n * cin + channel) * c.H + r) * c.W + q] * wt[((o * c.CinPerGroup + ci) * c.Kh + ki) * c.Kw + kj];
                }
                y[((n * cout + o) * ho + i) * wo + j] = s;
            }
        }
        return y;
    }

    [Fact]
    public void MatchesTheDefinitionInFloat64AndFloat32() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            int cin = c.Groups * c.CinPerGroup, cout = c.Groups * c.CoutPerGroup;
            var x = Arrays.Random(c.N * cin * c.H * c.W, c.Seed);
            var w = Arrays.Random(cout * c.CinPerGroup * c.Kh * c.Kw, c.Seed + 1);
            var b = c.Bias ? Arrays.Random(cout, c.Seed + 2) : null;
            var expected = Naive(c, x, w, b, out var ho, out var wo);
            using var scope = LibTorch.NewDisposeScope();
            foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
            {
                var y = Functional.Conv2d(
                    Tensor.FromArray(x, c.N, cin, c.H, c.W).To(dtype),
                    Tensor.FromArray(w, cout, c.CinPerGroup, c.Kh, c.Kw).To(dtype),
                    b is null ? null : Tensor.FromArray(b, cout).To(dtype),
                    (c.Stride, c.Stride), (c.Pad, c.Pad), (c.Dilation, c.Dilation), c.Groups);
                Assert.Equal(new long[] { c.N, cout, ho, wo }, y.Shape);
                // float64: sums of ≤ 27 products of O(1) terms, so 1e-12 absolute covers rounding.
                // float32: eps 1.2e-7 times ≤ 27 terms of size ≤ 1 gives ≈ 3e-6; 1e-5 leaves margin.
                var tol = dtype == ScalarType.Float64 ? 1e-12 : 1e-5;
                Arrays.Close(expected, y.AsDoubles(), tol, tol, $"conv2d {c} {dtype}");
            }
        }).QuickCheckThrowOnFailure();
}
