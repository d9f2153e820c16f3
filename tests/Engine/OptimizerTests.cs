using Norms.Torch;
using Norms.Torch.Optim;

namespace Norms.Engine.Tests;

/// <summary>SGD and Adam steps against updates computed by hand in double precision from PyTorch's documented algorithms.</summary>
public sealed class OptimizerTests
{
    private static readonly double[] P0 = [0.5, -1.25, 2.0, 0.1];
    private static readonly double[][] Grads = [[0.1, -0.2, 0.3, 0.0], [-0.4, 0.5, 0.25, 1.0], [0.05, 0.05, -0.6, -0.3]];

    private static double[] Run(Func<Tensor, Optimizer> make)
    {
        using var p = Tensor.FromArray(P0, 4).WithRequiresGrad();
        using var opt = make(p);
        foreach (var g in Grads)
        {
            using var scope = LibTorch.NewDisposeScope();
            var w = Tensor.FromArray(g, 4);
            (p * w).Sum().Backward(); // d/dp = g exactly
            opt.Step();
            opt.ZeroGrad();
        }
        return p.ToArray<double>();
    }

    private static double[] SgdByHand(double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        var p = (double[])P0.Clone();
        double[]? buf = null;
        foreach (var g in Grads)
        {
            var d = g.Select((gi, i) => gi + wd * p[i]).ToArray();
            if (momentum != 0)
            {
                buf = buf is null ? (double[])d.Clone() : buf.Select((b, i) => momentum * b + (1 - dampening) * d[i]).ToArray();
                d = nesterov ? d.Select((di, i) => di + momentum * buf[i]).ToArray() : (double[])buf.Clone();
            }
            p = p.Select((pi, i) => pi - lr * d[i]).ToArray();
        }
        return p;
    }

    private static double[] AdamByHand(double lr, double b1, double b2, double eps, double wd, bool decoupled)
    {
        var p = (double[])P0.Clone();
        var m = new double[4];
        var v = new double[4];
        var t = 0;
        foreach (var g0 in Grads)
        {
            t++;
            var g = decoupled ? g0 : g0.Select((gi, i) => gi + wd * p[i]).ToArray();
            if (decoupled) p = p.Select(pi => pi * (1 - lr * wd)).ToArray();
            for (var i = 0; i < 4; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = v[i] / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
        return p;
    }

    // Float64 throughout; the engine reorders a few operations (e.g. lr/bias-correction folded), so allow 1e-12.
    private const double Tol = 1e-12;

    [Theory]
    [InlineData(0.1, 0.0, 0.0, 0.0, false)]
    [InlineData(0.1, 0.9, 0.0, 0.0, false)]
    [InlineData(0.05, 0.9, 0.0, 0.01, true)]
    [InlineData(0.2, 0.5, 0.3, 0.001, false)]
    public void SgdMatchesHandComputedUpdates(double lr, double momentum, double dampening, double wd, bool nesterov) =>
        Arrays.Close(SgdByHand(lr, momentum, dampening, wd, nesterov),
            Run(p => new Sgd([p], lr, momentum, dampening, wd, nesterov)), Tol, Tol, "sgd");

    [Theory]
    [InlineData(0.01, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(0.1, 0.8, 0.99, 1e-3, 0.05)]
    public void AdamMatchesHandComputedUpdates(double lr, double b1, double b2, double eps, double wd) =>
        Arrays.Close(AdamByHand(lr, b1, b2, eps, wd, decoupled: false), Run(p => new Adam([p], lr, b1, b2, eps, wd)), Tol, Tol, "adam");

    [Theory]
    [InlineData(0.01, 0.9, 0.999, 1e-8, 0.01)]
    [InlineData(0.1, 0.8, 0.99, 1e-3, 0.2)]
    public void AdamWMatchesHandComputedUpdates(double lr, double b1, double b2, double eps, double wd) =>
        Arrays.Close(AdamByHand(lr, b1, b2, eps, wd, decoupled: true), Run(p => new AdamW([p], lr, b1, b2, eps, wd)), Tol, Tol, "adamw");

    [Fact]
    public void ParametersWithoutGradientAreLeftAlone()
    {
        using var a = Tensor.FromArray(new double[] { 1, 2 }, 2).WithRequiresGrad();
        using var b = Tensor.FromArray(new double[] { 3, 4 }, 2).WithRequiresGrad();
        using var opt = new Sgd([a, b], 0.1, momentum: 0.9, weightDecay: 0.1);
        using (var loss = a.Sum()) loss.Backward();
        opt.Step();
        Assert.Equal(new double[] { 3, 4 }, b.ToArray<double>());
        Assert.NotEqual(new double[] { 1, 2 }, a.ToArray<double>());
    }

    [Fact]
    public void NesterovWithoutMomentumIsRejected()
    {
        using var a = Tensor.FromArray(new double[] { 1 }, 1).WithRequiresGrad();
        Assert.Throws<ArgumentException>(() => new Sgd([a], 0.1, momentum: 0, nesterov: true));
    }

    [Fact]
    public void OptimizerStateRoundTripsSoAResumedRunMatches()
    {
        double[] Continue(bool saveAndRestore)
        {
            using var p = Tensor.FromArray(P0, 4).WithRequiresGrad();
            var opt = new Adam([p], 0.05, weightDecay: 0.01);
            for (var k = 0; k < Grads.Length; k++)
            {
                if (k == 2 && saveAndRestore)
                {
                    var state = opt.StateTensors().Select(e => (e.Name, Tensor: e.Tensor.Clone().DetachFromScope())).ToList();
                    opt.Dispose();
                    opt = new Adam([p], 0.05, weightDecay: 0.01);
                    opt.LoadState(state.ToDictionary(e => e.Name, e => e.Tensor));
                    foreach (var e in state) e.Tensor.Dispose();
                }
                using var scope = LibTorch.NewDisposeScope();
                (p * Tensor.FromArray(Grads[k], 4)).Sum().Backward();
                opt.Step();
                opt.ZeroGrad();
            }
            opt.Dispose();
            return p.ToArray<double>();
        }
        Assert.Equal(Continue(false), Continue(true));
    }

    [Theory]
    [InlineData("sgd", double.NaN, ScalarType.Float32)]
    [InlineData("sgd", double.PositiveInfinity, ScalarType.Float64)]
    [InlineData("adam", double.NegativeInfinity, ScalarType.Float32)]
    [InlineData("adamw", double.NaN, ScalarType.Float64)]
    public void A_non_finite_gradient_is_refused_and_changes_nothing(string kind, double bad, ScalarType dtype)
    {
        // Two parameters: the first's gradient is fine, the second's holds one bad value (in the middle, so a check that
        // only looked at the ends or the first tensor would miss it). Nothing may move: not the parameters, not the state.
        using var scope = LibTorch.NewDisposeScope();
        var a = Tensor.FromArray(P0, 4).To(dtype).WithRequiresGrad();
        var b = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5 }, 5).To(dtype).WithRequiresGrad();
        using Optimizer opt = kind switch
        {
            "sgd" => new Sgd([a, b], 0.1, momentum: 0.9),
            "adam" => new Adam([a, b], 0.1),
            _ => new AdamW([a, b], 0.1),
        };
        var a0 = a.To(ScalarType.Float64).ToArray<double>();
        (a.Sum() + (b * Tensor.FromArray(new[] { 1.0, 1, bad, 1, 1 }, 5).To(dtype)).Sum()).Backward();
        Assert.False(opt.Step());
        Assert.Equal(a0, a.To(ScalarType.Float64).ToArray<double>());
        Assert.Equal([1.0, 2, 3, 4, 5], b.To(ScalarType.Float64).ToArray<double>());
        Assert.All(opt.StateTensors(), s => Assert.All(s.Tensor.To(ScalarType.Float64).ToArray<double>(), v => Assert.Equal(0, v)));
        // A finite gradient afterwards is applied as usual.
        opt.ZeroGrad();
        (a.Sum() + b.Sum()).Backward();
        Assert.True(opt.Step());
        Assert.NotEqual(a0, a.To(ScalarType.Float64).ToArray<double>());
    }
}
