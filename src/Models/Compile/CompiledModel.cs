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

    internal CompiledModel(ModelSpec spec, ModelAnalysis analysis, Device device)
    {
        Spec = spec;
        Analysis = analysis;
        Device = device;
        ChannelsLast = LayoutPolicy.UseChannelsLast(spec, analysis, device);
        body = SequenceModule.Build(this, spec.Layers, spec, analysis, "", new Placement(device, ChannelsLast));
    }

    public ModelSpec Spec { get; }

    /// <summary>The shapes and parameter counts inferred from the spec (what the summary shows).</summary>
    public ModelAnalysis Analysis { get; }

    public Device Device { get; }

    /// <summary>Whether conv weights and activations are channels-last (chosen by <see cref="LayoutPolicy"/> when built).</summary>
    public bool ChannelsLast { get; }

    /// <summary>The weights L1 (and the reference's L2) apply to: every parameter with more than one
    /// dimension, i.e. conv kernels, not biases or norm affines (as the reference's l1_penalty).</summary>
    public IEnumerable<Tensor> RegularizedWeights() => Parameters().Where(p => p.Dim > 1);

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
