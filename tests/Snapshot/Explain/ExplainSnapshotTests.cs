using Norms.Experiments.Cli;
using Norms.Reports;
using Norms.Explain;
using Norms.Reference;
using Shouldly;
using Xunit;

namespace Norms.Snapshot.Tests.Explain;

public sealed class ExplainSnapshotTests
{
    // N = 2, C = 4, H = 1, W = 2: every norm pools a different set, default groups = 2.
    private static readonly Nchw Fixed = new(2, 4, 1, 2, [1, 2, 3, 4, 5, 6, 7, 8, 2, 0, 1, 1, -1, 3, 0.5, 2]);

    [Fact]
    public void Text_walkthrough_of_a_fixed_tensor() =>
        ExplainText.Render(NormExplainer.Explain(Fixed)).ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("text"));

    [Fact]
    public void Json_has_exactly_the_documented_keys()
    {
        var json = System.Text.Json.JsonDocument.Parse(ExplainJson.Render(NormExplainer.Explain(Fixed, groups: 2))).RootElement;
        Assert.Equal(["input", "batch_norm", "layer_norm", "group_norm", "instance_norm"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["mean", "var", "output", "engine_max_abs_diff"], json.GetProperty("batch_norm").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["groups", "mean", "var", "output", "engine_max_abs_diff"], json.GetProperty("group_norm").EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, json.GetProperty("group_norm").GetProperty("mean").GetArrayLength());        // per sample
        Assert.Equal(2, json.GetProperty("group_norm").GetProperty("mean")[0].GetArrayLength());     // G
        Assert.Equal(4, json.GetProperty("instance_norm").GetProperty("var")[1].GetArrayLength());   // C
        Assert.Equal(2, json.GetProperty("layer_norm").GetProperty("mean").GetArrayLength());        // N
        Assert.Equal(16, json.GetProperty("batch_norm").GetProperty("output").GetArrayLength());
        Assert.True(json.GetProperty("batch_norm").GetProperty("engine_max_abs_diff").GetDouble() < 1e-12);
    }

    [Theory]
    [InlineData("{\"shape\":[1,2", null, "not valid JSON")]
    [InlineData("{\"shape\":[1,2,1,2],\"data\":[1,2,3]}", null, "needs 4 values but \"data\" has 3")]
    [InlineData("{\"shape\":[2,3,1,2],\"data\":[1,2,3,4,5,6,7,8,9,10,11,12]}", 2, "groups 2 does not divide 3 channels; use one of 1, 3")]
    [InlineData("{\"shape\":[1,2,1,1],\"data\":[1,2]}", null, "more than 1 value per channel")]
    public void Bad_input_is_one_line_user_error(string json, int? groups, string expected)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);
            var e = Should.Throw<UserError>(() => ExplainVerb.Run(new FileInfo(path), groups, 1e-5));
            e.Message.ShouldContain(expected);
            e.Message.ShouldNotContain("\n");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_a_user_error() =>
        Should.Throw<UserError>(() => ExplainVerb.Run(new FileInfo("/nonexistent/tensor.json"), null, 1e-5)).Message.ShouldContain("does not exist");
}
