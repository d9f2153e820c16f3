using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Results;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>A halving study end to end on a small synthetic idx set: rung 0 trains every cell, the next rung only the best
/// cell by validation accuracy, with more epochs; study.json lists both rungs' runs; a second `study run` trains nothing;
/// --epochs is refused with one line.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class HalvingStudyCliTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Rung_1_trains_the_best_cell_of_rung_0_by_validation_accuracy()
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var spec = Path.Combine(temp.Path, "halving.json");
        File.WriteAllText(spec, """
            { "name": "halving", "base": "mnist-bn", "axes": { "fields": [{ "schedule.max_lr": 0.01 }, { "schedule.max_lr": 0.1, "dropout": 0 }] }, "seeds": 2,
              "overrides": { "batch_size": 16, "validation": 16 },
              "halving": [{ "epochs": 1 }, { "epochs": 2, "keep": 1 }] }
            """);
        var outDir = Path.Combine(temp.Path, "out");
        (int Exit, string Out, string Err) Study(params string[] extra) =>
            InProcessCli.Run(["study", "run", spec, "--dataset", "idx:" + data, "--out", outDir, "--threads", "1", "--no-progress", .. extra]);

        var dry = Study("--dry-run");
        Assert.True(dry.Exit == 0, dry.Err);
        Assert.Contains("rung(s) 2 to 2 follow once the runs above have ended, picked by validation accuracy: 1 cell(s) × 1 seed(s) × 2 epoch(s)", dry.Out);

        var first = Study();
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("rung 2 of 2 keeps 1 of 2 cell(s) by validation accuracy", first.Out);
        // Each round names the seeds its runs have (a rung's 1 by default), not the study's 2.
        Assert.Contains("2 run(s) (2 cell(s) × 1 seed(s))", first.Out);
        Assert.Contains("3 run(s) (3 cell(s) × 1 seed(s))", first.Out);
        var folder = Path.Combine(outDir, "halving");
        var study = StudyFileJson.Deserialize(File.ReadAllText(Path.Combine(folder, StudyFile.FileName)))!;
        Assert.Equal(3, study.Runs.Count);
        Assert.All(study.Runs, r => Assert.Equal("completed", r.Status));
        var results = study.Runs.Select(r => RunResultJson.Deserialize(File.ReadAllText(Path.Combine(folder, r.Result)))).ToList();
        var rung0 = results.Where(r => r.Epochs.Count == 1).ToList();
        var rung1 = Assert.Single(results, r => r.Epochs.Count == 2);
        Assert.Equal(2, rung0.Count);
        var best = rung0.OrderByDescending(r => r.Epochs[^1].ValAcc).First();
        Assert.Equal(best.Spec["schedule"]!["max_lr"]!.ToJsonString(), rung1.Spec["schedule"]!["max_lr"]!.ToJsonString());
        // study.json says what the rung kept and by which validation accuracy: the record the choice can be checked by.
        Assert.Equal(2, study.Rungs!.Count);
        var choice = study.Rungs[0]!;
        Assert.Equal(1, (int)choice["rung"]!);
        Assert.False((bool)choice["last"]!);
        Assert.Equal(1, (int)choice["kept"]!);
        var ranked = choice["ranked"]!.AsArray();
        Assert.Equal(2, ranked.Count);
        Assert.Equal([true, false], ranked.Select(r => (bool)r!["kept"]!));
        Assert.Equal([.. rung0.Select(r => r.Epochs[^1].ValAcc!.Value).OrderDescending()], ranked.Select(r => (double)r!["mean_val_acc"]!));
        Assert.Equal(best.Spec["schedule"]!["max_lr"]!.ToJsonString(), ranked[0]!["axes"]!["fields"]!["schedule.max_lr"]!.ToJsonString());
        // The last rung's ranking is the pick: its one cell, kept.
        var pick = study.Rungs[1]!;
        Assert.Equal((2, true, 1), ((int)pick["rung"]!, (bool)pick["last"]!, (int)pick["kept"]!));
        Assert.Equal(rung1.Epochs[^1].ValAcc!.Value, (double)Assert.Single(pick["ranked"]!.AsArray())!["mean_val_acc"]!);
        Assert.Contains("rung 2 of 2, the last, ranks its 1 cell(s) by validation accuracy; the first is the study's pick:", first.Out);

        var written = study.Runs.ToDictionary(r => r.Id, r => File.GetLastWriteTimeUtc(Path.Combine(folder, r.Result)));
        var again = Study();
        Assert.True(again.Exit == 0, again.Err);
        Assert.All(written, w => Assert.Equal(w.Value, File.GetLastWriteTimeUtc(Path.Combine(folder, "runs", w.Key, "result.json"))));

        // The report renders both rungs (each rung's epochs an axis of its cells).
        var report = InProcessCli.Run("study", "report", folder);
        Assert.True(report.Exit == 0, report.Err);
        var markdown = File.ReadAllText(Path.Combine(folder, "study-report.md"));
        Assert.Contains("epochs", markdown);
        Assert.Contains("## Successive halving", markdown);

        var line = InProcessCli.AssertOneLineUserError(Study("--epochs", "3"));
        Assert.Contains("leave out --epochs", line);
    }

    [Theory]
    [InlineData(false, "3 completed run(s)")]
    [InlineData(true, "3 completed and 1 diverged run(s)")]
    public void A_diverged_run_halving_leaves_untrained_is_not_called_completed(bool skipDiverged, string words)
    {
        string?[] statuses = ["completed", "diverged", "completed", null, "completed", "failed"];
        Assert.Equal(words, global::Norms.Experiments.Cli.StudyRunner.SkippedWords(statuses, skipDiverged));
        Assert.Equal("2 diverged run(s)", global::Norms.Experiments.Cli.StudyRunner.SkippedWords(["diverged", "diverged"], true));
    }
}
