using Norms.Torch;
using Norms.Torch.Nn;

// Live-handle and RSS assertions need the process to themselves.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace Norms.Engine.Tests;

internal static class Arrays
{
    public static double[] Random(int n, int seed, double scale = 1, double offset = 0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => offset + scale * (2 * rng.NextDouble() - 1)).ToArray();
    }

    public static void Close(double[] expected, double[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tol = atol + rtol * Math.Abs(expected[i]);
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
                Assert.Fail($"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tol:G3})");
        }
    }

    public static double[] AsDoubles(this Tensor t) =>
        t.Dtype == ScalarType.Float64 ? t.ToArray<double>() : t.Dtype == ScalarType.Float32 ? t.ToArray<float>().Select(v => (double)v).ToArray()
        : throw new ArgumentException($"not a float tensor: {t.Dtype}");
}

/// <summary>conv(1→4, pad 1) → batch norm → ReLU → dropout → max-pool → conv(4→8) → GAP → linear(8→10) → log-softmax.</summary>
internal sealed class TinyCnn : Module
{
    private readonly Tensor _w1, _w2, _fc, _fcBias, _gamma, _beta, _runningMean, _runningVar;

    public TinyCnn(ScalarType dtype = ScalarType.Float32)
    {
        _w1 = RegisterParameter("w1", Tensor.Zeros([4, 1, 3, 3], dtype).UniformInPlace(-1 / 3.0, 1 / 3.0));
        _gamma = RegisterParameter("gamma", Tensor.Ones([4], dtype));
        _beta = RegisterParameter("beta", Tensor.Zeros([4], dtype));
        _w2 = RegisterParameter("w2", Tensor.Zeros([8, 4, 3, 3], dtype).UniformInPlace(-1 / 6.0, 1 / 6.0));
        _fc = RegisterParameter("fc", Tensor.Zeros([8, 10], dtype).UniformInPlace(-0.35, 0.35));
        _fcBias = RegisterParameter("fc_bias", Tensor.Zeros([10], dtype));
        _runningMean = RegisterBuffer("running_mean", Tensor.Zeros([4], dtype));
        _runningVar = RegisterBuffer("running_var", Tensor.Ones([4], dtype));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var h = Functional.Conv2d(x, _w1, padding: (1, 1));
        h = Functional.BatchNorm(h, _gamma, _beta, _runningMean, _runningVar, Training);
        h = Functional.Dropout(Functional.Relu(h), 0.05, Training);
        h = Functional.MaxPool2d(h, (2, 2));
        h = Functional.Relu(Functional.Conv2d(h, _w2));
        h = Functional.AdaptiveAvgPool2d(h, (1, 1)).Flatten(1);
        var logits = h.MatMul(_fc) + _fcBias;
        return Functional.LogSoftmax(logits, 1).MoveToOuterScope();
    }
}

/// <summary>Synthetic 10-class data with a learnable signal: class k lights up row band k of a 12×12 image.</summary>
internal static class Synthetic
{
    public static (Tensor X, Tensor Y) Batch(int n, int seed, ScalarType dtype = ScalarType.Float32)
    {
        var rng = new Random(seed);
        var x = new float[n * 144];
        var y = new long[n];
        for (var i = 0; i < n; i++)
        {
            var label = rng.Next(10);
            y[i] = label;
            for (var p = 0; p < 144; p++) x[i * 144 + p] = (float)(0.3 * rng.NextDouble());
            var row = label + 1;
            for (var c = 0; c < 12; c++) x[i * 144 + row * 12 + c] += 1f;
        }
        using var xf = Tensor.FromArray(x, n, 1, 12, 12);
        return (xf.To(dtype), Tensor.FromArray(y, n));
    }
}
