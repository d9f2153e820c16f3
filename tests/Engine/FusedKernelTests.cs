using Norms.Torch;
using F = Norms.Torch.Functional;

namespace Norms.Engine.Tests;

/// <summary>
/// The keyed ReLU + dropout (Functional.ReluDropout): its gradient against finite differences, its mask statistics,
/// its scale, that the mask depends only on (stream, sample position, logical element) and not on the layout, the
/// split or the thread count, that NaN propagates on both kernel branches, and that switching the fused kernel off
/// gives the stock relu times the same mask.
/// </summary>
public sealed class FusedKernelTests
{
    // The fused kernel is chosen per call (EngineOptions.FusedKernels reaches it through the compiled model).
    private static T WithFused<T>(bool enabled, Func<bool, T> f) => f(enabled);

    private static readonly DropoutKey Key = new(0x1234_5678_9abc_def0UL, 40);

    [Fact]
    public void GradientMatchesFiniteDifferencesInFloat64()
    {
        // The key fixes the mask, so f is a fixed piecewise-linear map. Inputs at least 0.05 away from ReLU's kink
        // (|x| >= 0.05 >> h = 1e-6) keep the differences one-sided-free.
        WithFused(true, useFused =>
        {
            GradCheckTests.CheckGradient([3, 4, 5], x => F.ReluDropout(x, 0.3, training: true, Key, useFused), offset: 0, awayFromZero: 0.05);
            return 0;
        });
    }

    [Fact]
    public void KeepsOneMinusPAndScalesByItsInverse()
    {
        // n = 2^20 Bernoulli(1 - p) draws (1024 samples of 1024): the mean's standard deviation is sqrt(p(1-p)/n) <= 4.9e-4; 6 sigma bound.
        const long n = 1 << 20;
        foreach (var p in new[] { 0.03, 0.05, 0.5, 0.9 })
        {
            using var scope = LibTorch.NewDisposeScope();
            var mask = F.DropoutMask([1024, 1024], p, Key, ScalarType.Float64);
            var kept = (mask * (1 - p)).Mean().ToDouble();
            var sigma = Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(kept, 1 - p - 6 * sigma, 1 - p + 6 * sigma);
            Assert.All(mask.ToArray<double>(), v => Assert.True(v == 0 || v == 1 / (1 - p), $"mask value {v} is neither 0 nor 1/(1-p)"));
        }
    }

    [Fact]
    public void DifferentStreamsAndDifferentSamplesGiveUnrelatedMasks()
    {
        // Agreement of two independent Bernoulli(1/2) masks is 1/2 ± 6·sqrt(1/4n).
        const long n = 1 << 18;
        using var scope = LibTorch.NewDisposeScope();
        var bound = 6 * Math.Sqrt(0.25 / n);
        double Agreement(Tensor a, Tensor b) => ((a * b + (2 - a) * (2 - b)) / 4).Mean().ToDouble();
        var a = F.DropoutMask([256, 1024], 0.5, new DropoutKey(1, 0), ScalarType.Float64);
        var b = F.DropoutMask([256, 1024], 0.5, new DropoutKey(2, 0), ScalarType.Float64);
        Assert.InRange(Agreement(a, b), 0.5 - bound, 0.5 + bound);
        // The next 256 samples of the same stream are not the same masks either.
        var next = F.DropoutMask([256, 1024], 0.5, new DropoutKey(1, 256), ScalarType.Float64);
        Assert.InRange(Agreement(a, next), 0.5 - bound, 0.5 + bound);
        // Neighbouring elements are not correlated (a counter-based hash could fail here).
        var flat = a.Flatten(0);
        var head = flat.Slice(0, 0, n - 1, 1);
        var shifted = flat.Slice(0, 1, n, 1);
        Assert.InRange(Agreement(head, shifted), 0.5 - bound, 0.5 + bound);
    }

    [Fact]
    public void IsReluTimesMaskOverKeep()
    {
        WithFused(true, useFused =>
        {
            using var scope = LibTorch.NewDisposeScope();
            var x = Tensor.Randn([8, 6, 10, 10]);
            var y = F.ReluDropout(x, 0.25, training: true, Key, useFused);
            var xs = x.ToArray<float>();
            var ys = y.ToArray<float>();
            var ms = F.DropoutMask([8, 6, 10, 10], 0.25, Key).ToArray<float>();
            for (var i = 0; i < xs.Length; i++)
                Assert.Equal(Math.Max(xs[i], 0f) * ms[i], ys[i]);
            return 0;
        });
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 7, 1, 1)]
    [InlineData(3, 8, 2, 3)]
    [InlineData(2, 9, 3, 3)]
    [InlineData(5, 16, 4, 5)]
    [InlineData(3, 20, 7, 7)]
    public void VectorPathEqualsScalarPathInBothLayouts(int n, int c, int h, int w)
    {
        // float32 runs the AVX2 loops (8 lanes, scalar tails; channels-last in groups of 8 channels), float64 the scalar
        // bodies. Same key and same values (small integers and halves, exact in both types) must give the same mask and
        // the same products, forward and backward, for shapes around the vector width.
        WithFused(true, useFused =>
        {
            foreach (var format in new[] { MemoryFormat.Contiguous, MemoryFormat.ChannelsLast })
            {
                using var scope = LibTorch.NewDisposeScope();
                long count = (long)n * c * h * w;
                var values = Enumerable.Range(0, (int)count).Select(i => (i % 9 - 4) * 0.5).ToArray();
                var x64 = Tensor.FromArray(values, [n, c, h, w]).Contiguous(format).WithRequiresGrad();
                var x32 = Tensor.FromArray(values.Select(v => (float)v).ToArray(), [n, c, h, w]).Contiguous(format).WithRequiresGrad();
                var y64 = F.ReluDropout(x64, 0.5, training: true, Key, useFused); // p = 0.5: the scale 2 is exact in both types
                var y32 = F.ReluDropout(x32, 0.5, training: true, Key, useFused);
                Assert.Equal(y64.Contiguous(MemoryFormat.Contiguous).ToArray<double>(),
                    y32.Contiguous(MemoryFormat.Contiguous).ToArray<float>().Select(v => (double)v).ToArray());
                var upstream = Enumerable.Range(0, (int)count).Select(i => (i % 5) - 2.0).ToArray();
                y64.Backward(Tensor.FromArray(upstream, [n, c, h, w]));
                y32.Backward(Tensor.FromArray(upstream.Select(v => (float)v).ToArray(), [n, c, h, w]));
                Assert.Equal(x64.Grad!.Contiguous(MemoryFormat.Contiguous).ToArray<double>(),
                    x32.Grad!.Contiguous(MemoryFormat.Contiguous).ToArray<float>().Select(v => (double)v).ToArray());
            }
            return 0;
        });
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void NanPropagatesAndADroppedInfinityBecomesNan(ScalarType dtype)
    {
        // relu(x) · mask as the stock ops compute it: NaN · anything is NaN, +∞ · 0 is NaN, -∞ → 0. Float32 runs the
        // AVX2 loops on the first 16 elements of each sample and the scalar tail on the rest; float64 the scalar body.
        foreach (var fused in new[] { true, false })
            WithFused(fused, useFused =>
            {
                using var scope = LibTorch.NewDisposeScope();
                const int perSample = 19;
                var values = new double[4 * perSample];
                for (var i = 0; i < values.Length; i++)
                    values[i] = (i % 4) switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => double.NegativeInfinity, _ => 1.5 };
                var x = Tensor.FromArray(values, [4, perSample]).To(dtype);
                var y = F.ReluDropout(x, 0.5, training: true, Key, useFused).To(ScalarType.Float64).ToArray<double>();
                var mask = F.DropoutMask([4, perSample], 0.5, Key, ScalarType.Float64).ToArray<double>();
                for (var i = 0; i < values.Length; i++)
                {
                    var expected = (i % 4) switch
                    {
                        0 => double.NaN,
                        1 => mask[i] == 0 ? double.NaN : double.PositiveInfinity,
                        2 => 0,
                        _ => 1.5 * mask[i],
                    };
                    Assert.True(expected.Equals(y[i]), $"fused {fused}, {dtype}, element {i} ({values[i]}): {y[i]}, expected {expected}");
                }
                return 0;
            });
    }

    [Fact]
    public void TheMaskDependsOnTheSamplesPositionNotOnTheSplitTheLayoutOrTheThreads()
    {
        var threads = LibTorch.Threads;
        try
        {
            WithFused(true, useFused =>
            {
                using var scope = LibTorch.NewDisposeScope();
                var x = Tensor.Ones([12, 16, 9, 9]);
                LibTorch.Threads = 1;
                var whole = F.ReluDropout(x, 0.2, training: true, Key, useFused).ToArray<float>();
                LibTorch.Threads = 2;
                Assert.Equal(whole, F.ReluDropout(x, 0.2, training: true, Key, useFused).ToArray<float>());
                var nhwc = F.ReluDropout(x.Contiguous(MemoryFormat.ChannelsLast), 0.2, training: true, Key, useFused);
                Assert.Equal(whole, nhwc.Contiguous(MemoryFormat.Contiguous).ToArray<float>());
                // Samples 5.. of the batch, keyed as starting 5 later: the second half of the whole batch's mask.
                var tail = F.ReluDropout(x.Slice(0, 5, 12), 0.2, training: true, Key.Skip(5), useFused).ToArray<float>();
                Assert.Equal(whole.Skip(5 * 16 * 81), tail);
                return 0;
            });
        }
        finally { LibTorch.Threads = threads; }
    }

    [Fact]
    public void EvalModeAndZeroPAreRelu()
    {
        foreach (var fused in new[] { true, false })
            WithFused(fused, useFused =>
            {
                using var scope = LibTorch.NewDisposeScope();
                var x = Tensor.Randn([4, 3, 5, 5]);
                var relu = F.Relu(x).ToArray<float>();
                Assert.Equal(relu, F.ReluDropout(x, 0.5, training: false, Key, useFused).ToArray<float>());
                Assert.Equal(relu, F.ReluDropout(x, 0, training: true, Key, useFused).ToArray<float>());
                return 0;
            });
    }

    [Fact]
    public void SwitchedOffIsTheStockReluTimesTheSameMask()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Randn([4, 3, 5, 5]);
        var stock = (F.Relu(x) * F.DropoutMask([4, 3, 5, 5], 0.4, Key)).ToArray<float>();
        var off = WithFused(false, useFused => F.ReluDropout(x, 0.4, training: true, Key, useFused)).ToArray<float>();
        var on = WithFused(true, useFused => F.ReluDropout(x, 0.4, training: true, Key, useFused)).ToArray<float>();
        Assert.Equal(stock, off);
        Assert.Equal(stock, on);
    }

    [Fact]
    public void RejectsABadProbability()
    {
        using var x = Tensor.Ones([3]);
        foreach (var fused in new[] { true, false })
            WithFused(fused, useFused =>
            {
                Assert.Throws<TorchArgumentException>(() => F.ReluDropout(x, 1.5, training: true, Key, useFused));
                return 0;
            });
    }
}
