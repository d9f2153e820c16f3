using Norms.Torch;
using F = Norms.Torch.Functional;

namespace Norms.Engine.Tests;

/// <summary>
/// Autograd of every differentiable op against central finite differences, in float64.
/// The scalar checked is sum(f(x)·w) with fixed random weights w, so every output element counts.
/// Step h = 1e-6 gives a truncation error O(h²) ≈ 1e-12 and a rounding error ≈ 1e-16/h = 1e-10;
/// tolerance 1e-6 absolute + 1e-5 relative leaves room for both with margin.
/// </summary>
public sealed class GradCheckTests
{
    private const double H = 1e-6;

    private static void Check(long[] shape, Func<Tensor, Tensor> f, int seed = 1, double offset = 0, double scale = 1, Action? reseed = null) =>
        CheckGradient(shape, f, seed, offset, scale, reseed);

    /// <summary>The check above; <paramref name="awayFromZero"/> moves inputs at least that far from 0 (for kinks at 0).</summary>
    internal static void CheckGradient(long[] shape, Func<Tensor, Tensor> f, int seed = 1, double offset = 0, double scale = 1, Action? reseed = null, double awayFromZero = 0)
    {
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        var x0 = Arrays.Random(n, seed, scale, offset).Select(v => Math.Abs(v) < awayFromZero ? Math.CopySign(awayFromZero, v == 0 ? 1 : v) : v).ToArray();
        double[] analytic;
        double[] weights;
        using (var scope = LibTorch.NewDisposeScope())
        {
            var x = Tensor.FromArray(x0, shape).WithRequiresGrad();
            reseed?.Invoke();
            var y = f(x);
            weights = Arrays.Random((int)y.Numel, seed + 100);
            var w = Tensor.FromArray(weights, y.Shape);
            (y * w).Sum().Backward();
            analytic = x.Grad!.AsDoubles();
        }

        double Objective(double[] xs)
        {
            using var scope = LibTorch.NewDisposeScope();
            using var noGrad = LibTorch.NoGrad();
            reseed?.Invoke();
            var y = f(Tensor.FromArray(xs, shape));
            var yv = y.AsDoubles();
            return yv.Select((v, i) => v * weights[i]).Sum();
        }

        var numeric = new double[n];
        for (var i = 0; i < n; i++)
        {
            var plus = (double[])x0.Clone();
            var minus = (double[])x0.Clone();
            plus[i] += H;
            minus[i] -= H;
            numeric[i] = (Objective(plus) - Objective(minus)) / (2 * H);
        }
        Arrays.Close(numeric, analytic, 1e-6, 1e-5, "d/dx");
    }

    private static Tensor Const(long[] shape, int seed, double offset = 0) => Tensor.FromArray(Arrays.Random((int)shape.Aggregate(1L, (a, b) => a * b), seed, 1, offset), shape);

    [Fact] public void Exp() => Check([3, 4], x => x.Exp());
    [Fact] public void Log() => Check([3, 4], x => x.Log(), offset: 2);
    [Fact] public void Sqrt() => Check([3, 4], x => x.Sqrt(), offset: 2);
    [Fact] public void Abs() => Check([3, 4], x => x.Abs(), offset: 3);
    [Fact] public void Tanh() => Check([3, 4], x => x.Tanh());
    [Fact] public void Sigmoid() => Check([3, 4], x => x.Sigmoid());
    [Fact] public void Square() => Check([3, 4], x => x.Square());
    [Fact] public void Pow() => Check([3, 4], x => x.Pow(2.5), offset: 2);
    [Fact] public void Reciprocal() => Check([3, 4], x => x.Reciprocal(), offset: 3);
    [Fact] public void AddSubMulDiv() => Check([2, 3], x => ((x * Const([2, 3], 7)) + x / (Const([3], 8, 3)) - x.Square() * 0.5) + 1.5);
    [Fact] public void SumAndMeanOverDims() => Check([2, 3, 4], x => x.Sum([1]) + x.Mean([1]) * 2);
    [Fact] public void VarianceUnbiasedAndBiased() => Check([3, 5], x => x.Var([1], correction: 1) + x.Var([1], correction: 0) * 3);
    [Fact] public void MatMul() => Check([3, 4], x => x.MatMul(Const([4, 2], 9)));
    [Fact] public void ViewsAndJoins() => Check([2, 3, 4], x =>
        Tensor.Cat([x.Permute(2, 0, 1).Reshape(4, 6), x.Slice(2, 1, 4, 2).Reshape(2, 6)], 0)
        + Tensor.Stack([x.Select(0, 1).Flatten(), x.Select(0, 0).Flatten()], 0).Sum([0]).Reshape(2, 6).Sum([0]));
    [Fact] public void IndexSelect() => Check([5, 3], x => x.IndexSelect(0, Tensor.FromArray(new long[] { 4, 0, 4, 2 }, 4)));
    [Fact] public void Relu() => Check([4, 5], x => F.Relu(x), offset: 0.05);
    [Fact] public void LogSoftmax() => Check([3, 5], x => F.LogSoftmax(x, 1));
    [Fact] public void Softmax() => Check([3, 5], x => F.Softmax(x, 1));
    [Fact] public void NllLoss() => Check([4, 3], x => F.NllLoss(F.LogSoftmax(x, 1), Tensor.FromArray(new long[] { 0, 2, 1, 2 }, 4)).Reshape(1));
    [Fact] public void CrossEntropy() => Check([4, 3], x => F.CrossEntropy(x, Tensor.FromArray(new long[] { 1, 2, 0, 0 }, 4), labelSmoothing: 0.1).Reshape(1));

    [Fact] public void Conv2dInput() => Check([2, 2, 5, 5], x => F.Conv2d(x, Const([4, 1, 3, 3], 3), Const([4], 4), stride: (2, 1), padding: (1, 1), groups: 2));
    [Fact] public void Conv2dWeight() => Check([3, 2, 3, 3], w => F.Conv2d(Const([2, 2, 5, 5], 5), w, dilation: (1, 2), padding: (1, 2)));
    [Fact] public void Conv2dBias() => Check([3], b => F.Conv2d(Const([1, 2, 4, 4], 6), Const([3, 2, 3, 3], 7), b));
    // Distinct values (a permutation scaled) keep max-pooling's argmax away from ties.
    [Fact] public void MaxPool2d() => Check([1, 2, 4, 4], x => F.MaxPool2d(x, (2, 2)), seed: 11);
    [Fact] public void AvgPool2d() => Check([1, 2, 5, 5], x => F.AvgPool2d(x, (3, 3), stride: (2, 2), padding: (1, 1)));
    [Fact] public void AdaptiveAvgPool2d() => Check([2, 3, 4, 4], x => F.AdaptiveAvgPool2d(x, (1, 1)));

    [Fact] public void BatchNormTraining() => Check([4, 3, 2, 2], x => F.BatchNorm(x, Const([3], 1, 1), Const([3], 2), null, null, training: true));
    [Fact] public void GroupNorm() => Check([2, 4, 2, 3], x => F.GroupNorm(x, 2, Const([4], 1, 1), Const([4], 2)));
    [Fact] public void LayerNorm() => Check([2, 3, 2, 2], x => F.LayerNorm(x, [3, 2, 2], Const([3, 2, 2], 1, 1), Const([3, 2, 2], 2)));
    [Fact] public void InstanceNorm() => Check([2, 3, 3, 2], x => F.InstanceNorm(x, Const([3], 1, 1), Const([3], 2)));

    [Fact]
    public void DropoutWithFixedMask() =>
        Check([4, 6], x => F.Dropout(x, 0.3, training: true), reseed: () => LibTorch.ManualSeed(42));
}
