using System.Text.Json.Nodes;
using Norms.Data;
using Norms.Training;
using Norms.Results;
using Norms.Models;
using Norms.Torch;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Training;

/// <summary>
/// Short runs on real MNIST (NORMS_DATA): 512 train / 256 test images, threads 1, so each run takes about a second.
/// Without NORMS_DATA the tests pass after saying why they checked nothing, except under CI=true, where they fail.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainingRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string outDir = Directory.CreateTempSubdirectory("norms-training-").FullName;

    public void Dispose() => Directory.Delete(outDir, recursive: true);

    private Dataset? Data() => RealMnist.OrSkip(output);

    private static ExperimentSpec Spec(int epochs = 1) => BuiltInExperiments.Find("mnist-bn-l1-l2")! with { Epochs = epochs };

    private RunResult Train(ExperimentSpec spec, Dataset data, string folder, bool resume = false, ITrainingObserver? observer = null,
        CancellationToken cancel = default, EngineOptions? engine = null) =>
        Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, folder)), new TrainingSettings(engine ?? EngineOptions.Cpu, resume), observer, cancel);

    /// <summary>result.json without the fields that hold wall-clock seconds.</summary>
    private string Comparable(string folder) => Reliability.CliProcess.Comparable(Path.Combine(outDir, folder, "result.json"));

    [Fact]
    public void A_short_run_writes_a_complete_result_beats_chance_and_frees_every_tensor()
    {
        if (Data() is not { } data) return;
        var baseline = LibTorch.LiveTensors;
        var result = Train(Spec() with { BatchSize = 8 }, data, "e2e"); // 64 steps: enough to leave chance behind
        Assert.Equal(baseline, LibTorch.LiveTensors);

        Assert.Equal(RunStatus.Completed, result.Status);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "e2e", "result.json")))!.AsObject();
        foreach (var key in new[] { "name", "dataset", "model", "norm", "l1", "l2", "params", "seed", "epochs", "best_test_acc", "best_test_loss",
                     "best_train_acc", "best_epoch", "confusion", "misclassified", "status", "spec" })
            Assert.True(json.ContainsKey(key), $"result.json lacks {key}");
        Assert.Equal("completed", (string?)json["status"]);
        Assert.Equal(7946, (long)json["params"]!);
        var epoch = json["epochs"]!.AsArray().Single()!.AsObject();
        foreach (var key in new[] { "epoch", "train_loss", "train_acc", "test_loss", "test_acc", "lr", "seconds", "train_seconds" })
            Assert.True(epoch.ContainsKey(key), $"an epoch lacks {key}");
        Assert.InRange((double)epoch["train_seconds"]!, double.Epsilon, (double)epoch["seconds"]!); // the training loop is a part of the epoch
        Assert.True((double)epoch["test_acc"]! > 30, $"test accuracy {epoch["test_acc"]} is no better than chance (10%)");
        var confusion = json["confusion"]!.AsArray();
        Assert.Equal(10, confusion.Count);
        Assert.Equal(256, confusion.Sum(row => row!.AsArray().Sum(v => (int)v!)));
        var wrong = json["misclassified"]!.AsArray();
        var expectedWrong = Math.Min(Evaluation.MisclassifiedKept, 256 - Enumerable.Range(0, 10).Sum(i => (int)confusion[i]![i]!));
        Assert.Equal(expectedWrong, wrong.Count);
        Assert.All(wrong, w => Assert.NotEqual((int)w!["label"]!, (int)w["pred"]!));
        Assert.All(wrong, w => Assert.InRange((double)w!["confidence"]!, 0.1, 1.0)); // the max of 10 probabilities is ≥ 1/10
        var csv = File.ReadAllLines(Path.Combine(outDir, "e2e", "metrics.csv"));
        Assert.Equal(2, csv.Length);
        Assert.True(File.Exists(Path.Combine(outDir, "e2e", "checkpoint.nta")));
        Assert.False(File.Exists(Path.Combine(outDir, "e2e", "run.lock")));
    }

    [Fact]
    public void Same_seed_and_one_thread_give_the_same_result_json_apart_from_timings()
    {
        if (Data() is not { } data) return;
        Train(Spec(), data, "a");
        Train(Spec(), data, "b");
        Assert.Equal(Comparable("a"), Comparable("b"));
        Train(Spec() with { Seed = 2 }, data, "c");
        Assert.NotEqual(Comparable("a").Replace("\"seed\":1", ""), Comparable("c").Replace("\"seed\":2", ""));
    }

    [Fact]
    public void Resuming_an_interrupted_run_gives_the_same_result_as_running_straight_through()
    {
        if (Data() is not { } data) return;
        var baseline = LibTorch.LiveTensors;
        Train(Spec(2), data, "straight");

        using var cancel = new CancellationTokenSource();
        var interrupted = Train(Spec(2), data, "resumed", observer: new CancelAfterFirstEpoch(cancel), cancel: cancel.Token);
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Single(interrupted.Epochs);
        var resumed = Train(Spec(2), data, "resumed", resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal([1, 2], resumed.Epochs.Select(e => e.Epoch));
        Assert.Equal(Comparable("straight"), Comparable("resumed"));
        Assert.Equal(baseline, LibTorch.LiveTensors);

        // A checkpoint made with other settings is refused, not silently mixed.
        Assert.Throws<ResumeMismatchException>(() => Train(Spec(3), data, "resumed", resume: true));
    }

    [Fact]
    public void An_absurd_learning_rate_diverges_keeps_the_history_and_says_why()
    {
        if (Data() is not { } data) return;
        var spec = Spec(2) with { L1 = 0, L2 = 0, Schedule = new ConstantSchedule(), Optimizer = new global::Norms.Models.Sgd(Lr: 1e30, Momentum: 0.9) };
        var result = Train(spec, data, "nan");
        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Contains("learning rate", result.Message);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "nan", "result.json")))!;
        Assert.Equal("diverged", (string?)json["status"]);
        Assert.Equal(result.Epochs.Count, json["epochs"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_network_without_norms_and_a_huge_learning_rate_ends_diverged_on_the_fused_and_the_stock_path(bool fused)
    {
        // No norm rescales the activations, so a learning rate of 1e4 blows them up to ∞ and NaN within a few steps. The
        // fused ReLU used to turn NaN into 0, after which the network looked healthy (a constant prediction, a finite loss).
        if (Data() is not { } data) return;
        var spec = Spec() with
        {
            Norm = new NoNorm(), L1 = 0, L2 = 0, Schedule = new ConstantSchedule(), Optimizer = new global::Norms.Models.Sgd(Lr: 1e4, Momentum: 0.9),
        };
        var result = Train(spec, data, $"blowup-{fused}", engine: EngineOptions.Cpu with { FusedKernels = fused });
        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Matches("the training loss became|a gradient became", result.Message);
    }

    [Fact]
    public void An_error_during_training_ends_the_run_failed_with_its_message_and_the_completed_epochs()
    {
        if (Data() is not { } data) return;
        var baseline = LibTorch.LiveTensors;
        var error = Assert.Throws<RunFailedException>(() => Train(Spec(3), data, "broken", observer: new FailInEpoch(2)));
        Assert.Equal(RunStatus.Failed, error.Result.Status);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("the disk controller caught fire", error.Result.Message);
        var json = RunResultJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "broken", "result.json")));
        Assert.Equal(RunStatus.Failed, json.Status);
        Assert.Equal([1, 2], json.Epochs.Select(e => e.Epoch)); // epoch 2 was saved before its observer failed
        Assert.Equal(error.Result.Message, json.Message);
        Assert.Equal(baseline, LibTorch.LiveTensors);
    }

    private sealed class FailInEpoch(int failing) : ITrainingObserver
    {
        public void EpochStarted(ExperimentSpec spec, int epoch, int steps) { }
        public void StepCompleted(int step, double meanLoss, double accuracy) { }
        public void Note(string message) { }
        public void EpochCompleted(ExperimentSpec spec, EpochRecord record)
        {
            if (record.Epoch == failing) throw new InvalidOperationException("the disk controller caught fire");
        }
    }

    private sealed class CancelAfterFirstEpoch(CancellationTokenSource cancel) : ITrainingObserver
    {
        public void EpochStarted(ExperimentSpec spec, int epoch, int steps) { }
        public void StepCompleted(int step, double meanLoss, double accuracy) { }
        public void Note(string message) { }
        public void EpochCompleted(ExperimentSpec spec, EpochRecord record)
        {
            if (record.Epoch == 1) cancel.Cancel();
        }
    }
}
