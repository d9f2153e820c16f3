using FsCheck;
using FsCheck.Fluent;
using Norms.Property.Tests.Generators;
using Xunit;

namespace Norms.Property.Tests.Norms;

public sealed class ValidationProperties
{
    [Fact]
    public void GroupNorm_is_valid_exactly_when_the_groups_divide_the_channels() =>
        Props.ForAll(
            from channels in Gen.Choose(1, 64)
            from groups in Gen.Choose(-2, 70)
            select (channels, groups),
            t =>
            {
                var (channels, groups) = t;
                var errors = NormValidation.Validate(new GroupNorm(Groups: groups), channels, 8, 8);
                var divides = groups > 0 && channels % groups == 0;
                Assert.Equal(divides, errors.Count == 0);
                if (!divides)
                {
                    var message = Assert.Single(errors).Message;
                    // The fix lists every legal group count.
                    foreach (var d in Enumerable.Range(1, channels).Where(d => channels % d == 0))
                        Assert.Contains(d.ToString(System.Globalization.CultureInfo.InvariantCulture), message);
                }
            }, maxTest: 200);

    [Fact]
    public void Eps_must_be_finite_and_non_negative_and_momentum_in_0_1_or_null() =>
        Props.ForAll(
            from eps in Gen.Elements(-1.0, -1e-12, 0.0, 1e-5, 1.0, double.NaN, double.PositiveInfinity)
            from momentum in Gen.Elements<double?>(null, -0.1, 0.0, 0.1, 1.0, 1.5, double.NaN)
            select (eps, momentum),
            t =>
            {
                var (eps, momentum) = t;
                var errors = NormValidation.Validate(new BatchNorm(momentum, eps), 4, 2, 2);
                var epsOk = eps >= 0 && double.IsFinite(eps);
                var momentumOk = momentum is null || (momentum >= 0 && momentum <= 1);
                Assert.Equal(!epsOk, errors.Any(e => e.Field == "eps"));
                Assert.Equal(!momentumOk, errors.Any(e => e.Field == "momentum"));
                Assert.Equal((epsOk ? 0 : 1) + (momentumOk ? 0 : 1), errors.Count);
            }, maxTest: 100);

    [Fact]
    public void Reports_every_problem_at_once_with_a_fix()
    {
        var errors = NormValidation.Validate(new GroupNorm(Groups: 5, Eps: -1), 12, 4, 4);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message == "groups 5 does not divide 12 channels; use 1, 2, 3, 4, 6 or 12");
        Assert.Contains(errors, e => e.Field == "eps");
    }

    [Fact]
    public void Channels_per_group_must_divide_and_exactly_one_way_of_grouping_is_given()
    {
        Assert.Empty(NormValidation.Validate(new GroupNorm(ChannelsPerGroup: 2), 8, 4, 4));
        Assert.Contains("channels per group 3 does not divide 8", Assert.Single(NormValidation.Validate(new GroupNorm(ChannelsPerGroup: 3), 8, 4, 4)).Message);
        Assert.Single(NormValidation.Validate(new GroupNorm(), 8, 4, 4));
        Assert.Single(NormValidation.Validate(new GroupNorm(Groups: 2, ChannelsPerGroup: 4), 8, 4, 4));
    }

    [Fact]
    public void Instance_norm_needs_more_than_one_spatial_element_and_other_norms_do_not()
    {
        Assert.Single(NormValidation.Validate(new InstanceNorm(), 4, 1, 1));
        foreach (var spec in new NormSpec[] { new BatchNorm(), new GroupNorm(2), new GroupLayerNorm(), new LayerNorm(), new NoNorm() })
            Assert.Empty(NormValidation.Validate(spec, 4, 1, 1));
    }
}
