using FsCheck;
using FsCheck.Fluent;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Xunit;

namespace Norms.Property.Tests.Norms;

/// <summary>Mathematical properties of the reference oracle, in double precision.</summary>
public sealed class OracleProperties
{
    // Double precision on well-conditioned groups: 1e-8 leaves ample room over rounding.
    private const double Tolerance = 1e-8;

    /// <summary>
    /// Normalizing a group loses about log10(max|x| / std) digits: x − mean cancels the leading ones.
    /// Random groups can be far worse conditioned than offset/scale suggests (two values of a
    /// two-element group 1e-5 apart at 1e3 give max|x|/std ≈ 1e8), so the tolerance grows with the
    /// worst group's condition number, times a few ulps for the arithmetic around it.
    /// </summary>
    private static double ConditionedTolerance(double[] data, int[][] groups)
    {
        double worst = 1;
        foreach (var g in groups)
        {
            var values = g.Select(i => data[i]).ToArray();
            var mean = values.Average();
            var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
            if (std > 0) worst = Math.Max(worst, values.Max(Math.Abs) / std);
        }
        return Tolerance + 64 * 1.1e-16 * worst;
    }

    [Fact]
    public void Invariant_to_positive_affine_maps_of_each_pooled_group() =>
        Props.ForAll(
            from c in NormGenerators.EpsFreeCases
            from a in NormGenerators.Uniform(0.1, 10).ArrayOf(c.Data.Length)
            from b in NormGenerators.Uniform(-100, 100).ArrayOf(c.Data.Length)
            select (c, a, b),
            t =>
            {
                var (c, a, b) = t;
                foreach (var form in OracleForm.For(c, includeBatch: true).Where(f => f.Name != "batch-eval"))
                {
                    var moved = (double[])c.Data.Clone();
                    var groups = form.Groups(c.Shape);
                    for (var k = 0; k < groups.Length; k++)
                        foreach (var i in groups[k])
                            moved[i] = a[k] * c.Data[i] + b[k]; // one (a, b) per pooled group
                    var expected = form.Forward(c.X, form.Gamma(c), form.Beta(c)).Data;
                    var actual = form.Forward(c.X.With(moved), form.Gamma(c), form.Beta(c)).Data;
                    var tol = Math.Max(ConditionedTolerance(c.Data, groups), ConditionedTolerance(moved, groups));
                    Approx.AllClose(expected, actual, tol, tol, $"{form} after a·x+b ({c})");
                }
            });

    [Property(Arbitrary = new[] { typeof(NormCases.EpsFree) }, MaxTest = 60)]
    public void With_eps_zero_each_pooled_group_has_mean_0_and_biased_variance_1(NormCase c)
    {
        foreach (var form in OracleForm.For(c, includeBatch: true).Where(f => f.Name != "batch-eval"))
        {
            var y = form.Forward(c.X, null, null).Data;
            var tol = ConditionedTolerance(c.Data, form.Groups(c.Shape));
            foreach (var group in form.Groups(c.Shape))
            {
                var values = group.Select(i => y[i]).ToArray();
                var mean = values.Average();
                var variance = values.Select(v => (v - mean) * (v - mean)).Average();
                Approx.AllClose([0.0], [mean], tol, 0, $"{form} group mean ({c})");
                Approx.AllClose([1.0], [variance], tol, tol, $"{form} group variance ({c})");
            }
        }
    }

    [Property(Arbitrary = new[] { typeof(NormCases.Any) }, MaxTest = 60)]
    public void GroupNorm_1_is_LayerNorm_with_its_per_channel_affine_spread_over_each_channel(NormCase c)
    {
        var hw = c.Shape.SpatialSize;
        var spreadGamma = Enumerable.Range(0, c.Shape.C * hw).Select(i => c.Gamma[i / hw]).ToArray();
        var spreadBeta = Enumerable.Range(0, c.Shape.C * hw).Select(i => c.Beta[i / hw]).ToArray();
        var group = ReferenceNorms.GroupLayerNorm(c.X, c.Gamma, c.Beta, c.Eps);
        var layer = ReferenceNorms.LayerNorm(c.X, spreadGamma, spreadBeta, c.Eps);
        Approx.AllClose(layer.Output.Data, group.Output.Data, Tolerance, Tolerance, $"GroupNorm(1) vs LayerNorm ({c})");
        Approx.AllClose(layer.Var, group.Var, Tolerance, Tolerance, $"variances ({c})");
    }

    [Property(Arbitrary = new[] { typeof(NormCases.Spatial) }, MaxTest = 60)]
    public void GroupNorm_C_is_InstanceNorm_is_BatchNorm_of_each_sample_alone(NormCase c)
    {
        var group = ReferenceNorms.GroupNorm(c.X, c.Shape.C, c.Gamma, c.Beta, c.Eps).Output.Data;
        var instance = ReferenceNorms.InstanceNorm(c.X, c.Gamma, c.Beta, c.Eps).Output.Data;
        var perSample = c.Shape.C * c.Shape.SpatialSize;
        var batchOfOne = Enumerable.Range(0, c.Shape.N).SelectMany(n =>
            ReferenceNorms.BatchNormTrain(new Nchw(1, c.Shape.C, c.Shape.H, c.Shape.W, c.Data.AsSpan(n * perSample, perSample).ToArray()),
                c.Gamma, c.Beta, c.Eps).Output.Data).ToArray();
        Approx.AllClose(batchOfOne, group, Tolerance, Tolerance, $"GroupNorm(C) vs per-sample BatchNorm ({c})");
        Approx.AllClose(group, instance, 0, 0, $"GroupNorm(C) vs InstanceNorm ({c})");
    }

    [Fact]
    public void Running_statistics_follow_the_closed_form_of_k_updates() =>
        Props.ForAll(
            from c in NormGenerators.Cases(NormGenerators.BatchTrainableShapes)
            from momentum in NormGenerators.Momenta
            from k in Gen.Choose(1, 4)
            from batches in NormGenerators.Values(c.Data.Length, c.Scale, c.Offset).ArrayOf(k)
            select (c, momentum, batches),
            t =>
            {
                var (c, momentum, batches) = t;
                var state = RunningStats.Initial(c.Shape.C);
                var stats = batches.Select(b => ReferenceNorms.BatchNormTrain(c.X.With(b), null, null, c.Eps)).ToArray();
                foreach (var s in stats)
                    state = ReferenceNorms.UpdateRunningStats(state, s, momentum);
                for (var ch = 0; ch < c.Shape.C; ch++)
                {
                    // Closed form: momentum m weighs batch j by m·(1−m)^(k−1−j) and the initial value by (1−m)^k;
                    // momentum null is the plain average of the k batches.
                    var k = stats.Length;
                    double Expected(double initial, Func<NormForward, double> stat) => momentum is { } m
                        ? Math.Pow(1 - m, k) * initial + stats.Select((s, j) => m * Math.Pow(1 - m, k - 1 - j) * stat(s)).Sum()
                        : stats.Average(stat);
                    Approx.AllClose([Expected(0, s => s.Mean[ch])], [state.Mean[ch]], 1e-9 * (1 + Math.Abs(c.Offset)), 1e-9, $"running_mean ({c})");
                    Approx.AllClose([Expected(1, s => s.UnbiasedVar[ch])], [state.Var[ch]], 1e-12, 1e-9, $"running_var ({c})");
                }
                Assert.Equal(batches.Length, state.NumBatchesTracked);
            });

    [Property(Arbitrary = new[] { typeof(NormCases.SingleValuePerChannel) }, MaxTest = 20)]
    public void BatchNorm_training_on_a_single_value_per_channel_is_a_typed_error(NormCase c)
    {
        var e = Assert.Throws<NormConfigurationException>(() => ReferenceNorms.BatchNormTrain(c.X, c.Gamma, c.Beta, c.Eps));
        Assert.Equal(NormConfigurationProblem.SingleValuePerChannel, e.Problem);
        // Eval with running statistics is fine on one value.
        ReferenceNorms.BatchNormEval(c.X, new double[c.Shape.C], Enumerable.Repeat(1.0, c.Shape.C).ToArray(), c.Gamma, c.Beta, c.Eps);
    }

    [Fact]
    public void GroupNorm_with_groups_not_dividing_channels_is_a_typed_error() =>
        Props.ForAll(
            from c in NormGenerators.Cases()
            from g in Gen.Choose(-2, 2 * c.Shape.C + 1).Where(g => g <= 0 || c.Shape.C % g != 0)
            select (c, g),
            t =>
            {
                var (c, g) = t;
                var e = Assert.Throws<NormConfigurationException>(() => ReferenceNorms.GroupNorm(c.X, g, c.Gamma, c.Beta, c.Eps));
                Assert.Equal(NormConfigurationProblem.GroupsDoNotDivideChannels, e.Problem);
            }, maxTest: 30);
}
