namespace Norms.Models;

/// <summary>
/// The optimizer and schedule an experiment really runs, in words, for `list` and the report. With one-cycle's
/// momentum cycling the optimizer's own momentum (SGD) or beta1 (Adam, AdamW) is replaced by the cycled range, so that
/// range is what is shown, not the optimizer's value.
/// </summary>
public static class RecipeText
{
    public static string Optimizer(ExperimentSpec spec)
    {
        var cycled = spec.Schedule is OneCycle { CycleMomentum: true } o ? $"{D(o.MaxMomentum)}→{D(o.BaseMomentum)}→{D(o.MaxMomentum)} (cycled)" : null;
        return spec.Optimizer switch
        {
            Sgd s => $"sgd momentum {cycled ?? D(s.Momentum)}" + (s.Nesterov ? " nesterov" : ""),
            Adam a => $"adam beta1 {cycled ?? D(a.Beta1)}",
            AdamW w => $"adamw beta1 {cycled ?? D(w.Beta1)} weight_decay {D(w.WeightDecay)}",
            var other => other.GetType().Name.ToLowerInvariant(),
        };
    }

    public static string Schedule(ExperimentSpec spec) => spec.Schedule switch
    {
        OneCycle o => $"onecycle max_lr {D(o.MaxLr)}",
        StepSchedule s => $"step lr {D(spec.Optimizer.Lr)} ×{D(s.Gamma)} every {s.StepSize} epoch(s)",
        ConstantSchedule => $"constant lr {D(spec.Optimizer.Lr)}",
        var other => other.GetType().Name.ToLowerInvariant(),
    };

    private static string D(double v) => Decimals.Readable(v);
}
