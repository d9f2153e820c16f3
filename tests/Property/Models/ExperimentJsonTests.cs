using FsCheck;
using FsCheck.Fluent;
using Norms.Models;
using Xunit;

namespace Norms.Property.Tests.Models;

public class ExperimentJsonTests
{
    private const string Minimal = """
        {
          "name": "mnist-bn",
          "dataset": "mnist",
          "model": "mnist8k",
          "norm": { "kind": "batch" },
          "optimizer": { "kind": "sgd", "lr": 0.01, "momentum": 0.9 },
          "schedule": { "kind": "onecycle", "max_lr": 0.1 },
          "epochs": 20
        }
        """;

    private static Gen<double> Factor => Gen.Elements(0.0, 1e-5, 1e-4, 0.003);

    private static readonly Gen<NormSpec> Norms = Gen.Elements<NormSpec>(
        new BatchNorm(), new BatchNorm(Momentum: null, Eps: 1e-3), new GroupNorm(Groups: 4), new GroupNorm(ChannelsPerGroup: 4),
        new GroupLayerNorm(), new LayerNorm(ElementwiseAffine: false), new InstanceNorm(Affine: true), new NoNorm());

    private static readonly Gen<OptimizerSpec> Optimizers = Gen.OneOf(
        from lr in Gen.Elements(0.01, 0.1) from m in Gen.Elements(0.0, 0.9) from nesterov in Gen.Elements(false, true)
        select (OptimizerSpec)new Sgd(lr, m, nesterov && m > 0, 0),
        from lr in Gen.Elements(1e-3, 3e-4) from b1 in Gen.Elements(0.9, 0.8) select (OptimizerSpec)new Adam(lr, b1),
        from lr in Gen.Elements(1e-3, 3e-4) from wd in Gen.Elements(0.0, 0.05) select (OptimizerSpec)new AdamW(lr, WeightDecay: wd));

    private static readonly Gen<ScheduleSpec> Schedules = Gen.OneOf(
        from max in Gen.Elements(0.05, 0.1) from pct in Gen.Elements(0.2, 0.3) select (ScheduleSpec)new OneCycle(max, pct, 10, 100),
        from size in Gen.Choose(1, 10) from gamma in Gen.Elements(0.1, 0.5) select (ScheduleSpec)new StepSchedule(size, gamma),
        Gen.Constant((ScheduleSpec)new ConstantSchedule()));

    private static readonly Gen<ExperimentSpec> Experiments =
        from name in Gen.Elements("a", "mnist-bn", "cifar_gn.v2", "R2-d2")
        from data in Gen.Elements(("mnist", "mnist8k"), ("cifar10", "cifar50k"), ("idx:/data/fashion", "mnist8k"))
        from norm in Norms
        from optimizer in Optimizers
        from schedule in Schedules
        from epochs in Gen.Choose(1, 40)
        from l1 in Factor
        from l2 in Factor
        from dropout in Gen.Elements<double?>(null, 0.0, 0.1)
        from batch in Gen.Choose(1, 512)
        from seed in Gen.Choose(0, int.MaxValue)
        from augment in Gen.Elements(false, true)
        select new ExperimentSpec(name, data.Item1, data.Item2, norm, optimizer, schedule, epochs, l1, optimizer is AdamW ? 0 : l2, dropout, batch, (ulong)seed * 3, augment);

    [Fact]
    public void Experiments_round_trip_through_json() =>
        Prop.ForAll(Experiments.ToArbitrary(), spec =>
        {
            var parsed = ExperimentSpecJson.Parse(ExperimentSpecJson.Serialize(spec));
            return parsed.IsValid && parsed.Value == spec;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_minimal_file_takes_the_defaults()
    {
        var parsed = ExperimentSpecJson.Parse(Minimal);
        Assert.Empty(parsed.Errors);
        var spec = parsed.Value!;
        Assert.Equal(new ExperimentSpec("mnist-bn", "mnist", "mnist8k", new BatchNorm(), new Sgd(0.01, 0.9), new OneCycle(0.1), 20), spec);
        Assert.Equal(64, spec.BatchSize);
        Assert.Equal(Architectures.Mnist8k(new BatchNorm()), spec.ToModelSpec());
    }

    [Fact]
    public void Json_names_are_snake_case_with_kinds()
    {
        var json = ExperimentSpecJson.Serialize(new ExperimentSpec("x", "cifar10", "cifar50k", new GroupNorm(ChannelsPerGroup: 4),
            new Sgd(0.05, 0.9, true), new OneCycle(0.05), 5, L1: 1e-5));
        foreach (var fragment in new[] { "\"batch_size\": 64", "\"kind\": \"group\"", "\"channels_per_group\": 4", "\"kind\": \"sgd\"", "\"nesterov\": true", "\"max_lr\": 0.05", "\"final_div_factor\": 10000" })
            Assert.Contains(fragment, json);
        Assert.DoesNotContain("short_name", json);
    }

    [Theory]
    [InlineData("\"epochs\": 20", "\"epochs\": 20, \"colour\": 1", "$.colour", "unknown field 'colour'")]
    [InlineData("\"momentum\": 0.9", "\"momentum\": 0.9, \"betas\": 1", "$.optimizer.betas", "unknown field 'betas'")]
    [InlineData("\"kind\": \"batch\"", "\"kind\": \"batch\", \"groups\": 2", "$.norm.groups", "unknown field 'groups'")]
    [InlineData("\"kind\": \"batch\"", "\"kind\": \"bogus\"", "$.norm.kind", "unknown kind 'bogus'")]
    [InlineData("\"epochs\": 20", "\"epochs\": \"many\"", "$.epochs", "expected a whole number")]
    [InlineData(",\n  \"epochs\": 20", "", "$.epochs", "missing")]
    [InlineData("\"max_lr\": 0.1", "\"pct_start\": 0.1", "$.schedule.max_lr", "missing")]
    [InlineData("\"kind\": \"batch\"", "\"eps\": 0.001", "$.norm", "add a \"kind\"")]
    [InlineData("\"name\": \"mnist-bn\"", "\"name\": null", "$.name", "must not be null")]
    [InlineData("\"name\": \"mnist-bn\"", "\"name\": \"a\", \"name\": \"b\"", "$.name", "appears twice")]
    [InlineData("\"kind\": \"sgd\", \"lr\": 0.01", "\"lr\": 0.01, \"kind\": \"adam\"", "$.optimizer.momentum", "unknown field 'momentum'")]
    public void Malformed_files_name_the_field(string find, string replace, string path, string message)
    {
        var json = Minimal.Replace(find, replace);
        Assert.NotEqual(Minimal, json);
        var error = Assert.Single(ExperimentSpecJson.Parse(json).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Invalid_values_are_all_reported_with_paths()
    {
        var json = Minimal
            .Replace("\"epochs\": 20", "\"epochs\": 0, \"l1\": -1, \"dropout\": 1.5, \"batch_size\": 0, \"l2\": 0.001")
            .Replace("\"momentum\": 0.9", "\"momentum\": 1.2, \"weight_decay\": 0.01")
            .Replace("\"max_lr\": 0.1", "\"max_lr\": 0, \"pct_start\": 1")
            .Replace("\"dataset\": \"mnist\"", "\"dataset\": \"svhn\"")
            .Replace("\"kind\": \"batch\"", "\"kind\": \"group\", \"groups\": 3");
        var result = ExperimentSpecJson.Parse(json);
        Assert.Null(result.Value);
        Assert.Equal(
            ["$.dataset", "$.l1", "$.dropout", "$.epochs", "$.batch_size", "$.optimizer.momentum", "$.optimizer.weight_decay", "$.schedule.max_lr", "$.schedule.pct_start"],
            result.Errors.Select(e => e.Path));
        var groups = ExperimentSpecJson.Parse(Minimal.Replace("\"kind\": \"batch\"", "\"kind\": \"group\", \"groups\": 3"));
        Assert.Equal(["$.norm", "$.norm", "$.norm"], groups.Errors.Select(e => e.Path));
        Assert.Contains("at features[0].norm of mnist8k: groups 3 does not divide 8 channels", groups.Errors[0].Message);
    }
}
