using System.Text.Json.Nodes;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Xunit;

namespace Norms.Property.Tests.Models;

/// <summary>An inline network through the command line: `summary --spec` prints its table, `run --spec` trains it
/// (one epoch on a small synthetic idx set), and a bad network is one user error naming every problem.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class InlineModelCliTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string SpecFile(string model)
    {
        var file = Path.Combine(temp.Path, "inline.json");
        File.WriteAllText(file, InlineModelTests.Experiment(model));
        return file;
    }

    [Fact]
    public void Summary_of_a_spec_file_prints_the_inline_networks_table()
    {
        var r = InProcessCli.Run("summary", "--spec", SpecFile(InlineModelTests.ExampleModel));
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("custom (bn)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Total params: 2,034", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_of_a_spec_file_trains_the_inline_network()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var outDir = Path.Combine(temp.Path, "out");
        var r = InProcessCli.Run("run", "--spec", SpecFile(InlineModelTests.ExampleModel), "--dataset", "idx:" + data, "--out", outDir,
            "--epochs", "1", "--batch-size", "16", "--threads", "1", "--no-progress");
        Assert.True(r.Exit == 0, r.Err);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "inline", "result.json")))!;
        Assert.Equal("custom", (string?)result["model"]);
        Assert.Equal(2034, (long?)result["params"]);
        Assert.Equal(8, result["spec"]!["model"]!["layers"]!.AsArray().Count);
    }

    [Fact]
    public void A_bad_network_is_one_user_error_naming_every_problem()
    {
        var model = InlineModelTests.ExampleModel
            .Replace("\"in\": 8, \"out\": 16", "\"in\": 9, \"out\": 16", StringComparison.Ordinal)
            .Replace("\"from\": \"c1\"", "\"from\": \"c7\"", StringComparison.Ordinal);
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("summary", "--spec", SpecFile(model)));
        Assert.Contains("$.model.layers[4].layers[0].conv: expects 9 input channels but receives 8", line, StringComparison.Ordinal);
        Assert.Contains("$.model.layers[2]: no earlier layer named 'c7'", line, StringComparison.Ordinal);
    }
}
