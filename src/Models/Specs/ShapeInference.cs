using System.Globalization;

namespace Norms.Models;

/// <summary>
/// Pure shape inference over a whole <see cref="ModelSpec"/>: walks the layers in order, computes each
/// output shape and parameter count, and collects every problem with its layer path. Keeps going
/// after an error (assuming the layer's declared channels) so one pass reports everything.
/// </summary>
public static class ShapeInference
{
    public static ModelAnalysis Analyze(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var walk = new Walk(spec);
        return walk.Run();
    }

    /// <summary>Per-sample tensor shape; <see cref="Flat"/> after the head (just C).</summary>
    private sealed record S(int C, int H, int W, bool Flat = false)
    {
        public ValueList<int> Dims => Flat ? [C] : [C, H, W];

        public override string ToString() => Flat ? C.ToString(CultureInfo.InvariantCulture) : $"{C}x{H}x{W}";
    }

    private sealed class Walk(ModelSpec spec)
    {
        private readonly List<LayerInfo> rows = [];
        private readonly List<SpecError> errors = [];

        public ModelAnalysis Run()
        {
            CheckModel();
            var rootIndex = rows.Count;
            rows.Add(null!); // the model row, filled once the output is known
            var input = spec.Input is { Channels: > 0 and <= ModelLimits.MaxChannels, Height: > 0 and <= ModelLimits.MaxSize, Width: > 0 and <= ModelLimits.MaxSize } i
                ? new S(i.Channels, i.Height, i.Width)
                : null;
            var output = spec.Layers is null ? null : Sequence(spec.Layers, "", "", 1, input);
            if (spec.Layers is { Count: > 0 } && spec.Layers[^1] is not LogSoftmaxHead)
                Error("layers", $"the model must end with a log-softmax head; add a LogSoftmaxHead after a 1x1 conv to {spec.Classes} channels");
            rows[rootIndex] = new LayerInfo("", "", spec.Name, "Model", 0, false, output?.Dims, 0, 0);
            var analysis = new ModelAnalysis(spec, rows, errors, output?.Dims);
            CheckTotals(analysis);
            return analysis;
        }

        private void CheckModel()
        {
            if (string.IsNullOrWhiteSpace(spec.Name))
                Error("name", "the model needs a name; give e.g. \"mnist8k\"");
            if (spec.Input is null || spec.Input.Channels <= 0 || spec.Input.Height <= 0 || spec.Input.Width <= 0)
                Error("input", $"input channels, height and width must be positive, got {spec.Input?.ToString() ?? "none"}; use e.g. 1x28x28");
            else if (spec.Input.Channels > ModelLimits.MaxChannels || spec.Input.Height > ModelLimits.MaxSize || spec.Input.Width > ModelLimits.MaxSize)
                Error("input", $"input {spec.Input} is too large: at most {ModelLimits.MaxChannels} channels and {ModelLimits.MaxSize}x{ModelLimits.MaxSize} pixels; use the dataset's image size");
            if (spec.Classes <= 0)
                Error("classes", $"classes must be positive, got {spec.Classes}; use e.g. 10");
            else if (spec.Classes > ModelLimits.MaxChannels)
                Error("classes", $"classes must be at most {ModelLimits.MaxChannels}, got {spec.Classes}; use the dataset's number of classes");
            if (spec.Layers is null || spec.Layers.Count == 0)
                Error("layers", "the model has no layers; add at least a conv, a global average pool and a LogSoftmaxHead");
            if (spec.Norm is null)
                Error("norm", "the model needs a norm; use NoNorm for none");
            CheckDropout("dropout", spec.Dropout);
            var reg = spec.Regularization;
            if (reg is null)
                Error("regularization", "regularization is missing; use Regularization.None");
            else
            {
                CheckFactor("regularization.l1", reg.L1);
                CheckFactor("regularization.l2", reg.L2);
            }
        }

        private void CheckTotals(ModelAnalysis analysis)
        {
            var leaves = rows.Count(r => r.IsLeaf);
            if (leaves > ModelLimits.MaxLayers)
                Error("layers", $"the model has {N(leaves)} layers, more than the {N(ModelLimits.MaxLayers)} allowed; use fewer");
            if (analysis.TotalParams > ModelLimits.MaxParameters)
                Error("layers", $"the model has {N(analysis.TotalParams)} parameters, more than the {N(ModelLimits.MaxParameters)} allowed; use fewer or narrower layers");
            if (analysis.ActivationsPerSample > ModelLimits.MaxActivationsPerSample)
                Error("layers", $"a forward pass keeps {N(analysis.ActivationsPerSample)} values per sample, more than the {N(ModelLimits.MaxActivationsPerSample)} allowed; "
                    + "downsample earlier (a pool or a strided conv) or use narrower layers");
        }

        private void CheckDropout(string path, double p)
        {
            if (!(p >= 0 && p < 1))
                Error(path, $"dropout must be in [0, 1), got {Format(p)}; use e.g. 0.05, or 0 for none");
        }

        private void CheckFactor(string path, double v)
        {
            if (!(v >= 0) || double.IsInfinity(v))
                Error(path, $"must be a finite number >= 0, got {Format(v)}; use 0 for none or e.g. 1e-5");
        }

        private S? Sequence(ValueList<Layer> layers, string path, string module, int depth, S? x)
        {
            var outputs = new Dictionary<string, S?>(StringComparer.Ordinal);
            for (var i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                var childPath = layer?.Name is { } n ? (path.Length == 0 ? n : $"{path}.{n}") : $"{(path.Length == 0 ? "layers" : path)}[{i}]";
                var childModule = Join(module, layer?.Name ?? i.ToString(CultureInfo.InvariantCulture));
                if (layer is null)
                {
                    Error(childPath, "the layer is null; remove it");
                    continue;
                }
                if (layer.Name is { } name)
                {
                    if (name.Length == 0 || name.Contains('.') || name.Contains('[') || char.IsDigit(name[0]))
                        Error(childPath, $"layer name '{name}' is not usable; use letters, digits and '_' starting with a letter");
                    else if (outputs.ContainsKey(name)) // at its index: by name, the path would be the first layer's
                        Error($"{(path.Length == 0 ? "layers" : path)}[{i}]", $"the name '{name}' is used twice in this sequence; give each layer its own name");
                }
                if (x is { Flat: true })
                    Error(childPath, "comes after the log-softmax head; the head must be the last layer");
                x = Layer(layer, childPath, childModule, depth, x, outputs, layers.Count - 1 == i);
                if (layer.Name is { Length: > 0 } key)
                    outputs.TryAdd(key, x);
            }
            return x;
        }

        private S? Layer(Layer layer, string path, string module, int depth, S? x, Dictionary<string, S?> earlier, bool last)
        {
            var label = layer.Name ?? module[(module.LastIndexOf('.') + 1)..];
            switch (layer)
            {
                case Conv conv:
                    return ConvRow(conv, path, module, label, depth, x);
                case Block block:
                {
                    var at = rows.Count;
                    rows.Add(null!);
                    var y = ConvRow(block.Conv, $"{path}.conv", Join(module, "0"), "0", depth + 1, x);
                    var norm = block.Norm ?? spec.Norm;
                    if (norm is not null and not NoNorm)
                        y = NormRow(norm, $"{path}.norm", Join(module, "1"), depth + 1, y);
                    Leaf($"{path}.relu", Join(module, "2"), "2", "ReLU", depth + 1, y, 0, 0);
                    if (block.Dropout is { } p)
                        CheckDropout($"{path}.dropout", p);
                    Leaf($"{path}.dropout", Join(module, "3"), "3", "Dropout", depth + 1, y, 0, 0);
                    rows[at] = new LayerInfo(path, module, label, "Block", depth, false, y?.Dims, 0, 0);
                    return y;
                }
                case MaxPool pool:
                {
                    var stride = pool.Stride ?? pool.Kernel;
                    if (pool.Kernel < 1)
                        Error(path, $"kernel must be >= 1, got {pool.Kernel}; use e.g. 2");
                    if (stride < 1)
                        Error(path, $"stride must be >= 1, got {stride}; leave it out to use the kernel size");
                    var sane = pool.Kernel <= ModelLimits.MaxKernel && stride <= ModelLimits.MaxKernel;
                    if (!sane)
                        Error(path, $"kernel and stride must be at most {ModelLimits.MaxKernel}, got {pool.Kernel} and {stride}; use e.g. 2");
                    var y = Spatial(x, path, "max-pool") is { } s && pool.Kernel >= 1 && stride >= 1 && sane
                        ? Shrink(s, path, Out(s.H, pool.Kernel, 0, stride), Out(s.W, pool.Kernel, 0, stride), $"max-pool {pool.Kernel}")
                        : null;
                    Leaf(path, module, label, "MaxPool2d", depth, y, 0, 0);
                    return y;
                }
                case GlobalAvgPool:
                {
                    var y = Spatial(x, path, "global average pool") is { } s ? new S(s.C, 1, 1) : null;
                    Leaf(path, module, label, "AdaptiveAvgPool2d", depth, y, 0, 0);
                    return y;
                }
                case Sequential seq:
                {
                    var at = rows.Count;
                    rows.Add(null!);
                    if (seq.Layers is null || seq.Layers.Count == 0)
                        Error(path, "the sequence is empty; add layers or remove it");
                    var tooDeep = depth > ModelLimits.MaxDepth;
                    if (tooDeep)
                        Error(path, $"sequences nest more than {ModelLimits.MaxDepth} deep here; flatten them");
                    var y = seq.Layers is null || tooDeep ? (tooDeep ? null : x) : Sequence(seq.Layers, path, module, depth + 1, x);
                    rows[at] = new LayerInfo(path, module, label, "Sequential", depth, false, y?.Dims, 0, 0);
                    return y;
                }
                case ResidualAdd add:
                {
                    S? y = x;
                    if (add.From is null || !earlier.TryGetValue(add.From, out var from))
                    {
                        var names = earlier.Keys.ToList();
                        Error(path, $"no earlier layer named '{add.From}' in this sequence; "
                            + (names.Count == 0 ? "name an earlier layer of this sequence and refer to it" : $"use one of {string.Join(", ", names)}"));
                    }
                    else if (from is not null && x is not null && from != x)
                    {
                        Error(path, $"adds {add.From}'s output {from} to {x}; shapes must match (make the layers in between keep {from})");
                    }
                    Leaf(path, module, label, "ResidualAdd", depth, y, 0, 0);
                    return y;
                }
                case LogSoftmaxHead:
                {
                    S? y = null;
                    if (!last || depth != 1)
                        Error(path, "the log-softmax head must be the model's last layer; move it to the end");
                    if (x is { Flat: false } s)
                    {
                        if (s.H != 1 || s.W != 1)
                            Error(path, $"the head needs a Cx1x1 input, got {s}; add a GlobalAvgPool before it");
                        if (s.C != spec.Classes)
                            Error(path, $"the head receives {s.C} channels but the model has {spec.Classes} classes; make the last conv produce {spec.Classes} channels");
                        y = new S(s.C * s.H * s.W, 1, 1, Flat: true);
                    }
                    Leaf(path, module, label, "LogSoftmax", depth, y, 0, 0);
                    return y;
                }
                default:
                    Error(path, $"unknown layer type {layer.GetType().Name}; use Conv, Block, MaxPool, GlobalAvgPool, Sequential, ResidualAdd or LogSoftmaxHead");
                    return null;
            }
        }

        private S? ConvRow(Conv? conv, string path, string module, string label, int depth, S? x)
        {
            if (conv is null)
            {
                Error(path, "the block has no conv; give one");
                return null;
            }
            var ok = true;
            void Bad(string msg) { Error(path, msg); ok = false; }
            if (conv.In < 1) Bad($"input channels must be >= 1, got {conv.In}");
            if (conv.Out < 1) Bad($"output channels must be >= 1, got {conv.Out}; use e.g. 16");
            if (conv.Kernel < 1) Bad($"kernel must be >= 1, got {conv.Kernel}; use e.g. 3");
            if (conv.Padding < 0) Bad($"padding must be >= 0, got {conv.Padding}; use 0 or (kernel - 1) / 2 to keep the size");
            if (conv.Stride < 1) Bad($"stride must be >= 1, got {conv.Stride}; use 1");
            if (conv.In > ModelLimits.MaxChannels || conv.Out > ModelLimits.MaxChannels)
                Bad($"channels must be at most {ModelLimits.MaxChannels}, got {conv.In} -> {conv.Out}; use fewer");
            if (conv.Kernel > ModelLimits.MaxKernel || conv.Padding > ModelLimits.MaxKernel || conv.Stride > ModelLimits.MaxKernel)
                Bad($"kernel, padding and stride must be at most {ModelLimits.MaxKernel}, got {conv.Kernel}, {conv.Padding} and {conv.Stride}; use e.g. kernel 3, padding 1, stride 1");
            S? y = null;
            var s = Spatial(x, path, "conv");
            if (s is not null && conv.In >= 1 && conv.In <= ModelLimits.MaxChannels && s.C != conv.In)
                Error(path, $"expects {conv.In} input channels but receives {s.C}; make it Conv({s.C}, {conv.Out}, ...) or change the layer before");
            if (s is not null && ok)
                y = Shrink(new S(conv.Out, s.H, s.W), path,
                    Out(s.H, conv.Kernel, conv.Padding, conv.Stride), Out(s.W, conv.Kernel, conv.Padding, conv.Stride),
                    $"a {conv.Kernel}x{conv.Kernel} conv with padding {conv.Padding} and stride {conv.Stride}");
            long weights = ok ? (long)conv.In * conv.Out * conv.Kernel * conv.Kernel : 0;
            long bias = ok && conv.Bias ? conv.Out : 0;
            var macs = y is null ? 0 : (weights + bias) * y.H * y.W;
            Leaf(path, module, label, "Conv2d", depth, y, weights + bias, macs);
            return y;
        }

        private S? NormRow(NormSpec norm, string path, string module, int depth, S? x)
        {
            if (x is not null)
                foreach (var error in NormValidation.Validate(norm, x.C, x.H, x.W))
                    Error(path, error.Message);
            var (type, parameters) = norm switch
            {
                BatchNorm bn => ("BatchNorm2d", bn.Affine ? 2L : 0L),
                GroupNorm gn => ("GroupNorm", gn.Affine ? 2L : 0L),
                GroupLayerNorm gln => ("GroupNorm", gln.Affine ? 2L : 0L),
                LayerNorm ln => ("LayerNorm", ln.ElementwiseAffine ? 2L * (x?.H ?? 0) * (x?.W ?? 0) : 0L),
                InstanceNorm inorm => ("InstanceNorm2d", inorm.Affine ? 2L : 0L),
                _ => ("?", 0L),
            };
            if (type == "?")
                Error(path, $"unknown norm {norm.GetType().Name}; use bn, gn, ln, layernorm, in or none");
            var count = x is null ? 0 : parameters * x.C;
            Leaf(path, module, "1", type, depth, x, count, count);
            return x;
        }

        private S? Spatial(S? x, string path, string what)
        {
            if (x is { Flat: true })
            {
                Error(path, $"a {what} needs a CxHxW input but the head already flattened it; move it before the head");
                return null;
            }
            return x;
        }

        private S? Shrink(S s, string path, int h, int w, string what)
        {
            if (h >= 1 && w >= 1)
                return s with { H = h, W = w };
            Error(path, $"{what} turns {s.H}x{s.W} into {h}x{w}: the spatial size reaches 0; add padding, remove a pool or downsampling layer before it, or use a larger input");
            return null;
        }

        private static int Out(int size, int kernel, int padding, int stride) =>
            (int)Math.Floor((size + 2.0 * padding - kernel) / stride) + 1;

        private void Leaf(string path, string module, string label, string type, int depth, S? y, long parameters, long macs) =>
            rows.Add(new LayerInfo(path, module, label, type, depth, true, y?.Dims, parameters, macs));

        private void Error(string path, string message) => errors.Add(new SpecError(path, message));

        private static string Join(string a, string b) => a.Length == 0 ? b : $"{a}.{b}";

        private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

        private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
