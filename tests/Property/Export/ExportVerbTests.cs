using System.Text.Json.Nodes;
using Norms.Export.Safetensors;
using Norms.Reports;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Export;

/// <summary>`export`, `import` and `evaluate` through the command line: a tiny real run exported, imported back and evaluated
/// gives the run's own test result; every mistake (no folder, no checkpoint, a broken checkpoint, a file that does not fit the
/// spec, a missing --spec, a broken .onnx) is one line and exit 2. The ONNX export, run by ONNX Runtime, gives the same result.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class ExportVerbTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Unknown_folders_and_runs_without_a_checkpoint_are_one_line_each()
    {
        var missing = InProcessCli.AssertOneLineUserError(InProcessCli.Run("export", Path.Combine(temp.Path, "nope")));
        Assert.Contains("no folder", missing, StringComparison.Ordinal);
        var empty = Directory.CreateDirectory(Path.Combine(temp.Path, "empty")).FullName;
        Assert.Contains("has no result.json", InProcessCli.AssertOneLineUserError(InProcessCli.Run("export", empty)), StringComparison.Ordinal);
        Assert.Contains("unknown format 'tflite'", InProcessCli.AssertOneLineUserError(InProcessCli.Run("export", empty, "--format", "tflite")), StringComparison.Ordinal);
        Assert.Contains("no file", InProcessCli.AssertOneLineUserError(InProcessCli.Run("evaluate", Path.Combine(temp.Path, "m.onnx"))), StringComparison.Ordinal);
        var garbage = temp.File("broken.onnx", [0x08, 0x07, 0x12, 0xff, 0x01, 0x02]);
        Assert.Contains("broken.onnx", InProcessCli.AssertOneLineUserError(InProcessCli.Run("evaluate", garbage)), StringComparison.Ordinal);
        var weights = temp.File("w.safetensors", SafetensorsWriter.ToBytes(new SafetensorsFile([], new Dictionary<string, string>())));
        Assert.Contains("--spec", InProcessCli.AssertOneLineUserError(InProcessCli.Run("evaluate", weights)), StringComparison.Ordinal);
        Assert.Contains("no such built-in experiment", InProcessCli.AssertOneLineUserError(InProcessCli.Run("import", "safetensors", weights, "--spec", "mnist-zz")), StringComparison.Ordinal);
        Assert.Contains("cannot import 'onnx'", InProcessCli.AssertOneLineUserError(InProcessCli.Run("import", "onnx", weights, "--spec", "mnist-bn")), StringComparison.Ordinal);
        Assert.Contains("--limit-test must be >= 1", InProcessCli.AssertOneLineUserError(InProcessCli.Run("evaluate", weights, "--limit-test", "0")), StringComparison.Ordinal);
        Assert.Contains("has its own spec", InProcessCli.AssertOneLineUserError(InProcessCli.Run("evaluate", empty, "--spec", "mnist-bn")), StringComparison.Ordinal);
        // An empty state_dict against mnist-bn: every one of the model's 46 tensors is missing, in one line.
        Assert.Contains("46 mismatch(es): missing features.0.0.weight", InProcessCli.AssertOneLineUserError(
            InProcessCli.Run("import", "safetensors", weights, "--spec", "mnist-bn", "--out", Path.Combine(temp.Path, "i"))), StringComparison.Ordinal);
    }

    [Fact]
    public void The_confusion_summary_names_each_class_and_the_most_confused_pairs_largest_first()
    {
        int[][] confusion = [[5, 2, 0], [0, 3, 4], [1, 0, 0]];
        Assert.Equal([(1, 2, 4), (0, 1, 2), (2, 0, 1)], ConfusionSummary.MostConfused(confusion, 5));
        var text = ConfusionSummary.Text(confusion, ["a", "b", "c"], pairs: 2);
        Assert.Contains("  a            71.43%  (5/7)", text, StringComparison.Ordinal);
        Assert.Contains("  c             0.00%  (0/1)", text, StringComparison.Ordinal);
        Assert.Contains("  b -> c: 4\n  a -> b: 2\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c -> a", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_import_evaluate_round_trip_gives_the_runs_own_test_result()
    {
        if (TinyRuns.DataRootOrSkip("mnist", output) is not { } root) return;
        var folder = TinyRuns.Folder("mnist-bn", root);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "result.json")))!;
        var accuracy = (double)result["epochs"]![0]!["test_acc"]!;

        var exported = InProcessCli.Run("export", folder, "--out", Path.Combine(temp.Path, "m.safetensors"));
        Assert.True(exported.Exit == 0, exported.Err);
        var onnx = InProcessCli.Run("export", folder, "--format", "onnx", "--out", Path.Combine(temp.Path, "m.onnx"));
        Assert.True(onnx.Exit == 0, onnx.Err);

        var imported = Path.Combine(temp.Path, "imported");
        var i = InProcessCli.Run("import", "safetensors", Path.Combine(temp.Path, "m.safetensors"), "--spec", "mnist-bn", "--out", imported);
        Assert.True(i.Exit == 0, i.Err);
        var again = InProcessCli.AssertOneLineUserError(InProcessCli.Run("import", "safetensors", Path.Combine(temp.Path, "m.safetensors"), "--spec", "mnist-bn", "--out", imported));
        Assert.Contains("already holds a run", again, StringComparison.Ordinal);

        // The run folder, its checkpoint alone, the exported file with --spec, and the imported folder: one test result.
        var expected = $"accuracy: {accuracy:F2}%";
        foreach (var args in new[]
        {
            new[] { folder }, [Path.Combine(folder, "checkpoint.nta")], [Path.Combine(temp.Path, "m.safetensors"), "--spec", "mnist-bn"], [imported],
            [Path.Combine(temp.Path, "m.onnx")], // run by ONNX Runtime on the raw pixels: the same predictions
        })
        {
            var e = InProcessCli.Run(["evaluate", .. args, "--limit-test", TinyRuns.TestImages.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", root]);
            Assert.True(e.Exit == 0, e.Err);
            Assert.Contains(expected, e.Out, StringComparison.Ordinal);
            Assert.Contains("per-class accuracy:", e.Out, StringComparison.Ordinal);
            Assert.Contains("most confused", e.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_file_that_does_not_fit_the_spec_lists_every_mismatch_in_one_line()
    {
        if (TinyRuns.DataRootOrSkip("mnist", output) is not { } root) return;
        var folder = TinyRuns.Folder("mnist-bn", root);
        var file = SafetensorsReader.ReadFile(ExportOf(folder));
        var tensors = file.Tensors
            .Where(t => t.Name != "features.1.1.running_var")                                                     // missing
            .Select(t => t.Name == "head.2.bias" ? t with { Name = "head.3.bias" } : t)                           // unexpected (+ missing)
            .Select(t => t.Name == "features.0.0.weight" ? t with { Shape = [8, 9], Data = t.Data } : t)          // wrong shape
            .ToArray();
        var bad = temp.File("bad.safetensors", SafetensorsWriter.ToBytes(file with { Tensors = tensors }));
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("import", "safetensors", bad, "--spec", "mnist-bn", "--out", Path.Combine(temp.Path, "x")));
        Assert.Contains("missing features.1.1.running_var", line, StringComparison.Ordinal);
        Assert.Contains("missing head.2.bias", line, StringComparison.Ordinal);
        Assert.Contains("unexpected head.3.bias", line, StringComparison.Ordinal);
        Assert.Contains("features.0.0.weight is F32[8,9] in the file but F32[8,1,3,3] in the model", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "x", "result.json")));
        // A different model altogether: cifar10-bn's names are all missing, mnist's all unexpected, still one line.
        Assert.Contains("unexpected features.0.0.weight", InProcessCli.AssertOneLineUserError(
            InProcessCli.Run("evaluate", ExportOf(folder), "--spec", "cifar10-bn")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_checkpoint_is_one_line()
    {
        if (TinyRuns.DataRootOrSkip("mnist", output) is not { } root) return;
        var folder = TinyRuns.Folder("mnist-bn", root);
        var copy = Directory.CreateDirectory(Path.Combine(temp.Path, "broken")).FullName;
        File.Copy(Path.Combine(folder, "result.json"), Path.Combine(copy, "result.json"));
        var bytes = File.ReadAllBytes(Path.Combine(folder, "checkpoint.nta"));
        File.WriteAllBytes(Path.Combine(copy, "checkpoint.nta"), bytes[..(bytes.Length / 2)]);
        Assert.Contains("is unreadable", InProcessCli.AssertOneLineUserError(InProcessCli.Run("evaluate", copy, "--data-dir", root)), StringComparison.Ordinal);
        Assert.Contains("is unreadable", InProcessCli.AssertOneLineUserError(InProcessCli.Run("export", copy)), StringComparison.Ordinal);
        File.Delete(Path.Combine(copy, "checkpoint.nta"));
        Assert.Contains("has no checkpoint.nta", InProcessCli.AssertOneLineUserError(InProcessCli.Run("export", copy)), StringComparison.Ordinal);
    }

    private string ExportOf(string folder)
    {
        var file = Path.Combine(temp.Path, "export-" + Guid.NewGuid().ToString("N") + ".safetensors");
        var r = InProcessCli.Run("export", folder, "--out", file);
        Assert.True(r.Exit == 0, r.Err);
        return file;
    }
}
