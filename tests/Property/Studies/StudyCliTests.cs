using System.Text.Json.Nodes;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>`study run` end to end on a small synthetic idx set: the runs train once, a second run of the same study
/// trains nothing, more seeds add runs, another spec in the same folder is refused, and study.json says it all.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class StudyCliTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Spec(int seeds, string @base = "mnist-bn")
    {
        var file = Path.Combine(temp.Path, $"study-{seeds}-{@base}.json");
        File.WriteAllText(file, $$"""
            { "name": "small", "base": "{{@base}}",
              "axes": { "norm": [{"kind": "batch"}, {"kind": "group", "channels_per_group": 2}] },
              "seeds": {{seeds}}, "overrides": { "epochs": 1, "batch_size": 16 } }
            """);
        return file;
    }

    private (int Exit, string Out, string Err) Study(string spec, string data, string outDir) =>
        InProcessCli.Run("study", "run", spec, "--dataset", "idx:" + data, "--out", outDir, "--threads", "1", "--no-progress");

    private static StudyFile Read(string outDir) => StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "small", StudyFile.FileName)))!;

    [Fact]
    public void A_study_trains_each_run_once_adds_seeds_and_refuses_another_spec_in_its_folder()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var outDir = Path.Combine(temp.Path, "out");

        var first = Study(Spec(2), data, outDir);
        Assert.True(first.Exit == 0, first.Err);
        var study = Read(outDir);
        Assert.Equal(4, study.Runs.Count);
        Assert.All(study.Runs, r => Assert.Equal("completed", r.Status));
        Assert.All(study.Runs, r => Assert.True(File.Exists(Path.Combine(outDir, "small", r.Result)), r.Result));
        Assert.Equal(["norm"], study.Runs.SelectMany(r => r.Axes.Select(a => a.Key)).Distinct());
        var written = study.Runs.ToDictionary(r => r.Id, r => File.GetLastWriteTimeUtc(Path.Combine(outDir, "small", r.Result)));

        // The same study again: every run is found completed and none trains again (its result.json is not rewritten).
        var again = Study(Spec(2), data, outDir);
        Assert.True(again.Exit == 0, again.Err);
        Assert.All(written, w => Assert.Equal(w.Value, File.GetLastWriteTimeUtc(Path.Combine(outDir, "small", "runs", w.Key, "result.json"))));

        // A dry run of three seeds estimates only what would train: the two new runs, not the four completed.
        var dry = InProcessCli.Run("study", "run", Spec(3), "--dataset", "idx:" + data, "--out", outDir, "--threads", "1", "--dry-run");
        Assert.True(dry.Exit == 0, dry.Err);
        Assert.Contains("study small: 4 of 6 run(s) completed in", dry.Out);
        Assert.Contains("2 run(s), ", dry.Out);

        // Three seeds: the four runs are kept, two are added.
        var more = Study(Spec(3), data, outDir);
        Assert.True(more.Exit == 0, more.Err);
        var grown = Read(outDir);
        Assert.Equal(6, grown.Runs.Count);
        Assert.All(written.Keys, id => Assert.Contains(grown.Runs, r => r.Id == id));

        // Another base is another study: refused in this folder, with the way out, and nothing changes.
        var line = InProcessCli.AssertOneLineUserError(Study(Spec(3, "mnist-ln"), data, outDir));
        Assert.Contains("holds study 'small' with another spec; use another --out", line);
        Assert.Equal(6, Read(outDir).Runs.Count);

        var status = InProcessCli.Run("study", "status", outDir);
        Assert.Equal(0, status.Exit);
        Assert.Contains("study small: 6 completed", status.Out);

        // A result.json left saying "running" by a killed worker (no live lock on its folder) is shown as interrupted.
        var killed = Path.Combine(outDir, "small", grown.Runs[0].Result);
        var original = File.ReadAllText(killed);
        File.WriteAllText(killed, original.Replace("\"status\": \"completed\"", "\"status\": \"running\"", StringComparison.Ordinal));
        Assert.Contains("study small: 1 interrupted, 5 completed", InProcessCli.Run("study", "status", outDir).Out);
        File.WriteAllText(killed, original);

        // Status shows the spec as it expands now, not study.json's list as last written: a spec that trains something
        // else (as after a built-in experiment changed) has every run pending, and the stale list is named.
        var studyFile = Path.Combine(outDir, "small", StudyFile.FileName);
        var listed = File.ReadAllText(studyFile);
        var edited = System.Text.Json.Nodes.JsonNode.Parse(listed)!;
        edited["spec"]!["overrides"]!["dropout"] = 0.1;
        File.WriteAllText(studyFile, edited.ToJsonString());
        var changed = InProcessCli.Run("study", "status", outDir);
        Assert.Equal(0, changed.Exit);
        Assert.Contains("study small: 6 pending", changed.Out);
        Assert.Contains("note: study.json lists 6 run(s) its spec no longer expands to", changed.Out);
        File.WriteAllText(studyFile, listed);

        // The statistics, recomputed here from the runs' own result.json files: the paired mean difference of the
        // final test accuracy (batch − group, by seed) is what study.json and the report say.
        var report = InProcessCli.Run("study", "report", outDir);
        Assert.True(report.Exit == 0, report.Err);
        SchemaTests.AssertValid("study.schema.json", Path.Combine(outDir, "small", StudyFile.FileName));
        foreach (var run in Read(outDir).Runs) SchemaTests.AssertValid("result.schema.json", Path.Combine(outDir, "small", run.Result));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "small", StudyFile.FileName)))!;
        Assert.Equal(2, json["cells"]!.AsArray().Count);
        Assert.All(json["cells"]!.AsArray(), c => Assert.Equal(3, (int)c!["n"]!));
        var comparison = json["comparisons"]!.AsArray().Single(c => (string?)c!["metric"] == "final_test_acc")!;
        Assert.Equal(3, (int)comparison["n_pairs"]!);
        double Final(StudyFileRun r) => JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "small", r.Result)))!["epochs"]!.AsArray()[^1]!["test_acc"]!.GetValue<double>();
        var runs = Read(outDir).Runs;
        var byNorm = runs.ToLookup(r => (string?)r.Axes["norm"]!["kind"]);
        var differences = byNorm["batch"].Join(byNorm["group"], a => a.Seed, b => b.Seed, (a, b) => Final(a) - Final(b)).ToArray();
        Assert.Equal(3, differences.Length);
        Assert.Equal(differences.Average(), (double)comparison["mean_diff"]!, 10);
        var markdown = File.ReadAllText(Path.Combine(outDir, "small", "study-report.md"));
        Assert.Contains($"| final_test_acc | norm | {{\"kind\":\"batch\"}} |", markdown);
        Assert.Contains(((double)comparison["mean_diff"]!).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), markdown);
    }

    [Fact]
    public void A_study_with_a_refused_value_trains_nothing_and_says_which_axis_and_value()
    {
        var spec = Path.Combine(temp.Path, "bad.json");
        File.WriteAllText(spec, """{ "name": "bad", "base": "mnist-bn", "axes": { "norm.momentum": [0.1, 7] }, "seeds": 1 }""");
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("study", "run", spec, "--out", Path.Combine(temp.Path, "out"), "--threads", "1"));
        Assert.Contains("norm.momentum = 7: $.norm: at features[0].norm of mnist8k: momentum must be in [0, 1]", line);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    /// <summary>--jobs changes how the runs are scheduled, never what they train: two runs at once, a thread each, write
    /// the same numbers and predictions as one at a time on one thread, and as one at a time on two threads, the other
    /// choice of --jobs auto (JobsRule): the replicas split each batch alike, at 1 thread taking turns.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Runs_trained_two_at_a_time_equal_runs_trained_one_after_another(int sequentialThreads)
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var (one, two) = (Path.Combine(temp.Path, "one"), Path.Combine(temp.Path, "two"));
        var sequential = InProcessCli.Run("study", "run", Spec(2), "--dataset", "idx:" + data, "--out", one, "--threads", $"{sequentialThreads}",
            "--jobs", "1", "--no-progress");
        Assert.True(sequential.Exit == 0, sequential.Err);
        var parallel = InProcessCli.Run("study", "run", Spec(2), "--dataset", "idx:" + data, "--out", two, "--threads", "2", "--jobs", "2", "--no-progress");
        Assert.True(parallel.Exit == 0, parallel.Err);
        Assert.Contains("2 runs at once, 1 thread(s) each", parallel.Out);
        Assert.Contains("study small: 4 of 4 epoch(s), 4 of 4 run(s) finished", parallel.Out);
        foreach (var run in Read(one).Runs)
        {
            string Numbers(string outDir) => string.Join(",", JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "small", run.Result)))!["epochs"]!.AsArray()
                .Select(e => $"{e!["train_loss"]}/{e["test_loss"]}/{e["test_acc"]}"));
            Assert.Equal(Numbers(one), Numbers(two));
            Assert.Equal(File.ReadAllBytes(Path.Combine(one, "small", "runs", run.Id, "predictions.bin")),
                File.ReadAllBytes(Path.Combine(two, "small", "runs", run.Id, "predictions.bin")));
        }
    }
}
