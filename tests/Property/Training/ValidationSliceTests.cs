using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Norms.Models;
using Norms.Results;
using Norms.Torch;
using Norms.Training;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Training;

/// <summary>
/// The validation slice (spec validation N): a pure function of (seed, training-set size, N), disjoint from the training
/// images left, the two together the whole training set; a run with it records val_loss and val_acc each epoch and trains on
/// N images fewer; a run without it writes result.json and metrics.csv as before. The runs use real MNIST (512/256 images).
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class ValidationSliceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string outDir = Directory.CreateTempSubdirectory("norms-validation-").FullName;

    public void Dispose() => Directory.Delete(outDir, recursive: true);

    private static readonly Gen<(int Count, int N, ulong Seed)> Splits =
        from count in Gen.Choose(0, 3000)
        from n in Gen.Choose(0, count)
        from seed in Gen.Choose(0, int.MaxValue)
        select (count, n, (ulong)seed * 7919);

    [Fact]
    public void The_slice_is_a_pure_function_of_the_seed_disjoint_from_the_training_indices_and_together_the_whole_set() =>
        Prop.ForAll(Splits.ToArbitrary(), s =>
        {
            var (validation, training) = ValidationSlice.Split(s.Count, s.Seed, s.N);
            var again = ValidationSlice.Split(s.Count, s.Seed, s.N);
            Assert.Equal(validation, again.Validation);
            Assert.Equal(training, again.Training);
            Assert.Equal(s.N, validation.Length);
            Assert.Equal(s.Count - s.N, training.Length);
            Assert.Empty(validation.Intersect(training));
            Assert.Equal(Enumerable.Range(0, s.Count), validation.Concat(training).Order());
            Assert.Equal(validation.Order(), validation); // ascending: the images keep their original order
            Assert.Equal(training.Order(), training);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Another_seed_holds_back_other_images() =>
        Prop.ForAll(Gen.Choose(100, 3000).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (count, seed) =>
        {
            var n = count / 4;
            var a = ValidationSlice.Split(count, (ulong)seed, n).Validation;
            var b = ValidationSlice.Split(count, (ulong)seed + 1, n).Validation;
            Assert.NotEqual(a, b);
            // Not a block at the front: the slice is drawn from the whole set.
            Assert.True(a[^1] >= n, $"the slice of {n} from {count} is the first {n} images");
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_slice_is_applied_to_the_images_and_leaves_at_least_one_training_image()
    {
        var data = Reliability.SyntheticData.Mnist(train: 50, test: 10);
        var (training, validation) = ValidationSlice.Apply(data.Train, seed: 3, n: 20);
        var (held, left) = ValidationSlice.Split(50, 3, 20);
        Assert.Equal(30, training.Count);
        Assert.Equal(20, validation!.Count);
        for (var k = 0; k < held.Length; k++)
        {
            Assert.True(validation.Image(k).SequenceEqual(data.Train.Image(held[k])));
            Assert.Equal(data.Train.Labels[held[k]], validation.Labels[k]);
        }
        for (var k = 0; k < left.Length; k++)
            Assert.True(training.Image(k).SequenceEqual(data.Train.Image(left[k])));
        Assert.Same(data.Train, ValidationSlice.Apply(data.Train, 3, 0).Training);
        Assert.Null(ValidationSlice.Apply(data.Train, 3, 0).Validation);
        Assert.Throws<ArgumentOutOfRangeException>(() => ValidationSlice.Apply(data.Train, 3, 50));
        Assert.Equal("validation 60000 leaves no training images (the training set has 60000); use fewer",
            ExperimentSpecValidation.ValidationLeavesNoTraining(60000, 60000));
        Assert.Null(ExperimentSpecValidation.ValidationLeavesNoTraining(59999, 60000));
        Assert.Null(ExperimentSpecValidation.ValidationLeavesNoTraining(0, 0));
    }

    [Theory]
    [InlineData("-1", "$.validation", "validation must be >= 0")]
    [InlineData("1.5", "$.validation", "expected a whole number")]
    [InlineData("\"64\"", "$.validation", "expected a whole number")]
    public void A_spec_with_a_bad_validation_is_refused_at_its_path(string value, string path, string message)
    {
        var json = $$"""
            { "name": "v", "dataset": "mnist", "model": "mnist8k", "norm": { "kind": "batch" }, "optimizer": { "kind": "sgd" },
              "schedule": { "kind": "onecycle", "max_lr": 0.1 }, "epochs": 1, "validation": {{value}} }
            """;
        var parsed = ExperimentSpecJson.Parse(json);
        Assert.False(parsed.IsValid);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Validation_is_read_from_a_spec_and_written_only_when_above_0()
    {
        var spec = BuiltInExperiments.Find("mnist-bn")!;
        Assert.DoesNotContain("validation", ExperimentSpecJson.Serialize(spec));
        var with = spec with { Validation = 5000 };
        var text = ExperimentSpecJson.Serialize(with);
        Assert.Contains("\"validation\": 5000", text);
        Assert.Equal(with, ExperimentSpecJson.Parse(text).Value);
    }

    private static ExperimentSpec Spec(int epochs, int validation = 0) =>
        BuiltInExperiments.Find("mnist-bn")! with { Epochs = epochs, Validation = validation };

    private RunResult Train(ExperimentSpec spec, Dataset data, string folder, bool resume = false, ITrainingObserver? observer = null,
        CancellationToken cancel = default) =>
        Trainer.Run(spec, data, new RunFolder(Path.Combine(outDir, folder)), new TrainingSettings(EngineOptions.Cpu, resume), observer, cancel);

    private JsonObject Json(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, folder, "result.json")))!.AsObject();

    [Fact]
    public void A_run_with_validation_records_val_loss_and_accuracy_each_epoch_and_trains_on_the_rest()
    {
        if (RealMnist.OrSkip(output) is not { } data) return;
        var result = Train(Spec(2, validation: 64), data, "val");
        Assert.Equal(RunStatus.Completed, result.Status);
        var json = Json("val");
        Assert.Equal(data.Train.Count - 64, (int)json["train_samples"]!);
        Assert.Equal(64, (int)json["validation_samples"]!);
        Assert.Equal(64, (int)json["spec"]!["validation"]!);
        var epochs = json["epochs"]!.AsArray();
        Assert.Equal(2, epochs.Count);
        foreach (var epoch in epochs)
        {
            Assert.True(double.IsFinite((double)epoch!["val_loss"]!));
            var accuracy = (double)epoch["val_acc"]!;
            Assert.InRange(accuracy, 0, 100);
            Assert.Equal(Math.Round(accuracy * 64 / 100), accuracy * 64 / 100, 6); // a share of the 64 images, in percent
        }
        var csv = File.ReadAllLines(Path.Combine(outDir, "val", "metrics.csv"));
        Assert.EndsWith(",train_seconds,val_loss,val_acc", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.All(csv.Skip(1), row => Assert.Equal(10, row.Split(',').Length));
        Assert.All(result.Epochs, e => Assert.NotNull(e.ValLoss));
    }

    [Fact]
    public void A_run_without_validation_writes_no_val_fields()
    {
        if (RealMnist.OrSkip(output) is not { } data) return;
        Train(Spec(1), data, "plain");
        var json = Json("plain");
        Assert.False(json.ContainsKey("validation_samples"));
        Assert.False(json["spec"]!.AsObject().ContainsKey("validation"));
        Assert.Equal(data.Train.Count, (int)json["train_samples"]!);
        var epoch = json["epochs"]!.AsArray().Single()!.AsObject();
        Assert.False(epoch.ContainsKey("val_loss"));
        Assert.False(epoch.ContainsKey("val_acc"));
        var csv = File.ReadAllLines(Path.Combine(outDir, "plain", "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds,train_seconds", csv[0]);
    }

    [Fact]
    public void A_resumed_run_with_validation_keeps_the_val_numbers_of_its_checkpointed_epochs()
    {
        if (RealMnist.OrSkip(output) is not { } data) return;
        Train(Spec(2, validation: 64), data, "straight");
        using var cancel = new CancellationTokenSource();
        var interrupted = Train(Spec(2, validation: 64), data, "resumed", observer: new CancelAfterFirstEpoch(cancel), cancel: cancel.Token);
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        var resumed = Train(Spec(2, validation: 64), data, "resumed", resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.All(resumed.Epochs, e => Assert.NotNull(e.ValAcc));
        Assert.Equal(Reliability.CliProcess.Comparable(Path.Combine(outDir, "straight", "result.json")),
            Reliability.CliProcess.Comparable(Path.Combine(outDir, "resumed", "result.json")));
        // Another slice is another run: refused, not mixed.
        Assert.Throws<ResumeMismatchException>(() => Train(Spec(3, validation: 32), data, "resumed", resume: true));
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
