using Norms.Experiments.Cli;
using Norms.Models;
using Shouldly;
using Xunit;

namespace Norms.Snapshot.Tests.Models;

public class SummarySnapshotTests
{
    [Theory]
    [InlineData("mnist8k", "bn")]
    [InlineData("cifar50k", "bn")]
    [InlineData("cifar50k", "layernorm")]
    public void Text_summary(string model, string norm) =>
        SummaryVerb.Render(model, norm, "text").ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator($"{model}-{norm}"));

    [Fact]
    public void Json_summary() =>
        SummaryVerb.Render("mnist8k", "gn", "json", batchSize: 64).ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("mnist8k-gn-json"));

    /// <summary>Issue 20's example network, written inline in an experiment file (`summary --spec FILE`).</summary>
    [Fact]
    public void Text_summary_of_an_inline_network()
    {
        const string json = """
            { "name": "inline", "dataset": "mnist", "optimizer": { "kind": "sgd", "lr": 0.01 }, "schedule": { "kind": "constant" }, "epochs": 1,
              "model": { "input": [1, 28, 28], "classes": 10, "norm": {"kind": "batch"}, "dropout": 0.03,
                "layers": [
                  {"kind": "block", "name": "c1", "conv": {"in": 1, "out": 8, "kernel": 3, "padding": 1}},
                  {"kind": "block", "conv": {"in": 8, "out": 8, "kernel": 3, "padding": 1}, "norm": {"kind": "group", "groups": 2}},
                  {"kind": "residual", "from": "c1"},
                  {"kind": "maxpool", "kernel": 2},
                  {"kind": "sequential", "layers": [ {"kind": "block", "conv": {"in": 8, "out": 16, "kernel": 3}} ]},
                  {"kind": "gap"},
                  {"kind": "conv", "in": 16, "out": 10, "kernel": 1, "bias": true},
                  {"kind": "head"} ] } }
            """;
        var parsed = ExperimentSpecJson.Parse(json);
        parsed.Errors.ShouldBeEmpty();
        SummaryVerb.RenderSpec(parsed.Value!, "text").ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("inline-example"));
    }

    [Theory]
    [InlineData("resnet", "bn", "unknown model 'resnet'; use one of mnist8k, cifar50k")]
    [InlineData("mnist8k", "batch", "unknown norm 'batch'; use one of bn, gn, ln, layernorm, in, none")]
    [InlineData("mnist8k", "bn", "unknown format 'yaml'; use text or json", "yaml")]
    public void Unknown_names_are_user_errors(string model, string norm, string message, string format = "text") =>
        Should.Throw<UserError>(() => SummaryVerb.Render(model, norm, format)).Message.ShouldBe(message);
}
