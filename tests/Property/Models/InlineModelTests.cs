using System.Text.Json.Nodes;
using FsCheck.Fluent;
using Norms.Models;
using Norms.Property.Tests.Generators;
using Xunit;

namespace Norms.Property.Tests.Models;

/// <summary>An experiment's "model" as an inline network (issue 20): reading, writing, and every network error at its JSON path.</summary>
public class InlineModelTests
{
    /// <summary>The example network.</summary>
    public const string ExampleModel = """
        { "input": [1, 28, 28], "classes": 10, "norm": {"kind": "batch"}, "dropout": 0.03,
          "layers": [
            {"kind": "block", "name": "c1", "conv": {"in": 1, "out": 8, "kernel": 3, "padding": 1}},
            {"kind": "block", "conv": {"in": 8, "out": 8, "kernel": 3, "padding": 1}, "norm": {"kind": "group", "groups": 2}},
            {"kind": "residual", "from": "c1"},
            {"kind": "maxpool", "kernel": 2},
            {"kind": "sequential", "layers": [ {"kind": "block", "conv": {"in": 8, "out": 16, "kernel": 3}} ]},
            {"kind": "gap"},
            {"kind": "conv", "in": 16, "out": 10, "kernel": 1, "bias": true},
            {"kind": "head"} ] }
        """;

    public static string Experiment(string model, string extra = "") => $$"""
        {
          "name": "inline",
          "dataset": "mnist",
          "model": {{model}},{{extra}}
          "optimizer": { "kind": "sgd", "lr": 0.01, "momentum": 0.9 },
          "schedule": { "kind": "constant" },
          "epochs": 1
        }
        """;

    private static ExperimentSpec Valid(string json)
    {
        var parsed = ExperimentSpecJson.Parse(json);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        return parsed.Value!;
    }

    private static IReadOnlyList<SpecError> Errors(string json)
    {
        var parsed = ExperimentSpecJson.Parse(json);
        Assert.False(parsed.IsValid, "expected errors, the experiment is valid");
        return parsed.Errors;
    }

    /// <summary>The example network with one layer's JSON replaced.</summary>
    private static string ExampleWith(int index, string layer)
    {
        var model = JsonNode.Parse(ExampleModel)!.AsObject();
        model["layers"]![index] = JsonNode.Parse(layer);
        return Experiment(model.ToJsonString());
    }

    [Fact]
    public void The_example_reads_as_the_same_network_in_records()
    {
        var spec = Valid(Experiment(ExampleModel));
        static Block B(int i, int o, int pad, NormSpec? norm = null) => new(new Conv(i, o, 3, pad), norm);
        var expected = new ModelSpec(InlineModel.CustomName, new InputShape(1, 28, 28), 10,
            [
                B(1, 8, 1) with { Name = "c1" }, B(8, 8, 1, new GroupNorm(Groups: 2)), new ResidualAdd("c1"), new MaxPool(2),
                new Sequential([B(8, 16, 0)]), new GlobalAvgPool(), new Conv(16, 10, 1, Bias: true), new LogSoftmaxHead(),
            ],
            new BatchNorm(), 0.03, Regularization.None);
        Assert.Equal(expected, spec.ToModelSpec());
        Assert.Equal(new BatchNorm(), spec.Norm); // the model's norm, settled at the experiment's
        Assert.Equal("custom", spec.Model.Name);
    }

    [Fact]
    public void The_experiments_norm_replaces_the_models_and_dropout_likewise()
    {
        var spec = Valid(Experiment(ExampleModel, """ "norm": { "kind": "instance" }, "dropout": 0.1,"""));
        var model = spec.ToModelSpec();
        Assert.Equal(new InstanceNorm(), model.Norm);
        Assert.Equal(0.1, model.Dropout);
        Assert.Equal(new GroupNorm(Groups: 2), ((Block)model.Layers[1]).Norm); // a block's own norm still wins
    }

    [Fact]
    public void A_model_with_no_norm_anywhere_is_told_where_to_put_one()
    {
        var model = ExampleModel.Replace("\"norm\": {\"kind\": \"batch\"}, ", "", StringComparison.Ordinal);
        var error = Assert.Single(Errors(Experiment(model)));
        Assert.Equal("$.model.norm", error.Path);
        Assert.Contains("$.norm", error.Message, StringComparison.Ordinal);
        Assert.Equal(new BatchNorm(), Valid(Experiment(model, """ "norm": { "kind": "batch" },""")).ToModelSpec().Norm);
    }

    [Fact]
    public void An_inline_model_writes_its_object_in_canonical_order_and_reads_back_equal()
    {
        var spec = Valid(Experiment(ExampleModel));
        var json = ExperimentSpecJson.Serialize(spec);
        var model = JsonNode.Parse(json)!["model"]!.AsObject();
        Assert.Equal(["input", "classes", "dropout", "layers"], model.Select(p => p.Key));
        Assert.Equal(["kind", "name", "conv"], model["layers"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["kind", "in", "out", "kernel", "padding", "stride", "bias"], model["layers"]![6]!.AsObject().Select(p => p.Key));
        Assert.Equal("batch", (string?)JsonNode.Parse(json)!["norm"]!["kind"]);
        Assert.Equal(spec, Valid(json));
        Assert.Equal(json, ExperimentSpecJson.Serialize(Valid(json)));
    }

    [Fact]
    public void A_built_in_model_still_writes_its_name()
    {
        var json = ExperimentSpecJson.Serialize(BuiltInExperiments.All[0]);
        Assert.Contains("\"model\": \"mnist8k\",", json, StringComparison.Ordinal);
    }

    /// <summary>Generated valid networks (one-channel, as an idx folder's images): they validate clean as JSON, and parse -> serialize -> parse gives the same experiment.</summary>
    [Fact]
    public void Generated_networks_validate_clean_and_round_trip() =>
        Props.ForAll(RandomSpecs.Valid().Generator.Where(g => g.Spec.Input.Channels == 1), g =>
        {
            var spec = InlineOf(g.Spec);
            var json = ExperimentSpecJson.Serialize(spec);
            var parsed = Valid(json);
            Assert.Equal(spec, parsed);
            Assert.Equal(g.Spec with { Name = InlineModel.CustomName }, parsed.ToModelSpec());
            Assert.Equal(json, ExperimentSpecJson.Serialize(Valid(json)));
        });

    /// <summary>A generated network whose one block receives the wrong channels: reported at that block's conv, by index.</summary>
    [Fact]
    public void A_block_that_breaks_the_chain_is_reported_at_its_json_path() =>
        Props.ForAll(RandomSpecs.Valid().Generator.Where(g => g.BlockIndices.Count > 0 && g.Spec.Input.Channels == 1), g =>
        {
            var i = g.BlockIndices[g.Spec.Layers.Count % g.BlockIndices.Count];
            var block = (Block)g.Spec.Layers[i];
            var broken = g.Spec with { Layers = new(g.Spec.Layers.Select((l, k) => k == i ? block with { Conv = block.Conv with { In = block.Conv.In + 1 } } : l)) };
            var errors = ExperimentSpecJson.Parse(ExperimentSpecJson.Serialize(InlineOf(broken))).Errors;
            Assert.Contains(errors, e => e.Path == $"$.model.layers[{i}].conv" && e.Message.Contains("input channels", StringComparison.Ordinal));
            Assert.All(errors, e => Assert.StartsWith("$.model.layers[", e.Path, StringComparison.Ordinal));
        });

    private static ExperimentSpec InlineOf(ModelSpec model) =>
        new("inline", "idx:/data", new InlineModel(new NetworkSpec(model.Input, model.Classes, model.Layers, null, model.Dropout)),
            model.Norm, new Sgd(0.01, 0.9), new ConstantSchedule(), 1);

    [Theory]
    // channels that don't chain
    [InlineData(1, """{"kind": "block", "conv": {"in": 4, "out": 8, "kernel": 3, "padding": 1}}""", "$.model.layers[1].conv", "expects 4 input channels but receives 8")]
    // a residual add whose source is unknown
    [InlineData(2, """{"kind": "residual", "from": "c9"}""", "$.model.layers[2]", "no earlier layer named 'c9'")]
    // a residual add whose shapes differ
    [InlineData(1, """{"kind": "block", "conv": {"in": 8, "out": 8, "kernel": 3}}""", "$.model.layers[2]", "shapes must match")]
    // groups that don't divide the layer's width
    [InlineData(1, """{"kind": "block", "conv": {"in": 8, "out": 8, "kernel": 3, "padding": 1}, "norm": {"kind": "group", "groups": 3}}""", "$.model.layers[1].norm", "3")]
    // a spatial size that reaches 0
    [InlineData(3, """{"kind": "maxpool", "kernel": 40}""", "$.model.layers[3]", "the spatial size reaches 0")]
    // a head that is not last
    [InlineData(5, """{"kind": "head"}""", "$.model.layers[5]", "must be the model's last layer")]
    // absurd sizes
    [InlineData(0, """{"kind": "block", "name": "c1", "conv": {"in": 1, "out": 80000, "kernel": 3, "padding": 1}}""", "$.model.layers[0].conv", "at most 4096")]
    [InlineData(0, """{"kind": "block", "name": "c1", "conv": {"in": 1, "out": 8, "kernel": 999, "padding": 1}}""", "$.model.layers[0].conv", "at most 255")]
    // a name used twice: at the second layer's index (by name, the path would be the first's)
    [InlineData(1, """{"kind": "block", "name": "c1", "conv": {"in": 8, "out": 8, "kernel": 3, "padding": 1}}""", "$.model.layers[1]", "the name 'c1' is used twice")]
    // inside a sequence
    [InlineData(4, """{"kind": "sequential", "layers": [ {"kind": "block", "conv": {"in": 7, "out": 16, "kernel": 3}} ]}""", "$.model.layers[4].layers[0].conv", "expects 7 input channels")]
    public void Each_network_error_has_its_json_path_and_a_fix(int index, string layer, string path, string message)
    {
        var errors = Errors(ExampleWith(index, layer));
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal) && e.Message.Contains(';'));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var model = JsonNode.Parse(ExampleModel)!.AsObject();
        model["layers"]![1] = JsonNode.Parse("""{"kind": "block", "conv": {"in": 4, "out": 8, "kernel": 3, "padding": 1}, "norm": {"kind": "group", "groups": 3}}""");
        model["layers"]![2] = JsonNode.Parse("""{"kind": "residual", "from": "nope"}""");
        model["classes"] = 12;
        var paths = Errors(Experiment(model.ToJsonString())).Select(e => e.Path).ToList();
        Assert.Contains("$.model.layers[1].conv", paths);
        Assert.Contains("$.model.layers[1].norm", paths);
        Assert.Contains("$.model.layers[2]", paths);
        Assert.Contains("$.model.classes", paths);
        Assert.Contains("$.model.layers[7]", paths); // the head receives 10 channels for 12 classes
    }

    [Fact]
    public void Absurd_totals_are_refused_before_anything_is_built()
    {
        // 4096 x 4096 x 7 x 7 = 822M weights: within each size limit, far over the parameter limit.
        var model = """
            { "input": [1, 28, 28], "classes": 10, "norm": {"kind": "none"},
              "layers": [ {"kind": "conv", "in": 1, "out": 4096, "kernel": 1}, {"kind": "conv", "in": 4096, "out": 4096, "kernel": 7, "padding": 3},
                          {"kind": "gap"}, {"kind": "conv", "in": 4096, "out": 10, "kernel": 1}, {"kind": "head"} ] }
            """;
        var error = Assert.Single(Errors(Experiment(model)));
        Assert.Equal("$.model.layers", error.Path);
        Assert.Contains("more than the 100,000,000 allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_network_must_fit_the_datasets_images()
    {
        var errors = Errors(Experiment(ExampleModel.Replace("[1, 28, 28]", "[3, 32, 32]", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.Path == "$.model.input" && e.Message.Contains("use [1, 28, 28]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"kind": "dense", "units": 10}""", "$.model.layers[6].kind", "unknown kind 'dense'; use one of conv, block, maxpool, gap, residual, sequential, head")]
    [InlineData("""{"kind": "conv", "in": 16, "out": 10, "kernal": 1}""", "$.model.layers[6].kernal", "unknown field 'kernal'")]
    [InlineData("""{"kind": "conv", "in": "16", "out": 10}""", "$.model.layers[6].in", "expected a whole number")]
    [InlineData("""{"in": 16, "out": 10}""", "$.model.layers[6]", "add a \"kind\"")]
    [InlineData("""{"kind": "conv", "out": 10}""", "$.model.layers[6].in", "required field(s) missing: in")]
    public void A_malformed_layer_is_reported_at_its_path(string layer, string path, string message)
    {
        var error = Assert.Single(Errors(ExampleWith(6, layer)));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"name\": \"net\", ", "$.model.name", "unknown field 'name'")]
    [InlineData("\"input\": [1, 28], ", "$.model.input", "[channels, height, width]")]
    public void The_model_object_has_no_name_and_a_three_part_input(string replace, string path, string message)
    {
        var model = replace.StartsWith("\"input\"", StringComparison.Ordinal)
            ? ExampleModel.Replace("\"input\": [1, 28, 28], ", replace, StringComparison.Ordinal)
            : ExampleModel.Replace("{ \"input\"", "{ " + replace + "\"input\"", StringComparison.Ordinal);
        var error = Assert.Single(Errors(Experiment(model)));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
