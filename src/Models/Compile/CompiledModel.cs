using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Models;

/// <summary>
/// A network built from a <see cref="ModelSpec"/>: parameters and norm state named as in PyTorch
/// ("features.0.0.weight", "c4.1.running_mean"), Forward from [N, C, H, W] to [N, classes] log-probabilities,
/// Train()/Eval() from <see cref="Module"/>. Starts in training mode. Dispose it to free its tensors.
/// </summary>
public sealed class CompiledModel : Module
{
    private readonly SequenceModule body;

    internal CompiledModel(ModelSpec spec, ModelAnalysis analysis, EngineOptions engine, ulong seed)
    {
        Spec = spec;
        Analysis = analysis;
        Engine = engine;
        ChannelsLast = LayoutPolicy.UseChannelsLast(spec, analysis, engine);
        // The initialization draws come from a generator of the model's own, so models built at the same time on
        // other threads (a study's jobs) cannot interleave with them; it is done with once the model is built.
        using var init = new Generator(seed);
        body = SequenceModule.Build(this, spec.Layers, spec, analysis, "", new ModuleBuild(engine.Device, ChannelsLast, engine.FusedKernels,
            engine.FusedKernels && engine.DirectConvolutions, init, new DropoutSource(seed)));
    }

    public ModelSpec Spec { get; }

    /// <summary>The shapes and parameter counts inferred from the spec (what the summary shows).</summary>
    public ModelAnalysis Analysis { get; }

    /// <summary>The engine options it was built with, and is trained and evaluated with (<see cref="DataParallel"/>).</summary>
    public EngineOptions Engine { get; }

    public Device Device => Engine.Device;

    /// <summary>Whether conv weights and activations are channels-last (chosen by <see cref="LayoutPolicy"/> when built).</summary>
    public bool ChannelsLast { get; }

    /// <summary>The weights L1 applies to, chosen by module kind: every convolution's kernel (the blocks' and the 1x1
    /// transitions and head), never a bias or a norm's affine, whatever its shape (a layer norm's weight is
    /// [C, H, W]). The reference's l1_penalty over conv weights; the models have no linear layers.</summary>
    public IEnumerable<Tensor> RegularizedWeights() => ConvModules(this).Select(c => c.Weight);

    private static IEnumerable<ConvModule> ConvModules(Module module) =>
        module.NamedChildren().SelectMany(c => c.Module is ConvModule conv ? [conv] : ConvModules(c.Module));

    public override Tensor Forward(Tensor input)
    {
        var s = Spec.Input;
        var shape = input.Shape;
        if (shape.Length != 4 || shape[1] != s.Channels || shape[2] != s.Height || shape[3] != s.Width)
            throw new ArgumentException($"{Spec.Name} takes [N, {s.Channels}, {s.Height}, {s.Width}] input, got [{string.Join(", ", shape)}]");
        if (!ChannelsLast)
            return body.Forward(input);
        // Activations channels-last from the first conv on (see LayoutPolicy).
        using var nhwc = input.Contiguous(MemoryFormat.ChannelsLast);
        return body.Forward(nhwc);
    }

    // Lets SequenceModule register the top-level children directly on the model, so names have no prefix.
    internal void Adopt(string name, Module module) => RegisterModule(name, module);
}
