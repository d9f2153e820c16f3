using FsCheck;
using FsCheck.Fluent;
using Norms.Layers;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>
/// Ghost batch norm (<see cref="BatchNorm.GhostBatch"/>) in the engine against the oracle's own implementation
/// (<see cref="ReferenceNorms.GhostBatchNormTrain"/>), float32 and float64: train outputs, running statistics and
/// num_batches_tracked after one and two steps, the eval output without tracking, gradients; k ≥ n is plain batch norm;
/// k = n/2 is batch norm on each half (per-replica statistics); a training step leaves no handle alive.
/// </summary>
public sealed class GhostBatchNormProperties
{
    private static readonly ScalarType[] Dtypes = [ScalarType.Float32, ScalarType.Float64];

    /// <summary>Batches of 1 to 20 samples, small maps, trainable (N·H·W &gt; 1), with a ghost batch of 2 to 8.</summary>
    private static Gen<(NormCase Case, int K)> GhostCases() =>
        from c in NormGenerators.Cases(NormGenerators.Shapes(maxN: 20, maxC: 4, maxHW: 3).Where(s => s.N * s.SpatialSize > 1))
        from k in Gen.Choose(2, 8)
        select (c, k);

    private static BatchNormLayer Layer(EngineTarget target, NormCase c, int? k, double? momentum = 0.1, bool track = true)
    {
        var layer = (BatchNormLayer)target.Layer(new BatchNorm(momentum, c.Eps, TrackRunningStats: track, GhostBatch: k), c.X);
        target.Set(layer.Weight, c.Gamma);
        target.Set(layer.Bias, c.Beta);
        return layer;
    }

    /// <summary>For each element, the std (with eps) of its ghost group's channel: what its tolerance scales with.</summary>
    private static double[] PerElementStd(Nchw x, IReadOnlyList<NormForward> groups, double eps)
    {
        var std = new double[x.Count];
        var (perSample, hw) = (x.C * x.H * x.W, x.H * x.W);
        var first = 0;
        foreach (var g in groups)
        {
            var n = g.Output.N;
            for (var i = first * perSample; i < (first + n) * perSample; i++)
                std[i] = Math.Sqrt(g.Var[i / hw % x.C] + eps);
            first += n;
        }
        return std;
    }

    private static void AssertOutputs(NormCase c, ScalarType dtype, GhostNormForward oracle, double[] actual, string what)
    {
        var std = PerElementStd(c.X, oracle.Groups, c.Eps);
        for (var i = 0; i < actual.Length; i++)
            Approx.AllClose([oracle.Output.Data[i]], [actual[i]], EngineTolerance.Output(c, dtype, std[i]), 0, $"{what} at {i} ({c})");
    }

    /// <summary>running_mean: each group's mean is off by δ, and a running value is a convex combination of them, so δ
    /// bounds it (2δ for headroom); running_var: the unbiased variance's 2·std·δ + δ², doubled for m/(m − 1) (as the
    /// stock path's property); plus rounding of ~3u per update of the values' size.</summary>
    private static void AssertRunningStats(NormCase c, ScalarType dtype, RunningStats state, IEnumerable<NormForward> groups,
        BatchNormLayer layer, string what)
    {
        var (u, delta) = (EngineTolerance.UnitRoundoff(dtype), EngineTolerance.Centred(c, dtype));
        var rounding = (8 + 3 * state.NumBatchesTracked) * u;
        Approx.AllClose(state.Mean, EngineTarget.Doubles(layer.RunningMean!), 2 * delta, rounding, $"running_mean, {what} ({c})");
        var largest = groups.SelectMany(g => g.UnbiasedVar).Concat(state.Var).Max();
        Approx.AllClose(state.Var, EngineTarget.Doubles(layer.RunningVar!), 4 * Math.Sqrt(largest) * delta + delta * delta, rounding,
            $"running_var, {what} ({c})");
        Assert.Equal(state.NumBatchesTracked, layer.NumBatchesTracked!.ToInt64());
    }

    [Fact]
    public void Outputs_and_running_statistics_match_the_oracle_over_two_steps() =>
        Props.ForAll(
            from t in GhostCases()
            from dtype in Gen.Elements(Dtypes)
            from momentum in NormGenerators.Momenta
            from track in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
            from second in NormGenerators.Values(t.Case.Data.Length, t.Case.Scale, t.Case.Offset)
            from channelsLast in Gen.Elements(false, true)
            select (t.Case, t.K, dtype, momentum, track, second, channelsLast),
            t =>
            {
                var (c0, k, dtype, momentum, track, second, channelsLast) = t;
                var target = new EngineTarget(Device.Cpu, dtype);
                // Channels-last input too (the layout a data-parallel model would get): the groups are slices along N.
                Tensor Input(Nchw x) => channelsLast ? target.Tensor(x.Data, x.Shape).Contiguous(MemoryFormat.ChannelsLast) : target.Tensor(x.Data, x.Shape);
                using var scope = LibTorch.NewDisposeScope();
                using var layer = Layer(target, c0, k, momentum, track);
                var state = RunningStats.Initial(c0.Shape.C);
                foreach (var (raw, step) in new[] { (c0.Data, 1), (second, 2) })
                {
                    var c = c0.WithData(target.Rounded(raw));
                    var oracle = ReferenceNorms.GhostBatchNormTrain(c.X, k, c.Gamma, c.Beta, c.Eps);
                    var y = layer.Forward(Input(c.X), training: true);
                    AssertOutputs(c, dtype, oracle, EngineTarget.Doubles(y), $"train output, k {k}, step {step}, channels-last {channelsLast} on {target}");
                    if (!track)
                        continue;
                    state = ReferenceNorms.UpdateGhostRunningStats(state, oracle, momentum);
                    AssertRunningStats(c, dtype, state, oracle.Groups, layer, $"k {k}, step {step} on {target}");
                }
                if (track)
                    return;
                // Without running statistics, eval normalizes by batch statistics: each ghost group's, as in training.
                var rounded = c0.WithData(target.Rounded(c0.Data));
                var eval = layer.Forward(Input(rounded.X), training: false);
                AssertOutputs(rounded, dtype, ReferenceNorms.GhostBatchNormTrain(rounded.X, k, c0.Gamma, c0.Beta, c0.Eps),
                    EngineTarget.Doubles(eval), $"eval output without tracking, k {k} on {target}");
            }, maxTest: 60);

    [Fact]
    public void Gradients_match_the_oracle() =>
        Props.ForAll(
            from t in GhostCases()
            from dtype in Gen.Elements(Dtypes)
            select (t.Case, t.K, dtype),
            t =>
            {
                var (c0, k, dtype) = t;
                var target = new EngineTarget(Device.Cpu, dtype);
                var c = c0 with { Data = target.Rounded(c0.Data), Gamma = target.Rounded(c0.Gamma), Upstream = target.Rounded(c0.Upstream) };
                using var scope = LibTorch.NewDisposeScope();
                using var layer = Layer(target, c, k);
                var input = target.Tensor(c.Data, c.X.Shape);
                input.RequiresGrad = true;
                layer.Forward(input, training: true).Backward(target.Tensor(c.Upstream, c.X.Shape));
                var expected = ReferenceNorms.GhostBatchNormTrainBackward(c.X, k, c.Gamma, c.Eps, c.Dy);
                var groups = ReferenceNorms.GhostBatchNormTrain(c.X, k, c.Gamma, c.Beta, c.Eps).Groups;
                var std = PerElementStd(c.X, groups, c.Eps);
                // dL/dx = (g − mean g − x̂·mean(g·x̂)) / std with |g| ≤ 2: x̂'s error (EngineTolerance.Output) through
                // terms of size |g|/std, 4 of them; dγ = Σ dy·x̂ over the channel's N·H·W values, each off by x̂'s error;
                // dβ = Σ dy, off by the rounding of that many terms.
                var dx = EngineTarget.Doubles(input.Grad!);
                for (var i = 0; i < dx.Length; i++)
                    Approx.AllClose([expected.Input.Data[i]], [dx[i]], 8 / std[i] * EngineTolerance.Output(c, dtype, std[i]), 0,
                        $"dL/dx at {i}, k {k} on {target} ({c})");
                var perChannel = c.Shape.N * c.Shape.SpatialSize;
                var worst = EngineTolerance.Output(c, dtype, std.Min());
                var u = EngineTolerance.UnitRoundoff(dtype);
                Approx.AllClose(expected.Gamma, EngineTarget.Doubles(layer.Weight!.Grad!), perChannel * worst, 0, $"dL/dgamma, k {k} on {target} ({c})");
                Approx.AllClose(expected.Beta, EngineTarget.Doubles(layer.Bias!.Grad!), perChannel * 4 * u, 0, $"dL/dbeta, k {k} on {target} ({c})");
            }, maxTest: 60);

    [Fact]
    public void A_ghost_batch_of_at_least_the_batch_is_plain_batch_norm() =>
        Props.ForAll(
            from c in NormGenerators.Cases(NormGenerators.Shapes(maxN: 8, maxC: 4, maxHW: 3).Where(s => s.N * s.SpatialSize > 1))
            from k in Gen.Choose(Math.Max(2, c.Shape.N), 12)
            from dtype in Gen.Elements(Dtypes)
            select (c, k, dtype),
            t =>
            {
                var (c0, k, dtype) = t;
                var target = new EngineTarget(Device.Cpu, dtype);
                var c = c0.WithData(target.Rounded(c0.Data));
                var ghost = ReferenceNorms.GhostBatchNormTrain(c.X, k, c.Gamma, c.Beta, c.Eps);
                var plain = ReferenceNorms.BatchNormTrain(c.X, c.Gamma, c.Beta, c.Eps);
                Assert.Equal(plain.Output.Data, ghost.Output.Data);
                using var scope = LibTorch.NewDisposeScope();
                using var ghostLayer = Layer(target, c, k);
                using var plainLayer = Layer(target, c, null);
                var x = target.Tensor(c.Data, c.X.Shape);
                Assert.Equal(EngineTarget.Doubles(plainLayer.Forward(x, training: true)), EngineTarget.Doubles(ghostLayer.Forward(x, training: true)));
                Assert.Equal(EngineTarget.Doubles(plainLayer.RunningVar!), EngineTarget.Doubles(ghostLayer.RunningVar!));
                Assert.Equal(1, ghostLayer.NumBatchesTracked!.ToInt64());
            }, maxTest: 30);

    [Fact]
    public void Half_the_batch_is_batch_norm_on_each_half_as_per_replica_statistics() =>
        Props.ForAll(
            from c in NormGenerators.Cases(NormGenerators.Shapes(maxN: 10, maxC: 4, maxHW: 3).Select(s => s with { N = 2 * Math.Max(2, s.N) }))
            from dtype in Gen.Elements(Dtypes)
            from momentum in NormGenerators.Momenta
            select (c, dtype, momentum),
            t =>
            {
                var (c0, dtype, momentum) = t;
                var target = new EngineTarget(Device.Cpu, dtype);
                var c = c0.WithData(target.Rounded(c0.Data));
                var half = c.Shape.N / 2;
                var per = c.Data.Length / 2;
                // What each of two replicas computes on its share alone (PyTorch's DDP without SyncBatchNorm), in rank order.
                var shares = new[] { c.Data[..per], c.Data[per..] }
                    .Select(d => ReferenceNorms.BatchNormTrain(new Nchw(half, c.Shape.C, c.Shape.H, c.Shape.W, d), c.Gamma, c.Beta, c.Eps))
                    .ToArray();
                var state = shares.Aggregate(RunningStats.Initial(c.Shape.C), (s, r) => ReferenceNorms.UpdateRunningStats(s, r, momentum));
                var perReplica = new GhostNormForward(c.X.With([.. shares.SelectMany(s => s.Output.Data)]), shares);
                using var scope = LibTorch.NewDisposeScope();
                using var layer = Layer(target, c, half, momentum);
                var y = layer.Forward(target.Tensor(c.Data, c.X.Shape), training: true);
                AssertOutputs(c, dtype, perReplica, EngineTarget.Doubles(y), $"k = n/2 = {half} on {target}");
                AssertRunningStats(c, dtype, state, shares, layer, $"k = n/2 = {half} on {target}");
            }, maxTest: 30);

    [Fact]
    public void Inside_a_replica_it_refuses_to_train_rather_than_normalize_by_the_shares()
    {
        var target = new EngineTarget(Device.Cpu, ScalarType.Float32);
        var c = FixedCase(new Shape(8, 2, 1, 1));
        using var scope = LibTorch.NewDisposeScope();
        using var layer = Layer(target, c, 2);
        var x = target.Tensor(c.Data, c.X.Shape);
        using var replicas = new global::Norms.Models.DataParallel();
        var error = Assert.Throws<InvalidOperationException>(() => replicas.Run(8, (rank, offset, count) =>
        {
            using var share = x.Slice(0, offset, offset + count);
            layer.Forward(share, training: true).Dispose();
        }));
        Assert.Contains("data-parallel", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, layer.NumBatchesTracked!.ToInt64());
    }

    private static NormCase FixedCase(Shape shape)
    {
        double[] Values(double scale) => [.. Enumerable.Range(0, shape.Count).Select(i => scale * Math.Sin(i + scale))];
        double[] PerChannel(double from) => [.. Enumerable.Range(0, shape.C).Select(i => from + 0.5 * i)];
        return new NormCase(shape, Values(3), 1e-5, 1, PerChannel(0.5), PerChannel(-1), [], [], Values(1), 3, 0);
    }

    [Fact]
    public void A_training_step_leaves_no_handle_alive()
    {
        var target = new EngineTarget(Device.Cpu, ScalarType.Float32);
        var c = FixedCase(new Shape(11, 3, 2, 2));
        var live = LibTorch.LiveTensors;
        using (var layer = Layer(target, c, 4))
        {
            for (var step = 0; step < 3; step++)
            {
                // No dispose scope: every handle the layer makes for its groups must be released by the layer itself.
                using var x = target.Tensor(c.Data, c.X.Shape);
                x.RequiresGrad = true;
                using var y = layer.Forward(x, training: true);
                using var dy = target.Tensor(c.Upstream, c.X.Shape);
                y.Backward(dy);
            }
            Assert.Equal(9, layer.NumBatchesTracked!.ToInt64()); // groups 4, 4, 3: three updates a step
        }
        Assert.Equal(live, LibTorch.LiveTensors);
        Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
    }
}
