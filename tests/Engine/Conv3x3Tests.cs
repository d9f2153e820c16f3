using System.Runtime.Intrinsics.X86;
using FsCheck;
using FsCheck.Fluent;
using Norms.Torch;

namespace Norms.Engine.Tests;

/// <summary>
/// The shim's direct 3x3 convolution (Functional.Conv3x3) against libtorch's conv2d in float64 on the same float32
/// values: forward, input gradient and weight gradient, over the channel counts and sizes it takes (1-32 channels each
/// side, padding 0 and 1, rows shorter and longer than its register tiles, output channels that leave a partial vector).
/// </summary>
public sealed class Conv3x3Tests
{
    public sealed record Case(int N, int Cin, int Cout, int H, int W, int Pad, int Seed);

    private static readonly int[] Widths = [1, 2, 3, 5, 8, 9, 12, 16, 17, 24, 31, 32];

    private static Gen<Case> Cases =>
        from n in Gen.Choose(1, 3)
        from cin in Gen.Elements(Widths)
        from cout in Gen.Elements(Widths)
        from pad in Gen.Choose(0, 1)
        from extraH in Gen.Choose(0, 14)
        from extraW in Gen.Choose(0, 30)
        from seed in Gen.Choose(0, 100000)
        select new Case(n, cin, cout, 3 - 2 * pad + extraH, 3 - 2 * pad + extraW, pad, seed);

    // The kernels need AVX2 and FMA; elsewhere Conv3x3 is conv2d and says so.
    private static bool KernelsApply => Avx2.IsSupported && Fma.IsSupported;

    private sealed record Outputs(double[] Y, double[] Dx, double[] Dw);

    private static Outputs Run(Tensor x, Tensor w, Tensor dy, Func<Tensor, Tensor, Tensor> conv)
    {
        using var scope = LibTorch.NewDisposeScope();
        var xs = x.Detach().WithRequiresGrad();
        var ws = w.Detach().WithRequiresGrad();
        var y = conv(xs, ws);
        (y * dy.To(y.Dtype)).Sum().Backward();
        return new Outputs(y.AsDoubles(), xs.Grad!.AsDoubles(), ws.Grad!.AsDoubles());
    }

    // Each output of a float32 sum of n products differs from the exact sum by at most γ(n)·Σ|terms| with
    // γ(n) = n·u/(1 - n·u), u = 2^-24 (recursive summation, FMA or not): the bound is computed per element from the
    // float64 sums of absolute terms, so it is tight where values are small and never a guess.
    private static void WithinRounding(double[] exact, double[] absSums, double[] actual, int terms, string what)
    {
        var u = Math.Pow(2, -24);
        var gamma = terms * u / (1 - terms * u);
        for (var i = 0; i < exact.Length; i++)
        {
            var tol = gamma * absSums[i] + 1e-30;
            if (!(Math.Abs(exact[i] - actual[i]) <= tol))
                Assert.Fail($"{what}: element {i}: exact {exact[i]:R}, got {actual[i]:R}, bound {tol:G3}");
        }
    }

    [Fact]
    public void MatchesConv2dInFloat64WithinFloat32Rounding() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            using var scope = LibTorch.NewDisposeScope();
            var x = Tensor.FromArray(Arrays.Random(c.N * c.Cin * c.H * c.W, c.Seed), c.N, c.Cin, c.H, c.W).To(ScalarType.Float32)
                .Contiguous(MemoryFormat.ChannelsLast);
            var w = Tensor.FromArray(Arrays.Random(c.Cout * c.Cin * 9, c.Seed + 1), c.Cout, c.Cin, 3, 3).To(ScalarType.Float32)
                .Contiguous(MemoryFormat.ChannelsLast);
            int ho = c.H + 2 * c.Pad - 2, wo = c.W + 2 * c.Pad - 2;
            var dy = Tensor.FromArray(Arrays.Random(c.N * c.Cout * ho * wo, c.Seed + 2), c.N, c.Cout, ho, wo).To(ScalarType.Float32);

            var ran = false;
            var direct = Run(x, w, dy, (a, b) => Functional.Conv3x3(a, b, c.Pad, out ran, long.MaxValue));
            Assert.Equal(KernelsApply, ran);
            Func<Tensor, Tensor, Tensor> reference = (a, b) => Functional.Conv2d(a, b, padding: (c.Pad, c.Pad));
            var exact = Run(x.To(ScalarType.Float64), w.To(ScalarType.Float64), dy.To(ScalarType.Float64), reference);
            var abs = Run(x.To(ScalarType.Float64).Abs(), w.To(ScalarType.Float64).Abs(), dy.To(ScalarType.Float64).Abs(), reference);

            WithinRounding(exact.Y, abs.Y, direct.Y, 9 * c.Cin, $"forward {c}");
            WithinRounding(exact.Dx, abs.Dx, direct.Dx, 9 * c.Cout, $"input gradient {c}");
            // Per sample along rows, then the samples' partial sums: at most N·(Ho·Wo + 1) additions in a chain.
            WithinRounding(exact.Dw, abs.Dw, direct.Dw, c.N * (ho * wo + 1), $"weight gradient {c}");
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void GivesTheSameBitsAtOneAndAtTwoThreads()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.FromArray(Arrays.Random(6 * 12 * 14 * 14, 7), 6, 12, 14, 14).To(ScalarType.Float32).Contiguous(MemoryFormat.ChannelsLast);
        var w = Tensor.FromArray(Arrays.Random(12 * 12 * 9, 8), 12, 12, 3, 3).To(ScalarType.Float32).Contiguous(MemoryFormat.ChannelsLast);
        var dy = Tensor.FromArray(Arrays.Random(6 * 12 * 14 * 14, 9), 6, 12, 14, 14).To(ScalarType.Float32);
        Outputs At(int threads)
        {
            using var threadScope = IntraOpThreads.OnThisThread(threads);
            return Run(x, w, dy, (a, b) => Functional.Conv3x3(a, b, 1, out _, long.MaxValue));
        }
        var one = At(1);
        var two = At(2);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dw, two.Dw);
    }

    [Fact]
    public void TakesTheSmallConvolutionsOfAStepAndLeavesTheLargeOnes()
    {
        using var scope = LibTorch.NewDisposeScope();
        bool Direct(int n, int c, int hw)
        {
            using var inner = LibTorch.NewDisposeScope();
            var x = Tensor.Zeros([n, c, hw, hw]).Contiguous(MemoryFormat.ChannelsLast);
            Functional.Conv3x3(x, Tensor.Zeros([c, c, 3, 3]), 1, out var direct);
            return direct;
        }
        Assert.Equal(KernelsApply, Direct(4, 8, 28));  // Mnist8k's 8->8 on a replica's half of a batch of 8: 1.8 M
        Assert.False(Direct(32, 8, 28));               // the same on half a batch of 64: 14.5 M
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("channels-first")]
    [InlineData("too many channels")]
    [InlineData("padding 2")]
    [InlineData("over the limit")]
    public void PassesWhatItDoesNotTakeToConv2d(string what)
    {
        using var scope = LibTorch.NewDisposeScope();
        var (cin, pad, dtype, channelsLast) = what switch
        {
            "float64" => (4, 1, ScalarType.Float64, true),
            "channels-first" => (4, 1, ScalarType.Float32, false),
            "too many channels" => (33, 1, ScalarType.Float32, true),
            "padding 2" => (4, 2, ScalarType.Float32, true),
            _ => (4, 1, ScalarType.Float32, true),
        };
        var x = Tensor.FromArray(Arrays.Random(2 * cin * 6 * 6, 1), 2, cin, 6, 6).To(dtype);
        var w = Tensor.FromArray(Arrays.Random(8 * cin * 9, 2), 8, cin, 3, 3).To(dtype);
        if (channelsLast) x = x.Contiguous(MemoryFormat.ChannelsLast);
        // 2·36·4·8·9 = 20,736 multiply-adds: the measured limit takes it, a limit one below does not.
        var limit = what == "over the limit" ? 2 * 36 * 4 * 8 * 9 - 1 : (long?)null;
        var y = Functional.Conv3x3(x, w, pad, out var direct, limit);
        Assert.False(direct);
        Assert.Equal(Functional.Conv2d(x, w, padding: (pad, pad)).AsDoubles(), y.AsDoubles());
    }
}
