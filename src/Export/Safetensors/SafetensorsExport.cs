using Norms.Data;
using Norms.Models;

namespace Norms.Export.Safetensors;

/// <summary>A trained model as PyTorch's state_dict in safetensors: the tensors under the names nn.Module gives them (so
/// load_state_dict(strict=True) takes the file as it is), and metadata saying what it is: "format": "pt" (what PyTorch
/// writers put there), the experiment, and its whole spec as JSON, so the file alone says how to build the model.</summary>
public static class SafetensorsExport
{
    public static SafetensorsFile Of(TrainedModel trained) => new(StateDictTensors.Of(trained.Model), Metadata(trained.Spec));

    public static IReadOnlyDictionary<string, string> Metadata(ExperimentSpec spec) => new Dictionary<string, string>
    {
        ["format"] = "pt",
        ["norms_experiment"] = spec.Name,
        ["norms_dataset"] = spec.Dataset,
        ["norms_model"] = spec.Model.Name,
        ["norms_norm"] = spec.Norm.ShortName,
        ["norms_spec"] = System.Text.Json.Nodes.JsonNode.Parse(ExperimentSpecJson.Serialize(spec))!.ToJsonString(), // one line
    };

    /// <summary>Writes the file whole (<see cref="AtomicFile"/>): a reader never sees half of one.</summary>
    public static void Write(TrainedModel trained, string file)
    {
        var bytes = SafetensorsWriter.ToBytes(Of(trained));
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFile.WriteAllBytes(file, bytes);
    }
}
