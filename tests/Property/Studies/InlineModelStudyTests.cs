using System.Text.Json.Nodes;
using Norms.Models;
using Norms.Property.Tests.Models;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>A study whose base experiment has an inline network: its norm axis replaces the network's norm run by run.</summary>
public sealed class InlineModelStudyTests
{
    [Fact]
    public void A_norm_axis_over_an_inline_model_replaces_its_norm()
    {
        var experiment = JsonNode.Parse(InlineModelTests.Experiment(InlineModelTests.ExampleModel))!.ToJsonString();
        var parsed = StudySpecJson.Parse($$"""
            { "name": "inline-norms", "base": {{experiment}},
              "axes": { "norm": [{"kind": "batch"}, {"kind": "instance"}] }, "seeds": 1 }
            """);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        var expansion = StudyGrid.Expand(parsed.Value!, StudyFlags.None);
        Assert.True(expansion.IsValid, string.Join("\n", expansion.Errors));
        Assert.Equal([new BatchNorm(), new InstanceNorm()], expansion.Runs.Select(r => r.Spec.ToModelSpec().Norm));
        Assert.Equal(2, expansion.Runs.Select(r => r.Id).Distinct().Count());
        Assert.All(expansion.Runs, r => Assert.IsType<InlineModel>(r.Spec.Model));
    }
}
