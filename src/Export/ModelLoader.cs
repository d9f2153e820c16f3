using System.Text.Json;
using Norms.Export.Safetensors;
using Norms.Models;
using Norms.Results;
using Norms.Torch;
using Norms.Torch.Serialization;
using Norms.Training;

namespace Norms.Export;

/// <summary>
/// Builds a trained model from what a user names: a run folder (its result.json's spec, its checkpoint.nta's weights, or the
/// model.safetensors of a folder `import` wrote), a checkpoint.nta alone (its metadata embeds the spec), or a safetensors file
/// with the spec to compile. Every problem is one <see cref="ModelSourceException"/> naming the fix.
/// </summary>
public static class ModelLoader
{
    /// <summary>The model file `export` writes by default, and the one `import` leaves in its folder.</summary>
    public const string SafetensorsFileName = "model.safetensors";

    public static TrainedModel FromRunFolder(string folder, EngineOptions engine)
    {
        if (File.Exists(folder))
            throw new ModelSourceException($"{folder} is a file, not a run folder; give the folder OUT/NAME that `run` wrote");
        if (!Directory.Exists(folder))
            throw new ModelSourceException($"no folder {folder}; give a run folder (OUT/NAME, holding result.json) that `run` wrote");
        var run = new RunFolder(folder);
        if (!File.Exists(run.ResultFile))
            throw new ModelSourceException($"{folder} has no result.json, so it is not a run folder; give OUT/NAME of a `run`");
        var spec = SpecOfResult(run.ResultFile);
        if (File.Exists(run.CheckpointFile)) return FromCheckpoint(run.CheckpointFile, engine, spec);
        var imported = Path.Combine(run.Path, SafetensorsFileName);
        if (File.Exists(imported)) return FromSafetensors(imported, spec, engine);
        throw new ModelSourceException(
            $"{folder} has no checkpoint.nta (the run saved no epoch); train it first: `run --spec` with its result.json's spec, or `run --resume`");
    }

    /// <summary>A checkpoint's model; the spec is the one its metadata embeds unless <paramref name="spec"/> is given.</summary>
    public static TrainedModel FromCheckpoint(string file, EngineOptions engine, ExperimentSpec? spec = null)
    {
        if (!File.Exists(file)) throw new ModelSourceException($"no checkpoint {file}; check the path");
        var checkpoint = new Checkpoint(file);
        try
        {
            spec ??= Spec(checkpoint.ReadInfo()!.Result.Spec.ToJsonString(), $"{file}'s metadata");
            var model = ModelCompiler.Compile(spec.ToModelSpec(), engine, spec.Seed);
            try
            {
                checkpoint.LoadModel(model);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            return new TrainedModel(spec, model, file);
        }
        catch (Exception e) when (e is TensorArchiveException or IOException or UnauthorizedAccessException)
        {
            throw new ModelSourceException($"{file} is unreadable ({OneLine(e.Message)}); it is not a whole checkpoint of this run: train it again with `run`");
        }
    }

    /// <summary>A safetensors file's weights in <paramref name="spec"/>'s model: every name, dtype and shape must match
    /// (strict, as PyTorch's load_state_dict(strict=True)); all mismatches are listed in one message.</summary>
    public static TrainedModel FromSafetensors(string file, ExperimentSpec spec, EngineOptions engine)
    {
        if (!File.Exists(file)) throw new ModelSourceException($"no file {file}; check the path");
        SafetensorsFile content;
        try
        {
            content = SafetensorsReader.ReadFile(file);
        }
        catch (SafetensorsFormatException e)
        {
            throw new ModelSourceException(e.Message);
        }
        var model = ModelCompiler.Compile(spec.ToModelSpec(), engine, spec.Seed);
        try
        {
            var problems = StateDictMatch.Mismatches(model, content.Tensors);
            if (problems.Count > 0)
                throw new ModelSourceException($"{file} does not fit {spec.Name}'s model ({spec.Model.Name}, {spec.Norm.ShortName}), {problems.Count} mismatch(es): {string.Join("; ", problems)}");
            StateDictMatch.Load(model, content.Tensors);
            return new TrainedModel(spec, model, file);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The spec a result.json embeds, validated.</summary>
    public static ExperimentSpec SpecOfResult(string resultFile)
    {
        RunResult result;
        try
        {
            result = RunResultJson.Deserialize(File.ReadAllText(resultFile));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ModelSourceException($"{resultFile} is unreadable ({OneLine(e.Message)}); it is not a result.json that `run` wrote");
        }
        if (result.Spec is null) throw new ModelSourceException($"{resultFile} holds no spec; it is not a result.json that `run` wrote");
        return Spec(result.Spec.ToJsonString(), resultFile);
    }

    private static ExperimentSpec Spec(string json, string where)
    {
        var parsed = ExperimentSpecJson.Parse(json);
        if (!parsed.IsValid)
            throw new ModelSourceException($"the spec in {where} is not valid: {string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {OneLine(e.Message)}"))}");
        return parsed.Value!;
    }

    private static string OneLine(string s) => string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
