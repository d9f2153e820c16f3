using FsCheck;
using FsCheck.Fluent;
using Norms.Layers;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>libtorch's layers against the oracle, on a device, in float32 and float64.</summary>
public static class EngineProperties
{
    private static readonly ScalarType[] Dtypes = [ScalarType.Float32, ScalarType.Float64];

    /// <summary>The std (with eps) of each element's normalization group in the data: what its output tolerance
    /// scales with.</summary>
    internal static double[] PerElementStd(OracleForm form, NormCase c, double[] data)
    {
        var std = new double[data.Length];
        if (form.Name == "batch-eval")
        {
            // Running statistics 0.5 + channel (see OracleForm): the normalizing std is fixed.
            foreach (var (group, ch) in form.Groups(c.Shape).Select((g, ch) => (g, ch)))
                foreach (var i in group) std[i] = Math.Sqrt(0.5 + ch + c.Eps);
            return std;
        }
        foreach (var group in form.Groups(c.Shape))
        {
            var values = group.Select(i => data[i]).ToArray();
            var mean = values.Average();
            var s = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average() + c.Eps);
            foreach (var i in group) std[i] = s;
        }
        return std;
    }

    private static void AssertOutputs(OracleForm form, NormCase c, ScalarType dtype, double[] expected, double[] actual, string what)
    {
        var std = PerElementStd(form, c, c.Data);
        for (var i = 0; i < expected.Length; i++)
            Approx.AllClose([expected[i]], [actual[i]], EngineTolerance.Output(c, dtype, std[i]), 0, $"{what} at {i} ({c})");
    }

    /// <summary>Train outputs (batch statistics), eval outputs (given running statistics), GroupNorm for every
    /// dividing group count (so the seeds' LN and InstanceNorm too) and nn.LayerNorm.</summary>
    public static void OutputsMatchOracle(Device device) =>
        Props.ForAll(
            from c in NormGenerators.Cases()
            from dtype in Gen.Elements(Dtypes)
            select (c, dtype),
            t =>
            {
                var (c0, dtype) = t;
                var target = new EngineTarget(device, dtype);
                var c = c0.WithData(target.Rounded(c0.Data));
                var trainable = c.Shape.N * c.Shape.SpatialSize > 1;
                var engine = EngineForms.For(c, target, trainable).ToDictionary(f => f.Name);
                foreach (var oracle in OracleForm.For(c, trainable))
                {
                    var expected = oracle.Forward(c.X, oracle.Gamma(c), oracle.Beta(c)).Data;
                    var actual = engine[oracle.Name].Forward(c.X, oracle.Gamma(c), oracle.Beta(c)).Data;
                    AssertOutputs(oracle, c, dtype, expected, actual, $"{oracle} on {target}");
                }
            }, maxTest: 50);

    /// <summary>k training steps with random batches: train outputs, running_mean, running_var and
    /// num_batches_tracked after each step, then the eval output; momentum never 0.5 (where
    /// PyTorch's and Keras's conventions agree) and often null.</summary>
    public static void BatchNormRunningStatisticsMatchOracle(Device device) =>
        Props.ForAll(
            from c in NormGenerators.Cases(NormGenerators.BatchTrainableShapes)
            from dtype in Gen.Elements(Dtypes)
            from momentum in NormGenerators.Momenta
            from track in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
            from k in Gen.Choose(1, 4)
            from batches in NormGenerators.Values(c.Data.Length, c.Scale, c.Offset).ArrayOf(k)
            select (c, dtype, momentum, track, batches),
            t =>
            {
                var (c, dtype, momentum, track, batches) = t;
                var target = new EngineTarget(device, dtype);
                using var scope = LibTorch.NewDisposeScope();
                using var layer = (BatchNormLayer)target.Layer(new BatchNorm(momentum, c.Eps, TrackRunningStats: track), c.X);
                target.Set(layer.Weight, c.Gamma);
                target.Set(layer.Bias, c.Beta);
                var state = RunningStats.Initial(c.Shape.C);
                var form = OracleForm.For(c, true).First(f => f.Name == "batch-train");
                var u = EngineTolerance.UnitRoundoff(dtype);
                var delta = EngineTolerance.Centred(c, dtype);
                var varTolerance = 0.0;
                foreach (var (raw, step) in batches.Select((b, j) => (b, j + 1)))
                {
                    var batch = c.WithData(target.Rounded(raw));
                    var oracle = ReferenceNorms.BatchNormTrain(batch.X, c.Gamma, c.Beta, c.Eps);
                    state = ReferenceNorms.UpdateRunningStats(state, oracle, momentum);
                    var y = layer.Forward(target.Tensor(batch.Data, batch.X.Shape), training: true);
                    AssertOutputs(form, batch, dtype, oracle.Output.Data, EngineTarget.Doubles(y), $"train output, step {step} on {target}");
                    if (!track)
                        continue;
                    // running_mean: δ per step; running_var: the unbiased variance's error 2·std·δ + δ², plus rounding of ~1.
                    Approx.AllClose(state.Mean, EngineTarget.Doubles(layer.RunningMean!), 2 * delta, 8 * u, $"running_mean, step {step} on {target} ({c})");
                    varTolerance = state.Var.Select(v => 4 * Math.Sqrt(v) * delta + delta * delta).Max() + 8 * u;
                    Approx.AllClose(state.Var, EngineTarget.Doubles(layer.RunningVar!), varTolerance, 8 * u, $"running_var, step {step} on {target} ({c})");
                    Assert.Equal(state.NumBatchesTracked, layer.NumBatchesTracked!.ToInt64());
                }
                layer.Eval();
                var eval = layer.Forward(target.Tensor(target.Rounded(c.Data), c.X.Shape));
                var rounded = c.WithData(target.Rounded(c.Data));
                var expected = track
                    ? ReferenceNorms.BatchNormEval(rounded.X, state.Mean, state.Var, c.Gamma, c.Beta, c.Eps).Data
                    : ReferenceNorms.BatchNormTrain(rounded.X, c.Gamma, c.Beta, c.Eps).Output.Data;
                var evalTolerance = track
                    ? 3 * (delta + 2 * varTolerance) / Math.Sqrt(state.Var.Min() + c.Eps) + 64 * u
                    : double.NaN;
                if (track)
                    Approx.AllClose(expected, EngineTarget.Doubles(eval), evalTolerance, 0, $"eval output on {target} ({c})");
                else
                    AssertOutputs(form, rounded, dtype, expected, EngineTarget.Doubles(eval), $"eval output without tracking on {target}");
            }, maxTest: 40);

    /// <summary>InstanceNorm tracking running statistics: per-instance normalization in training, the
    /// batch mean of per-instance statistics into the buffers, the buffers in eval.</summary>
    public static void InstanceNormRunningStatisticsMatchOracle(Device device) =>
        Props.ForAll(
            from c in NormGenerators.Cases(NormGenerators.Shapes().Where(s => s.SpatialSize > 1))
            from momentum in Gen.Elements(0.1, 0.3, 0.8)
            from k in Gen.Choose(1, 3)
            from batches in NormGenerators.Values(c.Data.Length, c.Scale, c.Offset).ArrayOf(k)
            select (c, momentum, batches),
            t =>
            {
                var (c, momentum, batches) = t;
                var target = new EngineTarget(device, ScalarType.Float64);
                using var scope = LibTorch.NewDisposeScope();
                using var layer = (InstanceNormLayer)target.Layer(new InstanceNorm(c.Eps, Affine: true, TrackRunningStats: true, Momentum: momentum), c.X);
                target.Set(layer.Weight, c.Gamma);
                target.Set(layer.Bias, c.Beta);
                var state = RunningStats.Initial(c.Shape.C);
                const double tolerance = 1e-9; // float64, see EngineTolerance: data ≤ 1e3 ⇒ δ/std ≲ 1e-9
                foreach (var raw in batches)
                {
                    var x = c.X.With(raw);
                    var oracle = ReferenceNorms.InstanceNorm(x, c.Gamma, c.Beta, c.Eps);
                    state = ReferenceNorms.UpdateInstanceRunningStats(state, oracle, momentum);
                    var y = layer.Forward(target.Tensor(raw, x.Shape), training: true);
                    Approx.AllClose(oracle.Output.Data, EngineTarget.Doubles(y), tolerance, tolerance, $"instance train output ({c})");
                }
                Approx.AllClose(state.Mean, EngineTarget.Doubles(layer.RunningMean!), tolerance * (1 + Math.Abs(c.Offset)), tolerance, $"instance running_mean ({c})");
                Approx.AllClose(state.Var, EngineTarget.Doubles(layer.RunningVar!), tolerance, tolerance, $"instance running_var ({c})");
                var eval = layer.Forward(target.Tensor(c.Data, c.X.Shape), training: false);
                Approx.AllClose(ReferenceNorms.BatchNormEval(c.X, state.Mean, state.Var, c.Gamma, c.Beta, c.Eps).Data,
                    EngineTarget.Doubles(eval), 1e-7, 1e-7, $"instance eval output ({c})");
            }, maxTest: 25);

    /// <summary>float64 autograd against the oracle's analytic backward (which the oracle's own
    /// properties tie to finite differences), and directly against finite differences of the engine.</summary>
    public static void GradientsMatchOracleAndFiniteDifferences(Device device)
    {
        var target = new EngineTarget(device, ScalarType.Float64);
        var small = NormGenerators.Cases(NormGenerators.BatchTrainableShapes.Where(s => s.Count <= 32));
        Props.ForAll(small, c =>
        {
            var engine = EngineForms.For(c, target, includeBatch: true).ToDictionary(f => f.Name);
            foreach (var oracle in OracleForm.For(c, includeBatch: true))
            {
                var expected = oracle.Backward(c.X, oracle.Gamma(c), c.Dy);
                var actual = engine[oracle.Name].Backward(c.X, oracle.Gamma(c), c.Dy);
                // float64: gradients are sums of ≤ 64 products of O(|dy|·|γ|/std) terms; relative 1e-9 of
                // their natural size |dy|·|γ|/std leaves ~1e4 margin over rounding at offset 1e3.
                var std = PerElementStd(oracle, c, c.Data);
                for (var i = 0; i < c.Data.Length; i++)
                    Approx.AllClose([expected.Input.Data[i]], [actual.Input.Data[i]], 1e-9 * 4 * (1 + Math.Abs(c.Offset) / c.Scale) / std[i] * c.Scale, 1e-9, $"{oracle} dL/dx at {i} ({c})");
                Approx.AllClose(expected.Gamma, actual.Gamma, 1e-9 * c.Data.Length, 1e-9, $"{oracle} dL/dgamma ({c})");
                Approx.AllClose(expected.Beta, actual.Beta, 1e-9 * c.Data.Length, 1e-9, $"{oracle} dL/dbeta ({c})");
            }
        }, maxTest: 40);
        // libtorch's fused y = γ·rstd·x + (β − γ·rstd·mean) rounds at the scale of |x|·rstd, which central
        // differences divide by h: far offsets would measure that rounding, not the gradient. The oracle
        // (checked above) carries the far offsets; here the engine meets finite differences directly.
        Props.ForAll(small.Where(c => Math.Abs(c.Offset) <= 5), c =>
        {
            foreach (var form in EngineForms.For(c, target, includeBatch: true))
                FiniteDifferences.AssertMatches(form, c, 1e-5);
        }, maxTest: 6);
    }

    /// <summary>Different libtorch kernels that must agree: group_norm(1) (the seeds' LN) with nn.LayerNorm
    /// given the per-channel affine spread over each channel; group_norm(C) with instance_norm.</summary>
    public static void EquivalentNormsAgree(Device device) =>
        Props.ForAll(NormGenerators.Cases(NormGenerators.Shapes().Where(s => s.SpatialSize > 1)), c =>
        {
            var target = new EngineTarget(device, ScalarType.Float64);
            using var scope = LibTorch.NewDisposeScope();
            var x = target.Tensor(c.Data, c.X.Shape);
            double[] Run(NormSpec spec, double[] gamma, double[] beta)
            {
                using var layer = target.Layer(spec, c.X);
                var (w, b) = EngineForms.Affine(layer);
                target.Set(w, gamma);
                target.Set(b, beta);
                return EngineTarget.Doubles(layer.Forward(x));
            }
            var hw = c.Shape.SpatialSize;
            var spreadGamma = Enumerable.Range(0, c.Shape.C * hw).Select(i => c.Gamma[i / hw]).ToArray();
            var spreadBeta = Enumerable.Range(0, c.Shape.C * hw).Select(i => c.Beta[i / hw]).ToArray();
            const double tolerance = 1e-9; // float64 (see EngineTolerance)
            Approx.AllClose(Run(new LayerNorm(c.Eps), spreadGamma, spreadBeta), Run(new GroupLayerNorm(c.Eps), c.Gamma, c.Beta), tolerance, tolerance, $"GroupLayerNorm vs LayerNorm ({c})");
            Approx.AllClose(Run(new GroupNorm(Groups: 1, Eps: c.Eps), c.Gamma, c.Beta), Run(new GroupLayerNorm(c.Eps), c.Gamma, c.Beta), 0, 0, $"GroupNorm(1) vs GroupLayerNorm ({c})");
            Approx.AllClose(Run(new InstanceNorm(c.Eps, Affine: true), c.Gamma, c.Beta), Run(new GroupNorm(Groups: c.Shape.C, Eps: c.Eps), c.Gamma, c.Beta), tolerance, tolerance, $"GroupNorm(C) vs InstanceNorm ({c})");
        }, maxTest: 40);

    /// <summary>The impossible configurations fail with the same typed error, before computing, on both sides.</summary>
    public static void ImpossibleConfigurationsFailAlikeOnBothSides(Device device) =>
        Props.ForAll(
            from c in NormGenerators.Cases(NormGenerators.Shapes().Select(s => s with { N = 1, H = 1, W = 1 }))
            from g in Gen.Choose(-1, 2 * c.Shape.C + 1).Where(g => g <= 0 || c.Shape.C % g != 0)
            select (c, g),
            t =>
            {
                var (c, g) = t;
                var target = new EngineTarget(device, ScalarType.Float32);
                using var scope = LibTorch.NewDisposeScope();
                var x = target.Tensor(c.Data, c.X.Shape);

                var oracleBn = Assert.Throws<NormConfigurationException>(() => ReferenceNorms.BatchNormTrain(c.X, c.Gamma, c.Beta, c.Eps));
                using (var bn = (BatchNormLayer)target.Layer(new BatchNorm(Eps: c.Eps), c.X))
                {
                    var engineBn = Assert.Throws<NormConfigurationException>(() => bn.Forward(x));
                    Assert.Equal(oracleBn.Problem, engineBn.Problem);
                    Assert.Equal(NormConfigurationProblem.SingleValuePerChannel, engineBn.Problem);
                    Assert.Equal(0, bn.NumBatchesTracked!.ToInt64()); // checked before any state changes
                    bn.Eval();
                    bn.Forward(x).Dispose(); // eval on running statistics is legal
                }

                var oracleGn = Assert.Throws<NormConfigurationException>(() => ReferenceNorms.GroupNorm(c.X, g, c.Gamma, c.Beta, c.Eps));
                var engineGn = Assert.Throws<NormConfigurationException>(() => target.Layer(new GroupNorm(Groups: g, Eps: c.Eps), c.X));
                var engineGnLayer = Assert.Throws<NormConfigurationException>(() => new GroupNormLayer(g, c.Shape.C, c.Eps, true, new TensorOptions(target.Dtype, device)));
                Assert.Equal(oracleGn.Problem, engineGn.Problem);
                Assert.Equal(oracleGn.Problem, engineGnLayer.Problem);
                Assert.Equal(NormConfigurationProblem.GroupsDoNotDivideChannels, engineGn.Problem);

                var oracleIn = Assert.Throws<NormConfigurationException>(() => ReferenceNorms.InstanceNorm(c.X, null, null, c.Eps));
                using var inorm = (InstanceNormLayer)target.Layer(new InstanceNorm(c.Eps), c.X);
                Assert.Equal(oracleIn.Problem, Assert.Throws<NormConfigurationException>(() => inorm.Forward(x)).Problem);
            }, maxTest: 20);
}
