using FsCheck;
using FsCheck.Fluent;
using Norms.Layers;
using Norms.Models;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>
/// The replicated batch norm (the shim's own kernel for data-parallel steps: each replica normalizes its share of
/// the batch with the whole batch's statistics) against the same oracle and with the same tolerances as libtorch's
/// batch norm: train outputs, running statistics and gradients, the batch split at a random point between two
/// replica threads, channels-first and channels-last.
/// </summary>
public sealed class ReplicatedBatchNormProperties
{
    private static readonly ScalarType[] Dtypes = [ScalarType.Float32, ScalarType.Float64];

    private static Gen<(NormCase Case, int Split, bool ChannelsLast)> Splits(Gen<Shape> shapes) =>
        from c in NormGenerators.Cases(shapes.Where(s => s.N >= 2))
        from split in Gen.Choose(1, c.Shape.N - 1)
        from channelsLast in Gen.Elements(false, true)
        select (c, split, channelsLast);

    /// <summary>One training forward (and, with <paramref name="upstream"/>, backward) of a fresh layer, the batch
    /// split after <paramref name="split"/> samples between two replicas.</summary>
    private static (Nchw Output, NormGradients? Gradients) Run(EngineTarget target, BatchNormLayer layer, Nchw x, int split,
        bool channelsLast, Nchw? upstream)
    {
        using var scope = LibTorch.NewDisposeScope();
        var input = target.Tensor(x.Data, x.Shape);
        input.RequiresGrad = upstream is not null;
        var laidOut = channelsLast ? input.Contiguous(MemoryFormat.ChannelsLast) : input;
        var dy = upstream is null ? null : target.Tensor(upstream.Data, x.Shape);
        var per = x.C * x.H * x.W;
        var output = new double[x.Data.Length];
        using (var replicas = new DataParallel())
            replicas.Run([(0, split), (split, x.N - split)], (rank, offset, count) =>
            {
                using var share = laidOut.Slice(0, offset, offset + count);
                using var y = layer.Forward(share, training: true);
                EngineTarget.Doubles(y).CopyTo(output, offset * per);
                if (dy is null) return;
                using var dyShare = dy.Slice(0, offset, offset + count);
                y.Backward(dyShare);
            });
        var result = x.With(output);
        if (upstream is null)
            return (result, null);
        return (result, new NormGradients(x.With(EngineTarget.Doubles(input.Grad!)),
            EngineTarget.Doubles(layer.Weight!.Grad!), EngineTarget.Doubles(layer.Bias!.Grad!)));
    }

    private static OracleForm BatchTrain(NormCase c) => OracleForm.For(c, includeBatch: true).First(f => f.Name == "batch-train");

    private static BatchNormLayer Layer(EngineTarget target, NormCase c, double? momentum = 0.1)
    {
        var layer = (BatchNormLayer)target.Layer(new BatchNorm(momentum, c.Eps), c.X);
        target.Set(layer.Weight, c.Gamma);
        target.Set(layer.Bias, c.Beta);
        return layer;
    }

    [Fact]
    public void Outputs_and_running_statistics_match_oracle() =>
        Props.ForAll(
            from s in Splits(NormGenerators.BatchTrainableShapes)
            from dtype in Gen.Elements(Dtypes)
            from momentum in NormGenerators.Momenta
            select (s, dtype, momentum),
            t =>
            {
                var ((c0, split, channelsLast), dtype, momentum) = t;
                TrainMatchesOracle(c0, split, channelsLast, dtype, momentum);
            }, maxTest: 40);

    /// <summary>The kernel's channels-last sums walk the data in runs of W = k·C ≥ 32 values (lane j holds channel
    /// j mod C): 32-62 values for 1-32 channels, of which the default shapes' 1-6 channels reach only 32-36. These take
    /// 7, 12, 23, 24, 27, 31 and 32 channels (Mnist8k's 12 and Cifar50k's 24 among them): runs of 32 to 62.</summary>
    [Fact]
    public void Channels_last_float32_outputs_match_oracle_up_to_32_channels() =>
        Props.ForAll(
            from channels in Gen.Elements(7, 12, 23, 24, 27, 31, 32)
            from n in Gen.Choose(2, 4)
            from c in NormGenerators.Cases(Gen.Constant(new Shape(n, channels, 3, 3)))
            from split in Gen.Choose(1, n - 1)
            select (c, split),
            t => TrainMatchesOracle(t.c, t.split, channelsLast: true, ScalarType.Float32, 0.1), maxTest: 28);

    private static void TrainMatchesOracle(NormCase c0, int split, bool channelsLast, ScalarType dtype, double? momentum)
    {
        var target = new EngineTarget(Device.Cpu, dtype);
        var c = c0.WithData(target.Rounded(c0.Data));
        using var layer = Layer(target, c, momentum);
        var oracle = ReferenceNorms.BatchNormTrain(c.X, c.Gamma, c.Beta, c.Eps);
        var actual = Run(target, layer, c.X, split, channelsLast, null).Output.Data;
        var std = EngineProperties.PerElementStd(BatchTrain(c), c, c.Data);
        for (var i = 0; i < actual.Length; i++)
            Approx.AllClose([oracle.Output.Data[i]], [actual[i]], EngineTolerance.Output(c, dtype, std[i]), 0,
                $"train output at {i}, split {split}, channels-last {channelsLast} on {target} ({c})");
        // As the stock path's property: running_mean δ, running_var 4·std·δ + δ², plus rounding of ~1.
        var state = ReferenceNorms.UpdateRunningStats(RunningStats.Initial(c.Shape.C), oracle, momentum);
        var (u, delta) = (EngineTolerance.UnitRoundoff(dtype), EngineTolerance.Centred(c, dtype));
        Approx.AllClose(state.Mean, EngineTarget.Doubles(layer.RunningMean!), 2 * delta, 8 * u, $"running_mean on {target} ({c})");
        var varTolerance = state.Var.Select(v => 4 * Math.Sqrt(v) * delta + delta * delta).Max() + 8 * u;
        Approx.AllClose(state.Var, EngineTarget.Doubles(layer.RunningVar!), varTolerance, 8 * u, $"running_var on {target} ({c})");
        Assert.Equal(1, layer.NumBatchesTracked!.ToInt64());
    }

    [Fact]
    public void Gradients_match_oracle_and_finite_differences()
    {
        var target = new EngineTarget(Device.Cpu, ScalarType.Float64);
        var small = Splits(NormGenerators.BatchTrainableShapes.Where(s => s.Count <= 32));
        OracleForm Replicated(NormCase c, int split, bool channelsLast)
        {
            return BatchTrain(c) with
            {
                Forward = (x, g, b) =>
                {
                    using var layer = Layer(target, c with { Gamma = g!, Beta = b! });
                    return Run(target, layer, x, split, channelsLast, null).Output;
                },
                Backward = (x, g, dy) =>
                {
                    using var layer = Layer(target, c with { Gamma = g! });
                    return Run(target, layer, x, split, channelsLast, dy).Gradients!;
                },
            };
        }
        Props.ForAll(small, t =>
        {
            var (c, split, channelsLast) = t;
            var oracle = BatchTrain(c);
            var expected = oracle.Backward(c.X, oracle.Gamma(c), c.Dy);
            var actual = Replicated(c, split, channelsLast).Backward(c.X, oracle.Gamma(c), c.Dy);
            // The stock path's float64 tolerances (EngineProperties): relative 1e-9 of |dy|·|γ|/std.
            var std = EngineProperties.PerElementStd(oracle, c, c.Data);
            for (var i = 0; i < c.Data.Length; i++)
                Approx.AllClose([expected.Input.Data[i]], [actual.Input.Data[i]],
                    1e-9 * 4 * (1 + Math.Abs(c.Offset) / c.Scale) / std[i] * c.Scale, 1e-9,
                    $"dL/dx at {i}, split {split}, channels-last {channelsLast} ({c})");
            Approx.AllClose(expected.Gamma, actual.Gamma, 1e-9 * c.Data.Length, 1e-9, $"dL/dgamma ({c})");
            Approx.AllClose(expected.Beta, actual.Beta, 1e-9 * c.Data.Length, 1e-9, $"dL/dbeta ({c})");
        }, maxTest: 40);
        Props.ForAll(small.Where(t => Math.Abs(t.Case.Offset) <= 5), t =>
            FiniteDifferences.AssertMatches(Replicated(t.Case, t.Split, t.ChannelsLast), t.Case, 1e-5), maxTest: 6);
    }
}
