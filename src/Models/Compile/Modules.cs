using Norms.Layers;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Models;

/// <summary>
/// Runs a list of layers. Children are registered on the owner (the model, or a nested Sequential) under
/// the layer's name or index, as nn.Sequential and the reference's named attributes are; residual adds
/// hold no module (the reference adds in forward). Intermediate outputs are disposed as soon as the
/// next layer has consumed them (autograd keeps what it needs), those a residual add refers to at the
/// end of the sequence, the input never.
/// </summary>
internal sealed class SequenceModule
{
    private readonly List<(string? Name, Module? Module, string? AddFrom)> steps = [];
    private readonly HashSet<string> referenced = new(StringComparer.Ordinal);

    private SequenceModule()
    {
    }

    public static SequenceModule Build(Module owner, ValueList<Layer> layers, ModelSpec spec, ModelAnalysis analysis, string prefix, ModuleBuild build)
    {
        var sequence = new SequenceModule();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var name = layer.Name ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var moduleName = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (layer is ResidualAdd add)
            {
                sequence.steps.Add((layer.Name, null, add.From));
                sequence.referenced.Add(add.From);
                continue;
            }
            var info = analysis.Layers.Single(l => l.ModuleName == moduleName);
            Module module = layer switch
            {
                Conv conv => new ConvModule(conv, build),
                Block block => new BlockModule(block, spec, analysis, moduleName, build),
                MaxPool pool => new MaxPoolModule(pool.Kernel, pool.Stride ?? pool.Kernel),
                GlobalAvgPool => new GlobalAvgPoolModule(),
                Sequential seq => new SequentialModule(seq, spec, analysis, moduleName, build),
                LogSoftmaxHead => new LogSoftmaxModule(),
                _ => throw new ArgumentException($"{info.Path}: unknown layer type {layer.GetType().Name}"),
            };
            Register(owner, name, module);
            sequence.steps.Add((layer.Name, module, null));
        }
        return sequence;
    }

    private static void Register(Module owner, string name, Module module)
    {
        switch (owner)
        {
            case CompiledModel model: model.Adopt(name, module); break;
            case SequentialModule seq: seq.Adopt(name, module); break;
            default: throw new InvalidOperationException($"{owner.GetType().Name} cannot hold layers");
        }
    }

    public Tensor Forward(Tensor input)
    {
        var x = input;
        var kept = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, module, addFrom) in steps)
        {
            var y = module is not null ? module.Forward(x) : x + kept[addFrom!];
            if (!ReferenceEquals(x, input) && !kept.ContainsValue(x))
                x.Dispose();
            x = y;
            if (name is not null && referenced.Contains(name))
                kept[name] = x; // a later residual add needs it
        }
        foreach (var t in kept.Values)
            if (!ReferenceEquals(t, x) && !ReferenceEquals(t, input))
                t.Dispose();
        return x;
    }
}

/// <summary>nn.Sequential: children "0", "1", ... (or their names).</summary>
internal sealed class SequentialModule : Module
{
    private readonly SequenceModule body;

    public SequentialModule(Sequential seq, ModelSpec spec, ModelAnalysis analysis, string moduleName, ModuleBuild build) =>
        body = SequenceModule.Build(this, seq.Layers, spec, analysis, moduleName, build);

    internal void Adopt(string name, Module module) => RegisterModule(name, module);

    public override Tensor Forward(Tensor input) => body.Forward(input);
}

/// <summary>nn.Conv2d with PyTorch's default initialization.</summary>
internal sealed class ConvModule : Module
{
    private readonly Tensor weight;
    private readonly Tensor? bias;
    private readonly Conv spec;
    private readonly bool direct;

    /// <summary>The kernel, [out, in, k, k]: what L1 regularizes.</summary>
    public Tensor Weight => weight;

    public ConvModule(Conv spec, ModuleBuild build)
    {
        this.spec = spec;
        // Channels-last models only: a one-channel input is channels-last and channels-first at once, and the kernels'
        // channels-last output would turn a channels-first model's later layers channels-last.
        direct = build.DirectConvolutions && build.ChannelsLast && spec.Kernel == 3 && spec.Stride == 1 && !spec.Bias && spec.Padding <= 1;
        // nn.Conv2d.reset_parameters: kaiming_uniform_(a=sqrt(5)) then uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))
        // for the bias. The bound is computed with PyTorch's own arithmetic so the float32 draws match.
        long fanIn = (long)spec.In * spec.Kernel * spec.Kernel;
        var a = Math.Sqrt(5.0);
        var gain = Math.Sqrt(2.0 / (1 + a * a));
        var bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        weight = RegisterParameter("weight", Initialized([spec.Out, spec.In, spec.Kernel, spec.Kernel], bound, build));
        if (spec.Bias)
            bias = RegisterParameter("bias", Initialized([spec.Out], fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0, build));
    }

    // Drawn on the model's own CPU generator (the stream torch.manual_seed starts), as PyTorch's constructor draws
    // before any .to(device).
    // A 4-d kernel is laid out channels-last when the model is (LayoutPolicy; same values, and oneDNN then
    // convolves without reordering it every call).
    private static Tensor Initialized(long[] shape, double bound, ModuleBuild build)
    {
        var device = build.Device;
        var cpu = Tensor.Zeros(shape, ScalarType.Float32, Device.Cpu).UniformInPlace(-bound, bound, build.Init);
        if (device == Device.Cpu && shape.Length == 4 && build.ChannelsLast)
        {
            using (cpu)
                return cpu.Contiguous(MemoryFormat.ChannelsLast);
        }
        if (device == Device.Cpu)
            return cpu;
        using (cpu)
            return cpu.To(device);
    }

    // The shim's direct kernels take what they can (float32 channels-last, small channel counts) and pass the rest on.
    public override Tensor Forward(Tensor input) => direct
        ? Functional.Conv3x3(input, weight, spec.Padding, out _)
        : Functional.Conv2d(input, weight, bias, (spec.Stride, spec.Stride), (spec.Padding, spec.Padding));
}

/// <summary>conv -> norm -> ReLU -> dropout as nn.Sequential children "0" .. "3" (no "1" without a norm). ReLU and
/// dropout run together (<see cref="Functional.ReluDropout"/>: one kernel when fused, the stock relu times the same
/// mask when not), keyed by the block's module name and the batch's position; children "2" and "3" keep PyTorch's
/// names and the dropout probability.</summary>
internal sealed class BlockModule : Module
{
    private readonly Module[] layers;
    private readonly DropoutModule dropout;
    private readonly string moduleName;
    private readonly DropoutSource streams;
    private readonly bool fused;

    public BlockModule(Block block, ModelSpec spec, ModelAnalysis analysis, string moduleName, ModuleBuild build)
    {
        var conv = RegisterModule("0", new ConvModule(block.Conv, build));
        var norm = block.Norm ?? spec.Norm;
        var convOut = analysis.Layers.Single(l => l.ModuleName == $"{moduleName}.0").OutputShape!;
        Module? normLayer = norm is NoNorm ? null : RegisterModule("1", NormLayers.Create(norm, convOut[0], convOut[1], convOut[2], ScalarType.Float32, build.Device));
        RegisterModule("2", new ReluModule());
        dropout = RegisterModule("3", new DropoutModule(block.Dropout ?? spec.Dropout));
        layers = normLayer is null ? [conv] : [conv, normLayer];
        this.moduleName = moduleName;
        streams = build.Dropout;
        fused = build.Fused;
    }

    /// <summary>The conv kernel L1 applies to.</summary>
    public ConvModule Conv => (ConvModule)layers[0];

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var y = layer.Forward(x);
            if (!ReferenceEquals(x, input))
                x.Dispose();
            x = y;
        }
        var key = Training && dropout.P > 0 ? streams.For(moduleName) : default;
        var result = Functional.ReluDropout(x, dropout.P, Training, key, fused);
        if (!ReferenceEquals(x, input))
            x.Dispose();
        return result;
    }
}

internal sealed class ReluModule : Module
{
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}

/// <summary>nn.Dropout's place and probability in a block; the block applies it together with the ReLU.</summary>
internal sealed class DropoutModule(double p) : Module
{
    public double P => p;

    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("a block's dropout runs inside BlockModule, keyed by the batch's position");
}

internal sealed class MaxPoolModule(int kernel, int stride) : Module
{
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, (kernel, kernel), (stride, stride));
}

internal sealed class GlobalAvgPoolModule : Module
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, (1, 1));
}

/// <summary>Flattens [N, C, 1, 1] to [N, C] and takes log-softmax over C.</summary>
internal sealed class LogSoftmaxModule : Module
{
    public override Tensor Forward(Tensor input)
    {
        using var flat = input.Flatten(1);
        return Functional.LogSoftmax(flat, 1);
    }
}
