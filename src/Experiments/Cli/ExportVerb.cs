using System.CommandLine;
using Norms.Export;
using Norms.Data;
using Norms.Export.Onnx;
using Norms.Export.Safetensors;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>`export RUN_DIR [--format safetensors|onnx] [--out FILE]`: a trained run's model in a format other tools read —
/// PyTorch's state_dict as safetensors (default RUN_DIR/model.safetensors), or an ONNX graph (RUN_DIR/model.onnx).</summary>
internal static class ExportVerb
{
    public static Command Create(EngineOptions engine)
    {
        var run = new Argument<string>("run") { Description = "A run folder (OUT/NAME: result.json and checkpoint.nta)." };
        var format = new Option<string>("--format") { Description = "safetensors (PyTorch's state_dict) or onnx.", DefaultValueFactory = _ => "safetensors" };
        var outFile = new Option<string?>("--out") { Description = "The file to write (default: RUN_DIR/model.safetensors or RUN_DIR/model.onnx)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "For ONNX with an idx: dataset, whose training statistics normalize the input (default: $NORMS_DATA, else ~/.cache/norms)." };
        var command = new Command("export", "Write a trained run's model as safetensors (PyTorch's state_dict names) or ONNX.");
        command.Arguments.Add(run);
        command.Options.Add(format);
        command.Options.Add(outFile);
        command.Options.Add(dataDir);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(run)!;
            var kind = Format(parse.GetValue(format)!);
            var target = parse.GetValue(outFile) ?? Path.Combine(folder, kind == ExportFormat.Onnx ? "model.onnx" : ModelLoader.SafetensorsFileName);
            using var trained = Load(folder, engine);
            if (kind == ExportFormat.Onnx) ExportOnnx(trained, target, parse.GetValue(dataDir));
            else SafetensorsExport.Write(trained, target);
            Console.Out.WriteLine($"exported {trained.Spec.Name} ({trained.Spec.Model.Name}, {trained.Spec.Norm.ShortName}) to {target}");
            return 0;
        });
        return command;
    }

    private static ExportFormat Format(string value) => value switch
    {
        "safetensors" => ExportFormat.Safetensors,
        "onnx" => ExportFormat.Onnx,
        _ => throw new UserError($"unknown format '{value}'; use safetensors or onnx"),
    };

    internal static TrainedModel Load(string folder, EngineOptions engine)
    {
        try
        {
            return ModelLoader.FromRunFolder(folder, engine);
        }
        catch (ModelSourceException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>The eval-mode graph; its first nodes normalize [0, 1] pixels with the statistics the run trained with.</summary>
    private static void ExportOnnx(TrainedModel trained, string target, string? dataDir)
    {
        var source = trained.Spec.Source ?? throw new UserError($"the experiment's dataset '{trained.Spec.Dataset}' is not one Norms reads");
        var stats = DatasetLoader.PublishedStats(source) ?? EvaluateVerb.LoadedStats(trained.Spec, dataDir);
        try
        {
            OnnxExport.WriteFile(trained.Model, stats, target);
        }
        catch (OnnxExportException e)
        {
            throw new UserError(e.Message);
        }
    }
}
