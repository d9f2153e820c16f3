using System.Text.Json;
using Norms.Data;
using Norms.Results;
using Norms.Torch;
using Norms.Torch.Nn;
using Norms.Torch.Optim;
using Norms.Torch.Serialization;

namespace Norms.Training;

/// <summary>
/// A run's checkpoint file (checkpoint.nta): model state and optimizer state in a <see cref="TensorArchive"/>, with a
/// <see cref="CheckpointInfo"/> as its metadata, replaced whole after every epoch (<see cref="AtomicFile"/>). Anything
/// malformed, or a state that does not fit the model, is a <see cref="TensorArchiveException"/>.
/// </summary>
public sealed class Checkpoint(string file)
{
    public string File { get; } = file;

    public void Save(Module model, Optimizer optimizer, CheckpointInfo info)
    {
        // No generator state: every random draw of a run is a pure function of its seed and position (data order,
        // augmentation, dropout), so the model, the optimizer and the step count are all a resume needs.
        var entries = model.StateDict().Select(e => ("model." + e.Name, e.Tensor))
            .Concat(optimizer.StateTensors().Select(e => ("optimizer." + e.Name, e.Tensor)));
        var metadata = JsonSerializer.Serialize(info, RunResultJson.Options);
        AtomicFile.Write(File, stream => TensorArchive.Write(stream, entries, metadata));
    }

    /// <summary>Reads the metadata only (the tensors are loaded and disposed); null when there is no checkpoint.
    /// Anything malformed, including metadata that parses but lacks what a resume needs, is a <see cref="TensorArchiveException"/>.</summary>
    public CheckpointInfo? ReadInfo()
    {
        if (!System.IO.File.Exists(File)) return null;
        var (tensors, metadata) = Read();
        foreach (var t in tensors.Values) t.Dispose();
        return ParseInfo(metadata);
    }

    /// <summary>Restores model and optimizer state; returns the metadata. A checkpoint that does not fit the model (missing,
    /// extra or reshaped tensors) is a <see cref="TensorArchiveException"/>. (An "rng" entry of checkpoints written before
    /// runs stopped using libtorch's generator is ignored.)</summary>
    public CheckpointInfo Load(Module model, Optimizer optimizer)
    {
        var (tensors, metadata) = Read();
        try
        {
            var info = ParseInfo(metadata);
            model.LoadStateDict(Part(tensors, "model."));
            optimizer.LoadState(Part(tensors, "optimizer."));
            return info;
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or TorchException)
        {
            throw new TensorArchiveException($"{File} does not fit this experiment's model ({FirstLine(e.Message)})");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Restores the model state alone, for evaluation or export (the optimizer's entries are read and dropped);
    /// returns the metadata, whose result embeds the spec the model was built from. Errors as <see cref="Load"/>'s.</summary>
    public CheckpointInfo LoadModel(Module model)
    {
        var (tensors, metadata) = Read();
        try
        {
            var info = ParseInfo(metadata);
            model.LoadStateDict(Part(tensors, "model."));
            return info;
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or TorchException)
        {
            throw new TensorArchiveException($"{File} does not fit this experiment's model ({FirstLine(e.Message)})");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private (Dictionary<string, Tensor> Tensors, string Metadata) Read()
    {
        using var stream = System.IO.File.OpenRead(File);
        return TensorArchive.Read(stream);
    }

    /// <summary>The metadata, checked for what a resume relies on (System.Text.Json leaves missing fields null).</summary>
    private CheckpointInfo ParseInfo(string metadata)
    {
        CheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<CheckpointInfo>(metadata, RunResultJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new TensorArchiveException($"{File} has unreadable metadata ({FirstLine(e.Message)})");
        }
        var problem = info switch
        {
            null => "no metadata",
            { Result: null } => "no result in its metadata",
            { Result.Epochs: null } or { Result.Spec: null } or { Result.Confusion: null } or { Result.Misclassified: null } =>
                "an incomplete result in its metadata",
            { Epoch: < 0 } or { SchedulerStep: < 0 } => "a negative epoch or scheduler step",
            _ when info.Result.Epochs.Count != info.Epoch || info.Result.Epochs.Any(e => e is null) =>
                $"metadata for epoch {info.Epoch} but {info.Result.Epochs.Count} epoch records",
            _ => null,
        };
        return problem is null ? info! : throw new TensorArchiveException($"{File} has {problem}");
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static Dictionary<string, Tensor> Part(Dictionary<string, Tensor> all, string prefix) =>
        all.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[prefix.Length..], e => e.Value);
}
