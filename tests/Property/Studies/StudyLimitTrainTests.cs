using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Results;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>A study's own training slice (`"limit_train": N`): parsed and checked, applied to every run like
/// --limit-train, recorded in study.json's flags, and overridden by the command line's --limit-train.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class StudyLimitTrainTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private const string Study = """{ "name": "sliced", "base": "mnist-bn", "axes": { "norm": [{"kind": "batch"}] }, "seeds": 1, "limit_train": LIMIT, "overrides": { "epochs": 1, "batch_size": 16 } }""";

    [Theory]
    [InlineData("32", 32)]
    [InlineData("1", 1)]
    public void A_whole_number_of_images_is_read(string limit, int expected) =>
        Assert.Equal(expected, StudySpecJson.Parse(Study.Replace("LIMIT", limit)).Value!.LimitTrain);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("\"10000\"")]
    public void Anything_else_is_one_error_naming_the_field(string limit)
    {
        var parsed = StudySpecJson.Parse(Study.Replace("LIMIT", limit));
        Assert.False(parsed.IsValid);
        Assert.Equal("$.limit_train", Assert.Single(parsed.Errors).Path);
    }

    [Fact]
    public void Every_run_trains_on_the_slice_and_the_command_line_wins()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var spec = Path.Combine(temp.Path, "sliced.json");
        File.WriteAllText(spec, Study.Replace("LIMIT", "32"));
        int TrainSamples(string outDir, params string[] extra)
        {
            var (exit, _, err) = InProcessCli.Run(["study", "run", spec, "--dataset", "idx:" + data, "--out", outDir, "--threads", "1", "--no-progress", .. extra]);
            Assert.True(exit == 0, err);
            var study = StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "sliced", StudyFile.FileName)))!;
            var run = Assert.Single(study.Runs);
            Assert.Equal(int.Parse(extra.Length > 0 ? extra[1] : "32"), study.Flags.LimitTrain);
            return RunResultJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "sliced", run.Result))).TrainSamples;
        }
        Assert.Equal(32, TrainSamples(Path.Combine(temp.Path, "a")));
        Assert.Equal(16, TrainSamples(Path.Combine(temp.Path, "b"), "--limit-train", "16"));
    }
}
