using FsCheck;
using FsCheck.Fluent;
using Norms.Models;
using Xunit;

namespace Norms.Property.Tests.Models;

/// <summary>
/// The hardening rules of an experiment spec: a name is a name (never a path), every float fits float32, one dataset
/// grammar, one rule for adamw with l2, and one-cycle's momentum fields.
/// </summary>
public class SpecRuleTests
{
    private static readonly ExperimentSpec Valid = new("mnist-bn", "mnist", "mnist8k", new BatchNorm(), new Sgd(0.01, 0.9), new OneCycle(0.1), 2);

    private static IReadOnlyList<SpecError> Errors(ExperimentSpec spec) => ExperimentSpecValidation.Validate(spec);

    private static readonly Gen<string> Hostile = Gen.OneOf(
        Gen.Elements("..", ".", "../x", "a/b", "/etc/passwd", "C:\\x", "a\\b", "a\0b", "a\nb", ".hidden", "", " ", "a b", "CON", "nul.txt",
            "Lpt1", "com9.json", "résumé", "a:b", "a*b", "a?b", "~", "$HOME", "a\u202eb", "\ud83d\ude00", "x\u00a0y"),
        from n in Gen.Choose(RunName.MaxLength + 1, 5000) select new string('a', n),
        from prefix in Gen.Elements("", "ok", "../") from bad in Gen.Elements('/', '\\', '\0', '\t', ' ', '\u0085', ':', '|', '<', '"')
        from suffix in Gen.Elements("", "x", "/..") select prefix + bad + suffix);

    [Fact]
    public void Hostile_names_are_refused_with_one_line_naming_the_path_and_the_rule() =>
        Prop.ForAll(Hostile.ToArbitrary(), name =>
        {
            var errors = Errors(Valid with { Name = name });
            var error = Assert.Single(errors, e => e.Path == "$.name");
            Assert.Contains("ASCII letters, digits", error.Message);
            Assert.DoesNotContain('\n', error.Message);
            Assert.DoesNotContain('\0', error.Message);
            Assert.True(error.Message.Length < 400, error.Message);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Names_of_letters_digits_dots_underscores_and_dashes_are_accepted_and_stay_inside_the_out_folder() =>
        Prop.ForAll(
            (from first in Gen.Elements("abcXYZ019_-".ToCharArray())
             from rest in Gen.ArrayOf(Gen.Elements("abcxyzABC0189._-".ToCharArray()))
             select first + new string(rest.Take(RunName.MaxLength - 1).ToArray())).ToArbitrary(),
            name =>
            {
                if (RunName.Problem(name) is { } problem)
                {
                    // Only the reserved device names may be refused among these.
                    Assert.Contains("reserved", problem);
                    return;
                }
                Assert.DoesNotContain(Errors(Valid with { Name = name }), e => e.Path == "$.name");
                var outDir = Path.GetFullPath("/tmp/norms-out");
                var folder = Path.GetFullPath(Path.Combine(outDir, name));
                Assert.Equal(outDir, Path.GetDirectoryName(folder));
            }).QuickCheckThrowOnFailure();

    [Theory]
    [InlineData(1e39)]
    [InlineData(1e-39)]
    [InlineData(double.MaxValue)]
    [InlineData(double.Epsilon)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Values_outside_float32_are_refused_with_float32s_range(double v)
    {
        var spec = Valid with
        {
            L1 = v, L2 = v, Optimizer = new Sgd(v, 0.9), Schedule = new OneCycle(v, DivFactor: v, FinalDivFactor: v), Norm = new BatchNorm(Eps: v),
        };
        var paths = Errors(spec).Where(e => e.Message.Contains("float32", StringComparison.Ordinal)).Select(e => e.Path).ToArray();
        foreach (var path in new[] { "$.l1", "$.l2", "$.optimizer.lr", "$.schedule.max_lr", "$.schedule.div_factor", "$.schedule.final_div_factor", "$.norm" })
            Assert.Contains(path, paths);
        Assert.All(Errors(spec).Where(e => e.Path is "$.l1" or "$.optimizer.lr"), e => Assert.Contains("[1.2e-38, 3.4e38]", e.Message));
    }

    [Theory]
    [InlineData("MNIST", "mnist")]
    [InlineData(" Cifar10 ", "cifar10")]
    [InlineData("CIFAR-10", "cifar10")]
    [InlineData("idx:/data/x", "idx:/data/x")]
    public void One_dataset_grammar_for_specs_and_flags(string text, string canonical)
    {
        var source = DatasetSource.TryParse(text);
        Assert.NotNull(source);
        Assert.Equal(canonical, source!.ToString());
        var model = source is DatasetSource.Cifar10 ? Architectures.Cifar50kName : Architectures.Mnist8kName;
        Assert.Empty(Errors(Valid with { Dataset = text, Model = model }));
        Assert.Single(Errors(Valid with { Dataset = "svhn" }), e => e.Path == "$.dataset");
        Assert.Single(Errors(Valid with { Dataset = "CIFAR10" }), e => e.Path == "$.model"); // mnist8k takes no CIFAR-10, whatever the case
    }

    [Fact]
    public void Adamw_with_l2_is_refused_at_l2_and_adamws_own_decay_is_not()
    {
        var error = Assert.Single(Errors(Valid with { Optimizer = new AdamW(), L2 = 1e-4 }));
        Assert.Equal("$.l2", error.Path);
        Assert.Contains("weight_decay", error.Message);
        Assert.Empty(Errors(Valid with { Optimizer = new AdamW(WeightDecay: 0.05) }));
        Assert.Empty(Errors(Valid with { Optimizer = new Adam(), L2 = 1e-4 }));
    }

    [Theory]
    [InlineData(0.85, 0.95, null)]
    [InlineData(0.9, 0.9, null)]
    [InlineData(0.95, 0.85, "$.schedule.base_momentum")]
    [InlineData(-0.1, 0.95, "$.schedule.base_momentum")]
    [InlineData(0.85, 1.0, "$.schedule.max_momentum")]
    public void One_cycle_momentum_bounds(double baseMomentum, double maxMomentum, string? path)
    {
        var errors = Errors(Valid with { Schedule = new OneCycle(0.1, BaseMomentum: baseMomentum, MaxMomentum: maxMomentum) });
        if (path is null) Assert.Empty(errors);
        else Assert.Equal(path, Assert.Single(errors).Path);
    }

    [Fact]
    public void One_cycle_momentum_fields_read_from_json_and_reach_the_schedule()
    {
        var json = ExperimentSpecJson.Serialize(Valid with { Schedule = new OneCycle(0.1, CycleMomentum: false, BaseMomentum: 0.8, MaxMomentum: 0.9) });
        Assert.Contains("\"cycle_momentum\": false", json);
        var parsed = ExperimentSpecJson.Parse(json);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var schedule = (global::Norms.Torch.Optim.OneCycleLr)global::Norms.Training.OptimizerFactory.Schedule(parsed.Value!, 10).Schedule;
        Assert.False(schedule.CycleMomentum);
        Assert.Equal((0.8, 0.9), (schedule.BaseMomentum, schedule.MaxMomentum));
        Assert.Null(schedule.Momentum(3));
    }
}
