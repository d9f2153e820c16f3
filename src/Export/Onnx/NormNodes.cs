using static Norms.Export.Onnx.OnnxAttribute;

namespace Norms.Export.Onnx;

/// <summary>
/// A block's norm in evaluation mode as ONNX nodes. Batch norm (and instance norm with running statistics, which
/// PyTorch evaluates the same way) is BatchNormalization on the running statistics. Instance norm without them is
/// InstanceNormalization. Group norm, the seeds' "LN" (GroupNorm(1, C)) and nn.LayerNorm over [C, H, W] are written
/// out from ReduceMean, Sub, Mul, Add, Sqrt and Div over the groups (see <see cref="Standardize"/>), then their affine:
/// per channel ([C, 1, 1]) for the group norms, per element ([C, H, W]) for the layer norm. Values are named after
/// the norm's module ("features.0.1") and the step ("features.0.1/mean"); its tensors keep their state_dict names.
/// </summary>
internal sealed class NormNodes(OnnxGraph graph, StateTensors state)
{
    public string Write(NormSpec norm, string module, string x, int channels, int height, int width) => norm switch
    {
        BatchNorm bn when bn.TrackRunningStats => RunningStats(module, x, channels, bn.Affine, bn.Eps),
        BatchNorm => throw OnnxExportException.NoRunningStats(module),
        InstanceNorm inn when inn.TrackRunningStats => RunningStats(module, x, channels, inn.Affine, inn.Eps),
        InstanceNorm inn => graph.Node("InstanceNormalization", module,
            [x, Affine(module, "weight", channels, inn.Affine, 1f, [channels]), Affine(module, "bias", channels, inn.Affine, 0f, [channels])],
            module, Float("epsilon", inn.Eps)),
        GroupNorm gn => PerChannelAffine(module, Standardize(module, x, gn.GroupsFor(channels)!.Value, gn.Eps), channels, gn.Affine),
        GroupLayerNorm gl => PerChannelAffine(module, Standardize(module, x, 1, gl.Eps), channels, gl.Affine),
        LayerNorm ln => ElementwiseAffine(module, Standardize(module, x, 1, ln.Eps), channels, height, width, ln.ElementwiseAffine),
        _ => throw new ArgumentException($"{module}: no ONNX form for norm {norm.GetType().Name}"),
    };

    // Y = (X - running_mean) / sqrt(running_var + eps) * weight + bias: PyTorch's eval-mode batch_norm.
    private string RunningStats(string module, string x, int channels, bool affine, double eps) =>
        graph.Node("BatchNormalization", module,
            [
                x,
                Affine(module, "weight", channels, affine, 1f, [channels]),
                Affine(module, "bias", channels, affine, 0f, [channels]),
                graph.Initializer($"{module}.running_mean", state.Values($"{module}.running_mean", channels), channels),
                graph.Initializer($"{module}.running_var", state.Values($"{module}.running_var", channels), channels),
            ],
            module, Float("epsilon", eps));

    /// <summary>
    /// Normalizes each sample's groups: X [N, C, H, W] → [N, G, C/G·H·W], minus the group's mean, over
    /// sqrt(biased variance + eps), back to X's shape. The mean and variance are ReduceMean over the last axis, so the
    /// batch axis stays symbolic (Reshape's 0 copies N).
    /// </summary>
    private string Standardize(string module, string x, int groups, double eps)
    {
        var axes = graph.SharedInt64("axes.last_of_3", 2);
        var shape = graph.Node("Shape", $"{module}/shape", [x], $"{module}/shape");
        var grouping = graph.Int64Initializer($"{module}/grouped_shape", [0, groups, -1], 3);
        var grouped = graph.Node("Reshape", $"{module}/grouped", [x, grouping], $"{module}/grouped");
        var mean = graph.Node("ReduceMean", $"{module}/mean", [grouped, axes], $"{module}/mean", Int("keepdims", 1));
        var centered = graph.Node("Sub", $"{module}/centered", [grouped, mean], $"{module}/centered");
        var squared = graph.Node("Mul", $"{module}/squared", [centered, centered], $"{module}/squared");
        var variance = graph.Node("ReduceMean", $"{module}/variance", [squared, axes], $"{module}/variance", Int("keepdims", 1));
        var epsilon = graph.Initializer($"{module}/eps", [(float)eps]);
        var padded = graph.Node("Add", $"{module}/variance_eps", [variance, epsilon], $"{module}/variance_eps");
        var deviation = graph.Node("Sqrt", $"{module}/std", [padded], $"{module}/std");
        var normalized = graph.Node("Div", $"{module}/normalized_groups", [centered, deviation], $"{module}/normalized_groups");
        return graph.Node("Reshape", $"{module}/normalized", [normalized, shape], $"{module}/normalized");
    }

    private string PerChannelAffine(string module, string x, int channels, bool affine)
    {
        if (!affine) return x;
        var scaled = graph.Node("Mul", $"{module}/scaled", [x, Affine(module, "weight", channels, true, 1f, [channels, 1, 1])], $"{module}/scaled");
        return graph.Node("Add", module, [scaled, Affine(module, "bias", channels, true, 0f, [channels, 1, 1])], module);
    }

    private string ElementwiseAffine(string module, string x, int channels, int height, int width, bool affine)
    {
        if (!affine) return x;
        long count = (long)channels * height * width;
        var weight = graph.Initializer($"{module}.weight", state.Values($"{module}.weight", count), channels, height, width);
        var bias = graph.Initializer($"{module}.bias", state.Values($"{module}.bias", count), channels, height, width);
        var scaled = graph.Node("Mul", $"{module}/scaled", [x, weight], $"{module}/scaled");
        return graph.Node("Add", module, [scaled, bias], module);
    }

    // A per-channel weight or bias: the model's when the norm is affine, else the identity's (ones or zeros), which
    // BatchNormalization and InstanceNormalization require as inputs.
    private string Affine(string module, string which, int channels, bool affine, float identity, long[] dims) =>
        affine
            ? graph.Initializer($"{module}.{which}", state.Values($"{module}.{which}", channels), dims)
            : graph.Initializer($"{module}/{which}_identity", Enumerable.Repeat(identity, channels).ToArray(), dims);
}
