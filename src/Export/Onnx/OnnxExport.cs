using Norms.Data;
using Norms.Models;

namespace Norms.Export.Onnx;

/// <summary>
/// A compiled model's evaluation-mode forward pass as an ONNX model (docs/SPEC.md, "ONNX export"). Input
/// <see cref="InputName"/>: float32 [N, C, H, W] pixels scaled to [0, 1], N symbolic (<see cref="BatchDimension"/>);
/// the graph's first nodes apply the dataset's normalization, (x − mean[c]) / std[c], as the batch pipeline does.
/// Output <see cref="OutputName"/>: float32 [N, classes] log-probabilities. Opset <see cref="Opset"/> of the default
/// domain. The model's mode is not read or changed: the graph is what <c>model.Eval()</c> computes (dropout left out,
/// batch norms on their running statistics).
/// </summary>
public static class OnnxExport
{
    public const string InputName = "pixels";
    public const string OutputName = "log_probs";
    public const string BatchDimension = "N";

    /// <summary>
    /// The opset the graph is stamped with. 18 is the first with ReduceMean's axes as an input, the newest form of
    /// every operator used here (Conv, BatchNormalization, InstanceNormalization, Reshape, ReduceMean, MaxPool, …), so
    /// any runtime implementing opset 18 or later runs it: ONNX Runtime from 1.14. 1.31.1, the one the lab ships and tests
    /// with, loads opsets 7 to 26 (OnnxRuntimeOpsetTests). Nothing here needs a later one: group norm is written out
    /// rather than opset 21's GroupNormalization.
    /// </summary>
    public const long Opset = 18;

    /// <summary>The ONNX IR version that goes with opset 18 (ONNX 1.13).</summary>
    public const long IrVersion = 8;

    /// <summary>The model as the bytes of an .onnx file.</summary>
    /// <param name="stats">the dataset's per-channel mean and std of [0, 1] pixels (<see cref="Dataset.Stats"/>).</param>
    /// <exception cref="OnnxExportException">a layer has no inference form (a batch norm without running statistics).</exception>
    public static byte[] ToBytes(CompiledModel model, ChannelStats stats)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stats);
        var spec = model.Spec;
        var input = spec.Input;
        if (stats.Channels != input.Channels)
            throw new ArgumentException($"the statistics have {stats.Channels} channels, {spec.Name} takes {input.Channels}");

        var graph = new OnnxGraph(InputName);
        var normalized = InputNormalization(graph, stats);
        var network = new NetworkNodes(graph, new StateTensors(model.StateDict()), spec, model.Analysis, OutputName);
        var last = network.Sequence(spec.Layers, "", normalized);
        if (last != OutputName)
            throw new InvalidOperationException($"{spec.Name} does not end in its log-softmax head");

        graph.Metadata("norms.model", spec.Name);
        graph.Metadata("norms.norms", string.Join(",", spec.BlockNorms().Select(n => n.ShortName).Distinct()));
        var version = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0";
        return graph.ToModelBytes(
            spec.Name,
            InputName, [null, input.Channels, input.Height, input.Width],
            OutputName, [null, spec.Classes],
            BatchDimension, IrVersion, Opset, "norms", version,
            $"{spec.Name} in evaluation mode. Input '{InputName}': float32 [N, {input.Channels}, {input.Height}, {input.Width}] " +
            $"pixels in [0, 1], normalized inside the graph. Output '{OutputName}': float32 [N, {spec.Classes}] log-probabilities.");
    }

    /// <summary>Writes <see cref="ToBytes"/> to <paramref name="path"/> atomically (a refused model writes nothing).</summary>
    public static void WriteFile(CompiledModel model, ChannelStats stats, string path) =>
        AtomicFile.WriteAllBytes(path, ToBytes(model, stats));

    // (pixels - mean) / std per channel, the batch pipeline's PixelNormalization on [0, 1] values.
    private static string InputNormalization(OnnxGraph graph, ChannelStats stats)
    {
        var c = stats.Channels;
        var mean = graph.Initializer("input.mean", stats.Mean, 1, c, 1, 1);
        var std = graph.Initializer("input.std", stats.Std, 1, c, 1, 1);
        var centered = graph.Node("Sub", "input/centered", [InputName, mean], "input/centered");
        return graph.Node("Div", "input/normalized", [centered, std], "input/normalized");
    }
}
