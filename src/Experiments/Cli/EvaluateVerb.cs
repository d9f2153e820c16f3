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

/// <summary>`evaluate RUN_DIR|MODEL_FILE [--spec SPEC] [--data-dir DIR] [--limit-test N]`: the test pass alone, on a run
/// folder, a checkpoint.nta (its metadata holds the spec), a .safetensors file with --spec or an .onnx file; prints loss, accuracy and a
/// confusion summary.</summary>
internal static class EvaluateVerb
{
    public static Command Create(EngineOptions engine)
    {
        var target = new Argument<string>("model") { Description = "A run folder, a checkpoint.nta, a .safetensors file (with --spec), or an .onnx file (run by ONNX Runtime)." };
        var spec = new Option<string?>("--spec") { Description = "The experiment (a JSON file or a built-in name) whose model a .safetensors file holds." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding mnist/ and cifar-10/ (default: $NORMS_DATA, else ~/.cache/norms)." };
        var limitTest = new Option<int?>("--limit-test") { Description = "Evaluate on the first N test images only." };
        var command = new Command("evaluate", "Run the test pass of a trained model: loss, accuracy, per-class accuracy and the most confused classes.");
        command.Arguments.Add(target);
        command.Options.Add(spec);
        command.Options.Add(dataDir);
        command.Options.Add(limitTest);
        command.SetAction(parse =>
        {
            if (parse.GetValue(limitTest) is < 1 and var n) throw new UserError($"--limit-test must be >= 1, got {n}; e.g. --limit-test 1000");
            if (parse.GetValue(target)!.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                Console.Out.Write(EvaluateOnnx(parse.GetValue(target)!, parse.GetValue(spec), parse.GetValue(dataDir), parse.GetValue(limitTest), engine));
                return 0;
            }
            using var trained = Load(parse.GetValue(target)!, parse.GetValue(spec), engine);
            var test = TestSet(Source(trained.Spec), parse.GetValue(dataDir), parse.GetValue(limitTest), out var stats);
            using var threads = IntraOpThreads.OnThisThread(engine.Threads);
            var result = Evaluation.Run(trained.Model, test, stats, engine.Device, batchSize: Evaluation.BatchSizeFor(trained.Model.Analysis));
            Console.Out.Write(Text($"{trained.Source} ({trained.Spec.Name}: {trained.Spec.Model.Name}, {trained.Spec.Norm.ShortName})", trained.Spec.Dataset, test.Count, result));
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
        Dataset data;
        try
        {
            using var downloader = new Downloader();
            data = DatasetLoader.Load(source, DataRoot.Resolve(dataDir, Environment.GetEnvironmentVariable), downloader);
        }
        catch (DataException e)
        {
            throw new UserError(e.Message);
        }
        stats = data.Stats;
        return limit is { } n && n < data.Test.Count ? data.Test.Slice(0, n) : data.Test;
    }
}
