using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Norms.Models;
using Norms.Torch;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Property.Tests.Studies;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Export;

/// <summary>precise_bn and `evaluate --precise-bn` through the command line: a one-epoch real MNIST run records the precise
/// and batch-statistics test numbers (and its result.json still matches the schema), evaluate prints the EMA and the precise
/// accuracy, a model without batch norm is one line, and the field is absent from a spec without it.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class PreciseBnCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string SpecFile(ExperimentSpec spec) =>
        temp.File(spec.Name + ".json", Encoding.UTF8.GetBytes(ExperimentSpecJson.Serialize(spec)));

    [Fact]
    public void A_run_with_precise_bn_records_both_extra_test_passes_and_evaluate_prints_both_accuracies()
    {
        if (TinyRuns.DataRootOrSkip("mnist", output) is not { } root) return;
        var spec = BuiltInExperiments.Find("mnist-bn")! with { Name = "mnist-bn-precise", PreciseBn = 256 };
        var outDir = Path.Combine(temp.Path, "out");
        var r = InProcessCli.Run("run", "--spec", SpecFile(spec), "--limit-train", "512", "--limit-test", "128", "--epochs", "1",
            "--threads", "1", "--out", outDir, "--no-progress", "--data-dir", root);
        Assert.True(r.Exit == 0, r.Err);
        var folder = Path.Combine(outDir, spec.Name);
        var resultFile = Path.Combine(folder, "result.json");
        SchemaTests.AssertValid("result.schema.json", resultFile);
        var result = JsonNode.Parse(File.ReadAllText(resultFile))!;
        Assert.Equal(256, (int)result["spec"]!["precise_bn"]!);
        var epoch = result["epochs"]![0]!;
        foreach (var field in new[] { "test_acc_precise", "test_loss_precise", "test_acc_batch_stats", "test_loss_batch_stats" })
            Assert.True(epoch[field] is not null, $"epoch 1 has no {field}: {epoch}");
        Assert.InRange((double)epoch["test_acc_precise"]!, 0, 100);
        Assert.InRange((double)epoch["test_acc_batch_stats"]!, 0, 100);
        output.WriteLine($"test_acc {epoch["test_acc"]}, precise {epoch["test_acc_precise"]}, batch stats {epoch["test_acc_batch_stats"]}");

        var e = InProcessCli.Run("evaluate", folder, "--precise-bn", "256", "--limit-test", "128", "--data-dir", root);
        Assert.True(e.Exit == 0, e.Err);
        var ema = ((double)epoch["test_acc"]!).ToString("F2", CultureInfo.InvariantCulture);
        Assert.Contains($"accuracy: {ema}%", e.Out, StringComparison.Ordinal);
        Assert.Contains($"accuracy (EMA statistics): {ema}%", e.Out, StringComparison.Ordinal);
        Assert.Contains("accuracy (precise statistics): ", e.Out, StringComparison.Ordinal);
        Assert.Contains("from the first 256 training images, batches of 64", e.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_says_in_one_line_that_precise_bn_does_nothing_without_batch_norm()
    {
        if (TinyRuns.DataRootOrSkip("mnist", output) is not { } root) return;
        var e = InProcessCli.Run("evaluate", TinyRuns.Folder("mnist-gn", root), "--precise-bn", "256",
            "--limit-test", TinyRuns.TestImages.ToString(CultureInfo.InvariantCulture), "--data-dir", root);
        Assert.True(e.Exit == 0, e.Err);
        Assert.Single(e.Out.Split('\n'), line => line.StartsWith("PreciseBN does nothing for ", StringComparison.Ordinal));
        Assert.DoesNotContain("precise statistics", e.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_and_evaluate_with_precise_bn_leave_no_tensor_alive()
    {
        // Made-up idx images, so this holds without the real data too; two epochs, so the passes run between epochs.
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 48, 16);
        var spec = BuiltInExperiments.Find("mnist-bn")! with { Name = "live", Dataset = "idx:" + data, BatchSize = 16, PreciseBn = 40 };
        var file = SpecFile(spec);
        var outDir = Path.Combine(temp.Path, "out");
        InProcessCli.Run("list"); // warm-up: lazy statics of the engine
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = LibTorch.LiveTensors;
        var r = InProcessCli.Run("run", "--spec", file, "--epochs", "2", "--threads", "1", "--out", outDir, "--no-progress");
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal(baseline, LibTorch.LiveTensors);
        var e = InProcessCli.Run("evaluate", Path.Combine(outDir, "live"), "--precise-bn", "40");
        Assert.True(e.Exit == 0, e.Err);
        Assert.Contains("accuracy (precise statistics): ", e.Out, StringComparison.Ordinal);
        Assert.Equal(baseline, LibTorch.LiveTensors);
        Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
        var epochs = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "live", "result.json")))!["epochs"]!.AsArray();
        Assert.All(epochs, epoch => Assert.True(epoch!["test_acc_precise"] is not null && epoch["test_acc_batch_stats"] is not null, $"{epoch}"));

        // The same run without the field trains and tests identically: the passes put the running statistics back.
        var plain = InProcessCli.Run("run", "--spec", SpecFile(spec with { Name = "plain", PreciseBn = 0 }), "--epochs", "2", "--threads", "1",
            "--out", outDir, "--no-progress");
        Assert.True(plain.Exit == 0, plain.Err);
        var without = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "plain", "result.json")))!["epochs"]!.AsArray();
        foreach (var field in new[] { "train_loss", "train_acc", "test_loss", "test_acc" })
            Assert.Equal(without.Select(e => (double)e![field]!), epochs.Select(e => (double)e![field]!));
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, "plain", "predictions.bin")), File.ReadAllBytes(Path.Combine(outDir, "live", "predictions.bin")));
    }

    [Fact]
    public void Mistakes_are_refused_with_the_rule()
    {
        Assert.Contains("--precise-bn must be >= 1", InProcessCli.AssertOneLineUserError(
            InProcessCli.Run("evaluate", temp.Path, "--precise-bn", "0")), StringComparison.Ordinal);
        Assert.Contains("needs the engine's model", InProcessCli.AssertOneLineUserError(
            InProcessCli.Run("evaluate", temp.File("m.onnx", [1]), "--precise-bn", "8")), StringComparison.Ordinal);
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), 40, 16);
        var spec = BuiltInExperiments.Find("mnist-bn")! with { Name = "too-many", Dataset = "idx:" + data, Validation = 8, PreciseBn = 33 };
        var r = InProcessCli.Run("run", "--spec", SpecFile(spec), "--epochs", "1", "--out", Path.Combine(temp.Path, "out"), "--no-progress");
        Assert.Equal(2, r.Exit);
        Assert.Contains("precise_bn 33 is more than the 32 training images", r.Err, StringComparison.Ordinal);
        var negative = ExperimentSpecJson.Parse(ExperimentSpecJson.Serialize(spec with { PreciseBn = -1 }));
        Assert.Contains(negative.Errors, error => error.Path == "$.precise_bn");
    }

    [Fact]
    public void The_field_is_written_only_when_on()
    {
        var spec = BuiltInExperiments.Find("mnist-bn")!;
        Assert.DoesNotContain("precise_bn", ExperimentSpecJson.Serialize(spec), StringComparison.Ordinal);
        var on = ExperimentSpecJson.Serialize(spec with { PreciseBn = 2048 });
        Assert.Contains("\"precise_bn\": 2048", on, StringComparison.Ordinal);
        Assert.Equal(2048, ExperimentSpecJson.Parse(on).Value!.PreciseBn);
    }
}
