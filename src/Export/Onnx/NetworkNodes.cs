using Norms.Models;
using static Norms.Export.Onnx.OnnxAttribute;

namespace Norms.Export.Onnx;

/// <summary>
/// A network spec's layers as ONNX nodes, in the order and with the module names the engine gives them
/// (<c>SequenceModule</c>: a layer's name, else its index, prefixed by its sequence's). Each value is named after the
/// module that makes it ("features.0.0" the first block's conv, "features.0.2" its ReLU); the weights keep their
/// state_dict names ("features.0.0.weight"). Evaluation mode: a block is conv → norm → ReLU, its dropout left out.
/// </summary>
internal sealed class NetworkNodes(OnnxGraph graph, StateTensors state, ModelSpec spec, ModelAnalysis analysis, string output)
{
    private readonly NormNodes norms = new(graph, state);

    /// <summary>The nodes of <paramref name="layers"/> applied to <paramref name="x"/>; returns the last value.</summary>
    public string Sequence(IReadOnlyList<Layer> layers, string prefix, string x)
    {
        // A residual adds the output of an earlier sibling named in the same list, as the engine keeps them.
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var name = layer.Name ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var module = prefix.Length == 0 ? name : $"{prefix}.{name}";
            var value = ValueName(module);
            x = layer switch
            {
                Conv conv => Convolution(conv, module, value, x),
                Block block => BlockNodes(block, module, x),
                MaxPool pool => graph.Node("MaxPool", module, [x], value,
                    Ints("kernel_shape", pool.Kernel, pool.Kernel), Ints("strides", pool.Stride ?? pool.Kernel, pool.Stride ?? pool.Kernel)),
                GlobalAvgPool => graph.Node("GlobalAveragePool", module, [x], value),
                Sequential seq => Sequence(seq.Layers, module, x),
                ResidualAdd add => graph.Node("Add", module, [x, named[add.From]], value),
                LogSoftmaxHead => Head(module, x),
                _ => throw new ArgumentException($"{module}: no ONNX form for layer {layer.GetType().Name}"),
            };
            if (layer.Name is { } own) named[own] = x;
        }
        return x;
    }

    /// <summary>The value a module makes is named after it, except where a top-level layer is named like the graph's
    /// input or output ("pixels", "log_probs"): those names belong to the graph's interface, so its value gets a
    /// suffix instead of refusing the model.</summary>
    private string ValueName(string module) =>
        module == OnnxExport.InputName || module == output ? $"{module}/value" : module;

    private string BlockNodes(Block block, string module, string x)
    {
        var conv = Convolution(block.Conv, $"{module}.0", $"{module}.0", x);
        var norm = block.Norm ?? spec.Norm;
        var normalized = conv;
        if (norm is not NoNorm)
        {
            var shape = OutputShape($"{module}.0");
            normalized = norms.Write(norm, $"{module}.1", conv, shape[0], shape[1], shape[2]);
        }
        return graph.Node("Relu", $"{module}.2", [normalized], $"{module}.2");
    }

    // nn.Conv2d: weight [out, in, k, k] (row-major whatever the engine's layout), bias [out] when it has one.
    private string Convolution(Conv conv, string module, string output, string x)
    {
        var weight = graph.Initializer($"{module}.weight",
            state.Values($"{module}.weight", (long)conv.Out * conv.In * conv.Kernel * conv.Kernel), conv.Out, conv.In, conv.Kernel, conv.Kernel);
        string[] inputs = conv.Bias
            ? [x, weight, graph.Initializer($"{module}.bias", state.Values($"{module}.bias", conv.Out), conv.Out)]
            : [x, weight];
        return graph.Node("Conv", module, inputs, output,
            Ints("kernel_shape", conv.Kernel, conv.Kernel),
            Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding),
            Ints("strides", conv.Stride, conv.Stride));
    }

    // Flatten [N, C, 1, 1] to [N, C], log-softmax over the classes: the graph's output.
    private string Head(string module, string x)
    {
        var flat = graph.Node("Flatten", $"{module}/flatten", [x], $"{module}/flatten", Int("axis", 1));
        return graph.Node("LogSoftmax", module, [flat], output, Int("axis", 1));
    }

    private IReadOnlyList<int> OutputShape(string module) =>
        analysis.Layers.Single(l => l.ModuleName == module).OutputShape
        ?? throw new InvalidOperationException($"{module}: shape inference left its output unknown");
}
