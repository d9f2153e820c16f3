using System.CommandLine;
using System.Globalization;
using Norms.Data;
using Norms.Export;
using Norms.Export.Onnx;
using Norms.Models;
using Norms.Reports;
using Norms.Torch;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>`evaluate RUN_DIR|MODEL_FILE [--spec SPEC] [--data-dir DIR] [--limit-test N] [--precise-bn N]`: the test pass alone, on a run
/// folder, a checkpoint.nta (its metadata holds the spec), a .safetensors file with --spec or an .onnx file; prints loss, accuracy and a
/// confusion summary. --precise-bn then recomputes the batch norms' statistics from N training images (PreciseBN,
/// <see cref="PreciseBatchNorm"/>) and prints that test pass too; for a model without a batch norm keeping running statistics
/// it says so in one line and exits 0, the EMA evaluation being the whole answer.</summary>
internal static class EvaluateVerb
{
    public static Command Create(EngineOptions engine)
    {
        var target = new Argument<string>("model") { Description = "A run folder, a checkpoint.nta, a .safetensors file (with --spec), or an .onnx file (run by ONNX Runtime)." };
        var spec = new Option<string?>("--spec") { Description = "The experiment (a JSON file or a built-in name) whose model a .safetensors file holds." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding mnist/ and cifar-10/ (default: $NORMS_DATA, else ~/.cache/norms)." };
        var limitTest = new Option<int?>("--limit-test") { Description = "Evaluate on the first N test images only." };
        var preciseBn = new Option<int?>("--precise-bn") { Description = "Also evaluate with batch norm statistics recomputed from the first N training images (PreciseBN)." };
        var command = new Command("evaluate", "Run the test pass of a trained model: loss, accuracy, per-class accuracy and the most confused classes.");
        command.Arguments.Add(target);
        command.Options.Add(spec);
        command.Options.Add(dataDir);
        command.Options.Add(limitTest);
        command.Options.Add(preciseBn);
        command.SetAction(parse =>
        {
            if (parse.GetValue(limitTest) is < 1 and var n) throw new UserError($"--limit-test must be >= 1, got {n}; e.g. --limit-test 1000");
            if (parse.GetValue(preciseBn) is < 1 and var p) throw new UserError($"--precise-bn must be >= 1, got {p}; e.g. --precise-bn 2048");
            if (parse.GetValue(target)!.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                if (parse.GetValue(preciseBn) is not null) throw new UserError("--precise-bn needs the engine's model; give the run folder, checkpoint or .safetensors file, not the .onnx export");
                Console.Out.Write(EvaluateOnnx(parse.GetValue(target)!, parse.GetValue(spec), parse.GetValue(dataDir), parse.GetValue(limitTest), engine));
                return 0;
            }
            using var trained = Load(parse.GetValue(target)!, parse.GetValue(spec), engine);
            var data = LoadData(Source(trained.Spec), parse.GetValue(dataDir));
            var test = parse.GetValue(limitTest) is { } limit && limit < data.Test.Count ? data.Test.Slice(0, limit) : data.Test;
            // One replica's threads, as training's own evaluation and PreciseBN pass (DataParallel.UnsplitThreads).
            using var threads = IntraOpThreads.OnThisThread(DataParallel.UnsplitThreads(engine));
            var batch = Evaluation.BatchSizeFor(trained.Model.Analysis);
            var result = Evaluation.Run(trained.Model, test, data.Stats, engine.Device, batchSize: batch);
            Console.Out.Write(Text($"{trained.Source} ({trained.Spec.Name}: {trained.Spec.Model.Name}, {trained.Spec.Norm.ShortName})", trained.Spec.Dataset, test.Count, result));
            if (parse.GetValue(preciseBn) is { } images)
                Console.Out.Write(PreciseText(trained, data, images, test, result, engine, batch));
            return 0;
        });
        return command;
    }

    internal static string Text(string model, string dataset, int count, EvaluationResult result)
    {
        var correct = result.Confusion.Select((row, c) => row[c]).Sum();
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"model: {model}\n")
            + string.Create(inv, $"test images: {count}\ntest loss: {result.Loss:F6}\naccuracy: {result.Accuracy:F2}% ({correct}/{count})\n")
            + ConfusionSummary.Text(result.Confusion, KnownClasses.For(dataset, result.Confusion.Length));
    }

    /// <summary>PreciseBN from the first <paramref name="images"/> of the training set the run trained on (its validation slice
    /// held back), in the run's batches, then the test pass again: both accuracies, EMA first.</summary>
    private static string PreciseText(TrainedModel trained, Dataset data, int images, ImageSet test, EvaluationResult ema, EngineOptions engine, int batch)
    {
        var inv = CultureInfo.InvariantCulture;
        if (!PreciseBatchNorm.Applies(trained.Model))
            return $"PreciseBN does nothing for {trained.Source}: it has no batch norm keeping running statistics ({trained.Spec.Norm.ShortName})\n";
        var (train, _) = ValidationSlice.Apply(data.Train, trained.Spec.Seed, trained.Spec.Validation);
        if (images > train.Count)
            throw new UserError($"--precise-bn {images} is more than the {train.Count} training images; use at most {train.Count}");
        var batchSize = Math.Min(trained.Spec.BatchSize, images);
        PreciseBatchNorm.Recompute(trained.Model, train, images, batchSize, data.Stats, engine.Device);
        var precise = Evaluation.Run(trained.Model, test, data.Stats, engine.Device, batchSize: batch);
        return string.Create(inv, $"precise BN: statistics from the first {images} training images, batches of {batchSize}\n")
            + string.Create(inv, $"accuracy (EMA statistics): {ema.Accuracy:F2}% (loss {ema.Loss:F6})\n")
            + string.Create(inv, $"accuracy (precise statistics): {precise.Accuracy:F2}% (loss {precise.Loss:F6})\n");
    }

    /// <summary>An .onnx file run by ONNX Runtime on the raw test images (its graph normalizes them). The dataset is --spec's,
    /// else the one its input shape names (1x28x28: MNIST, 3x32x32: CIFAR-10).</summary>
    private static string EvaluateOnnx(string file, string? specValue, string? dataDir, int? limit, EngineOptions engine)
    {
        if (!File.Exists(file)) throw new UserError($"no file {file}; check the path");
        try
        {
            using var session = OnnxRuntimeEval.Load(file, engine.Threads);
            var source = (specValue is null ? null : Source(SpecArgument.Resolve(specValue)))
                ?? (session.Channels, session.Height, session.Width) switch
                {
                    (1, 28, 28) => new DatasetSource.Mnist(),
                    (3, 32, 32) => new DatasetSource.Cifar10(),
                    _ => throw new UserError($"{file} takes {session.Channels}x{session.Height}x{session.Width} images, which is neither MNIST's nor CIFAR-10's; name its experiment with --spec FILE|NAME"),
                };
            var test = TestSet(source, dataDir, limit, out _);
            return Text($"{file} (ONNX, run by ONNX Runtime)", source.ToString(), test.Count, OnnxEvaluation.Run(session, test));
        }
        catch (OnnxModelException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static TrainedModel Load(string target, string? specValue, EngineOptions engine)
    {
        try
        {
            if (Directory.Exists(target))
            {
                if (specValue is not null) throw new UserError($"--spec applies to a .safetensors or .nta file; the run folder {target} has its own spec in result.json");
                return ModelLoader.FromRunFolder(target, engine);
            }
            if (!File.Exists(target))
                throw new UserError($"no folder or file {target}; give a run folder, a checkpoint.nta or a .safetensors file");
            if (target.EndsWith(".nta", StringComparison.OrdinalIgnoreCase))
                return ModelLoader.FromCheckpoint(target, engine, specValue is null ? null : SpecArgument.Resolve(specValue));
            if (target.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                return ModelLoader.FromSafetensors(target, SpecArgument.Resolve(specValue
                    ?? throw new UserError($"{target} holds weights only; name its experiment with --spec FILE|NAME")), engine);
            throw new UserError($"{target} is neither a run folder, a .nta checkpoint nor a .safetensors file; give one of those");
        }
        catch (ModelSourceException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static DatasetSource Source(ExperimentSpec spec) =>
        spec.Source ?? throw new UserError($"the experiment's dataset '{spec.Dataset}' is not one Norms reads");

    /// <summary>The training statistics that normalize <paramref name="spec"/>'s dataset, from loading it (an idx folder's).</summary>
    internal static ChannelStats LoadedStats(ExperimentSpec spec, string? dataDir)
    {
        TestSet(Source(spec), dataDir, 1, out var stats);
        return stats;
    }

    /// <summary>The dataset's test set (optionally its first <paramref name="limit"/> images) and the training statistics that
    /// normalize it, as the run saw them.</summary>
    internal static ImageSet TestSet(DatasetSource source, string? dataDir, int? limit, out ChannelStats stats)
    {
        var data = LoadData(source, dataDir);
        stats = data.Stats;
        return limit is { } n && n < data.Test.Count ? data.Test.Slice(0, n) : data.Test;
    }

    /// <summary>The dataset from --data-dir (else $NORMS_DATA, else the cache), as `run` loads it (<see cref="ExperimentRunner.Load"/>).</summary>
    private static Dataset LoadData(DatasetSource source, string? dataDir)
    {
        string root;
        try
        {
            root = DataRoot.Resolve(dataDir, Environment.GetEnvironmentVariable);
        }
        catch (DataException e)
        {
            throw new UserError(e.Message);
        }
        return ExperimentRunner.Load(source, root);
    }
}
