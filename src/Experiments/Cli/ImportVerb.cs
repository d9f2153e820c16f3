using System.CommandLine;
using Norms.Export;
using Norms.Export.Safetensors;
using Norms.Models;
using Norms.Results;
using Norms.Torch;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>`import safetensors FILE --spec SPEC [--out DIR]`: weights trained elsewhere (PyTorch's state_dict) checked
/// against the spec's compiled model, every mismatch in one message, then a run-like folder `evaluate` takes: result.json
/// (the spec, no epochs, a message saying it was imported) and model.safetensors.</summary>
internal static class ImportVerb
{
    public static Command Create(EngineOptions engine)
    {
        var format = new Argument<string>("format") { Description = "safetensors." };
        var file = new Argument<string>("file") { Description = "The file to import." };
        var spec = new Option<string?>("--spec") { Description = "The experiment whose model the file holds: a JSON file or a built-in name." };
        var outDir = new Option<string?>("--out") { Description = "The folder to write (default: artifacts/NAME-imported, NAME the experiment's)." };
        var command = new Command("import", "Check a safetensors state_dict against an experiment's model and write a folder `evaluate` takes.");
        command.Arguments.Add(format);
        command.Arguments.Add(file);
        command.Options.Add(spec);
        command.Options.Add(outDir);
        command.SetAction(parse =>
        {
            if (parse.GetValue(format) is not "safetensors" and var other)
                throw new UserError($"cannot import '{other}'; the one format `import` reads is safetensors");
            var experiment = SpecArgument.Resolve(parse.GetValue(spec) ?? throw new UserError("name the experiment the weights belong to with --spec FILE|NAME"));
            var folder = parse.GetValue(outDir) ?? Path.Combine("artifacts", experiment.Name + "-imported");
            var path = parse.GetValue(file)!;
            Write(path, experiment, folder, engine);
            Console.Out.WriteLine($"imported {path} as {experiment.Name} ({experiment.Model.Name}, {experiment.Norm.ShortName}) into {folder}; `evaluate {folder}` tests it");
            return 0;
        });
        return command;
    }

    internal static void Write(string file, ExperimentSpec spec, string folder, EngineOptions engine)
    {
        var run = new RunFolder(folder);
        if (File.Exists(run.ResultFile) || File.Exists(run.CheckpointFile))
            throw new UserError($"{folder} already holds a run; choose another --out or remove it");
        TrainedModel trained;
        try
        {
            trained = ModelLoader.FromSafetensors(file, spec, engine);
        }
        catch (ModelSourceException e)
        {
            throw new UserError(e.Message);
        }
        using (trained)
        {
            // The weights are written back from the loaded model: the folder's file is what Norms holds, whatever order or
            // metadata the imported one had. The model file goes first, so a result.json never names weights that are absent.
            SafetensorsExport.Write(trained, Path.Combine(run.Path, ModelLoader.SafetensorsFileName));
            run.WriteResult(new RunResult(spec.Name, spec.Dataset, spec.Model.Name, spec.Norm.ShortName, spec.L1, spec.L2,
                trained.Model.ParameterCount(), spec.Seed, engine.Device.ToString(), engine.Threads, 0, 0, spec.Augmentation,
                RunStatus.Completed, $"imported from {Path.GetFullPath(file)}; not trained here", [], null, null, null, null, [], [], 0,
                RunResult.SpecNode(spec)));
        }
    }
}
