using Norms.Torch;
using F = Norms.Torch.Functional;
using TorchApi = Norms.Torch.Torch;

namespace Norms.Engine.Tests;

/// <summary>
/// The fused ReLU + dropout kernel (Functional.ReluDropout with FusedKernels on): its gradient against finite
/// differences, its mask statistics, its scale, its determinism, and that switching it off gives the stock path.
/// </summary>
public sealed class FusedKernelTests
{
    private static T WithFused<T>(bool enabled, Func<T> f)
    {
        var before = FusedKernels.Enabled;
        FusedKernels.Enabled = enabled;
        try { return f(); }
        finally { FusedKernels.Enabled = before; }
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesInFloat64()
    {
        // The same seed before every evaluation gives the same mask, so f is a fixed piecewise-linear map.
        // Inputs at least 0.05 away from ReLU's kink (|x| >= 0.05 >> h = 1e-6) keep the differences one-sided-free.
        WithFused(true, () =>
        {
            GradCheckTests.CheckGradient([3, 4, 5], x => F.ReluDropout(x, 0.3, training: true), offset: 0, reseed: () => TorchApi.ManualSeed(5), awayFromZero: 0.05);
            return 0;
        });
    }

    [Fact]
    public void KeepsOneMinusPAndScalesByItsInverse()
    {
        // n = 2^20 Bernoulli(1 - p) draws: the mean's standard deviation is sqrt(p(1-p)/n) <= 4.9e-4; 6 sigma bound.
        const long n = 1 << 20;
        foreach (var p in new[] { 0.03, 0.05, 0.5, 0.9 })
        {
            using var mask = F.FusedDropoutMask(n, p, seed: 12345);
            using var asFloat = mask.To(ScalarType.Float64);
            using var mean = asFloat.Mean();
            var sigma = Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(mean.ToDouble(), 1 - p - 6 * sigma, 1 - p + 6 * sigma);
        }

        WithFused(true, () =>
        {
            TorchApi.ManualSeed(3);
            using var ones = Tensor.Ones([1000, 100], ScalarType.Float64);
            using var y = F.ReluDropout(ones, 0.2, training: true);
            var values = y.ToArray<double>();
            Assert.All(values, v => Assert.True(v == 0 || v == 1 / (1 - 0.2), $"value {v} is neither 0 nor 1/(1-p)"));
            return 0;
        });
    }

    [Fact]
    public void DifferentSeedsGiveUnrelatedMasks()
    {
        // Agreement of two independent Bernoulli(1/2) masks is 1/2 ± 6·sqrt(1/4n).
        const long n = 1 << 18;
        using var scope = TorchApi.NewDisposeScope(); // the intermediates below
        using var a = F.FusedDropoutMask(n, 0.5, 1).To(ScalarType.Float64);
        using var b = F.FusedDropoutMask(n, 0.5, 2).To(ScalarType.Float64);
        using var same = (a * b + (1 - a) * (1 - b)).Mean();
        Assert.InRange(same.ToDouble(), 0.5 - 6 * Math.Sqrt(0.25 / n), 0.5 + 6 * Math.Sqrt(0.25 / n));
        // Neighbouring elements are not correlated either (a counter-based hash could fail here).
        using var shifted = a.Slice(0, 1, n, 1);
        using var head = a.Slice(0, 0, n - 1, 1);
        using var neighbours = (head * shifted + (1 - head) * (1 - shifted)).Mean();
        Assert.InRange(neighbours.ToDouble(), 0.5 - 6 * Math.Sqrt(0.25 / n), 0.5 + 6 * Math.Sqrt(0.25 / n));
    }

    [Fact]
    public void IsReluTimesMaskOverKeep()
    {
        WithFused(true, () =>
        {
            using var x = Tensor.Randn([8, 6, 10, 10]);
            using var y = F.ReluDropout(x, 0.25, training: true);
            var xs = x.ToArray<float>();
            var ys = y.ToArray<float>();
            for (var i = 0; i < xs.Length; i++)
            {
                var kept = Math.Max(xs[i], 0f) * (float)(1 / 0.75);
                Assert.True(ys[i] == 0 || ys[i] == kept, $"element {i}: {ys[i]} is neither 0 nor relu(x)/(1-p) = {kept}");
                if (xs[i] <= 0) Assert.Equal(0f, ys[i]);
            }
            return 0;
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(8 * 4096 + 13)]
    public void VectorPathEqualsScalarPath(int n)
    {
        // float32 runs the AVX2 loops (8 lanes, scalar tail); float64 runs the scalar body. Same seed and same values
        // (small integers and halves, exact in both types) must give the same mask and the same products, forward and
        // backward, for lengths around the vector width and past the parallel grain.
        WithFused(true, () =>
        {
            using var scope = TorchApi.NewDisposeScope();
            var values = Enumerable.Range(0, n).Select(i => (i % 9 - 4) * 0.5).ToArray();
            var x64 = Tensor.FromArray(values, [n]).WithRequiresGrad();
            var x32 = Tensor.FromArray(values.Select(v => (float)v).ToArray(), [n]).WithRequiresGrad();
            TorchApi.ManualSeed(21);
            var y64 = F.ReluDropout(x64, 0.5, training: true); // p = 0.5: the scale 2 is exact in both types
            TorchApi.ManualSeed(21);
            var y32 = F.ReluDropout(x32, 0.5, training: true);
            Assert.Equal(y64.ToArray<double>(), y32.ToArray<float>().Select(v => (double)v).ToArray());
            var upstream = Enumerable.Range(0, n).Select(i => (i % 5) - 2.0).ToArray();
            y64.Backward(Tensor.FromArray(upstream, [n]));
            y32.Backward(Tensor.FromArray(upstream.Select(v => (float)v).ToArray(), [n]));
            Assert.Equal(x64.Grad!.ToArray<double>(), x32.Grad!.ToArray<float>().Select(v => (double)v).ToArray());
            return 0;
        });
    }

    [Fact]
    public void DeterministicUnderTheSeedWhateverTheThreadCount()
    {
        var threads = TorchApi.Threads;
        try
        {
            float[] Run(int t)
            {
                TorchApi.Threads = t;
                TorchApi.ManualSeed(77);
                using var x = Tensor.Ones([300, 1000]);
                using var y = F.ReluDropout(x, 0.1, training: true);
                return y.ToArray<float>();
            }
            WithFused(true, () =>
            {
                var one = Run(1);
                Assert.Equal(one, Run(2));
                Assert.Equal(one, Run(1));
                return 0;
            });
        }
        finally { TorchApi.Threads = threads; }
    }

    [Fact]
    public void EvalModeAndZeroPAreRelu()
    {
        WithFused(true, () =>
        {
            using var x = Tensor.Randn([4, 3, 5, 5]);
            using var relu = F.Relu(x);
            using var eval = F.ReluDropout(x, 0.5, training: false);
            using var p0 = F.ReluDropout(x, 0, training: true);
            Assert.Equal(relu.ToArray<float>(), eval.ToArray<float>());
            Assert.Equal(relu.ToArray<float>(), p0.ToArray<float>());
            return 0;
        });
    }

    [Fact]
    public void SwitchedOffIsTheStockReluThenDropout()
    {
        using var x = Tensor.Randn([4, 3, 5, 5]);
        TorchApi.ManualSeed(9);
        using var relu = F.Relu(x);
        using var stock = F.Dropout(relu, 0.4, training: true);
        TorchApi.ManualSeed(9);
        using var off = WithFused(false, () => F.ReluDropout(x, 0.4, training: true));
        Assert.Equal(stock.ToArray<float>(), off.ToArray<float>());
    }

    [Fact]
    public void RejectsABadProbability()
    {
        using var x = Tensor.Ones([3]);
        WithFused(true, () =>
        {
            Assert.Throws<TorchArgumentException>(() => F.ReluDropout(x, 1.5, training: true));
            return 0;
        });
    }
}
