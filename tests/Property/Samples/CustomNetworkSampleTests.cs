using Norms.Data;
using Norms.Models;
using Norms.Results;
using Norms.Samples;
using Norms.Studies;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Samples;

/// <summary>
/// samples/CustomNetwork, a user's own project, end to end on a slice of the real MNIST: the network written as records
/// trains through the lab's trainer into the same result.json (the network recorded inline, as `run --spec` records one)
/// and the same report. Without NORMS_DATA it passes after saying why it checked nothing, except under CI=true.
/// </summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class CustomNetworkSampleTests(ITestOutputHelper output) : IDisposable
{
    private readonly Data.DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_sample_trains_its_record_network_and_writes_the_same_result_and_report_as_run()
    {
        if (Training.RealMnist.OrSkip(output) is null) return;
        var outDir = Path.Combine(temp.Path, "out");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var options = new SampleOptions(Out: outDir, Epochs: 1, LimitTrain: 256, LimitTest: 128, Threads: 1);

        var exit = SampleRun.Run(options, stdout, stderr, Environment.GetEnvironmentVariable);

        Assert.True(exit == 0, stderr.ToString());
        var folder = Path.Combine(outDir, "mnist-residual");
        var result = RunResultJson.Deserialize(File.ReadAllText(Path.Combine(folder, "result.json")));
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(InlineModel.CustomName, result.Model);
        Assert.Equal((256, 128), (result.TrainSamples, result.TestSamples));
        var recorded = ExperimentSpecJson.Parse(result.Spec.ToJsonString());
        Assert.True(recorded.IsValid, string.Join("; ", recorded.Errors));
        var network = Assert.IsType<InlineModel>(recorded.Value!.Model).Network;
        Assert.Equal(ResidualMnist.Network.Layers, network.Layers);
        Assert.Equal(ResidualMnist.Network.Input, network.Input);
        Assert.Equal(ShapeInference.Analyze(ResidualMnist.Experiment(1).ToModelSpec()).TotalParams, result.Params);
        foreach (var file in new[] { "metrics.csv", "checkpoint.nta", "predictions.bin" }) Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Contains("mnist-residual", File.ReadAllText(Path.Combine(outDir, "report.md")));
        Assert.Contains("mnist-residual epoch 1/1", stdout.ToString());
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs takes a whole number above 0, not '0'")]
    [InlineData("--limit-train", "many", "--limit-train takes a whole number above 0, not 'many'")]
    [InlineData("--learning-rate", "1", "unknown option --learning-rate; usage:")]
    public void A_mistake_on_the_samples_command_line_is_one_line_naming_the_fix(string name, string value, string expected)
    {
        var (options, mistake) = SampleOptions.Parse([name, value]);

        Assert.Null(options);
        Assert.StartsWith(expected, mistake);
        Assert.DoesNotContain('\n', mistake);
    }
}

/// <summary>The two README pages' network is one network: samples/residual-mnist.json ("Your own network in JSON") reads
/// into exactly the experiment the sample's records build ("Your own network in C#").</summary>
public sealed class SampleNetworkFileTests
{
    [Fact]
    public void The_samples_json_file_and_its_records_describe_the_same_experiment()
    {
        var file = Path.Combine(Reliability.MsBuild.Root(), "samples", "residual-mnist.json");

        var parsed = ExperimentSpecJson.Parse(File.ReadAllText(file));

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Equal(ExperimentSpecJson.SettleInlineNorm(ResidualMnist.Experiment(3)), parsed.Value);
    }
}

/// <summary>samples/residual-norms-study.json, the JSON page's study: the norm axis replaces the inline network's default
/// norm in every run, while block c2 keeps the group norm it sets itself.</summary>
public sealed class SampleStudyFileTests
{
    [Fact]
    public void The_samples_study_varies_the_default_norm_of_its_inline_network_and_keeps_the_blocks_own()
    {
        var file = Path.Combine(Reliability.MsBuild.Root(), "samples", "residual-norms-study.json");
        var parsed = StudySpecJson.Parse(File.ReadAllText(file));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));

        var expansion = StudyGrid.Expand(parsed.Value!, StudyFlags.None);

        Assert.True(expansion.IsValid, string.Join("; ", expansion.Errors));
        Assert.Equal(9, expansion.Runs.Count);
        Assert.Equal(["bn", "gn", "ln"], expansion.Runs.Select(r => r.Spec.Norm.ShortName).Distinct().Order());
        Assert.All(expansion.Runs, r => Assert.Equal(new GroupNorm(ChannelsPerGroup: 2), r.Spec.ToModelSpec().BlockNorms().ElementAt(1)));
        Assert.All(expansion.Runs, r => Assert.Equal(ResidualMnist.Network.Layers, Assert.IsType<InlineModel>(r.Spec.Model).Network.Layers));
    }
}
