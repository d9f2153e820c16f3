using Norms.Layers;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>Moves data between the oracle's doubles and engine tensors on a device and dtype.</summary>
public sealed record EngineTarget(Device Device, ScalarType Dtype)
{
    public override string ToString() => $"{Device} {Dtype}";

    public Tensor Tensor(double[] data, params long[] shape)
    {
        using var cpu = global::Norms.Torch.Tensor.FromArray(data, shape);
        return cpu.To(Dtype, Device);
    }

    public static double[] Doubles(Tensor t)
    {
        using var cpu = t.To(ScalarType.Float64, global::Norms.Torch.Device.Cpu);
        return cpu.ToArray<double>();
    }

    /// <summary>The data as this dtype stores it: the oracle sees the same (rounded) input as the engine.</summary>
    public double[] Rounded(double[] data) => Dtype == ScalarType.Float32 ? [.. data.Select(v => (double)(float)v)] : data;

    public Module Layer(NormSpec spec, Nchw x) => NormLayers.Create(spec, x.C, x.H, x.W, Dtype, Device);

    /// <summary>Overwrites a layer parameter or buffer in place.</summary>
    public void Set(Tensor? target, double[]? values)
    {
        if (target is null || values is null) return;
        using var _ = LibTorch.NoGrad();
        using var source = Tensor(values, target.Shape);
        target.CopyInPlace(source);
    }
}

/// <summary>The engine's norms as <see cref="OracleForm"/>s (same names), so the oracle's
/// properties and finite differences run unchanged against libtorch.</summary>
public static class EngineForms
{
    public static IEnumerable<OracleForm> For(NormCase c, EngineTarget target, bool includeBatch)
    {
        var oracle = OracleForm.For(c, includeBatch).ToDictionary(f => f.Name);
        var eps = c.Eps;
        var mean = Enumerable.Range(0, c.Shape.C).Select(i => 0.3 * i - 0.5).ToArray(); // as OracleForm's batch-eval
        var variance = Enumerable.Range(0, c.Shape.C).Select(i => 0.5 + i).ToArray();
        foreach (var (name, form) in oracle)
        {
            (NormSpec Spec, bool Training, Action<Module> Prepare) setup = name switch
            {
                "batch-train" => (new BatchNorm(Eps: eps), true, _ => { }),
                "batch-eval" => (new BatchNorm(Eps: eps), false, m =>
                {
                    var bn = (BatchNormLayer)m;
                    target.Set(bn.RunningMean, mean);
                    target.Set(bn.RunningVar, variance);
                }),
                "layer" => (new LayerNorm(eps), true, _ => { }),
                _ => (new GroupNorm(Groups: c.Groups, Eps: eps), true, _ => { }),
            };
            yield return form with
            {
                Forward = (x, g, b) => Run(target, setup, x, g, b, null).Output,
                Backward = (x, g, dy) => Run(target, setup, x, g, null, dy).Gradients!,
            };
        }
    }

    private static (Nchw Output, NormGradients? Gradients) Run(EngineTarget target,
        (NormSpec Spec, bool Training, Action<Module> Prepare) setup, Nchw x, double[]? gamma, double[]? beta, Nchw? upstream)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var layer = target.Layer(setup.Spec, x);
        layer.Train(setup.Training);
        setup.Prepare(layer);
        var (weight, bias) = Affine(layer);
        target.Set(weight, gamma ?? Enumerable.Repeat(1.0, (int)(weight?.Numel ?? 0)).ToArray());
        target.Set(bias, beta ?? new double[bias?.Numel ?? 0]);
        var input = target.Tensor(x.Data, x.Shape);
        input.RequiresGrad = upstream is not null;
        var output = layer.Forward(input);
        var y = x.With(EngineTarget.Doubles(output));
        if (upstream is null)
            return (y, null);
        output.Backward(target.Tensor(upstream.Data, x.Shape));
        return (y, new NormGradients(x.With(EngineTarget.Doubles(input.Grad!)),
            EngineTarget.Doubles(weight!.Grad!), EngineTarget.Doubles(bias!.Grad!)));
    }

    public static (Tensor? Weight, Tensor? Bias) Affine(Module layer) => layer switch
    {
        BatchNormLayer l => (l.Weight, l.Bias),
        GroupNormLayer l => (l.Weight, l.Bias),
        LayerNormLayer l => (l.Weight, l.Bias),
        InstanceNormLayer l => (l.Weight, l.Bias),
        _ => (null, null),
    };
}
