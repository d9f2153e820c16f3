using Norms.Experiments.Cli;
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

    [Theory]
    [InlineData("resnet", "bn", "unknown model 'resnet'; use one of mnist8k, cifar50k")]
    [InlineData("mnist8k", "batch", "unknown norm 'batch'; use one of bn, gn, ln, layernorm, in, none")]
    [InlineData("mnist8k", "bn", "unknown format 'yaml'; use text or json", "yaml")]
    public void Unknown_names_are_user_errors(string model, string norm, string message, string format = "text") =>
        Should.Throw<UserError>(() => SummaryVerb.Render(model, norm, format)).Message.ShouldBe(message);
}
