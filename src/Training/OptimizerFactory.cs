using Norms.Models;
using Norms.Torch;
using Norms.Torch.Optim;
using TorchSgd = Norms.Torch.Optim.Sgd;
using TorchAdam = Norms.Torch.Optim.Adam;
using TorchAdamW = Norms.Torch.Optim.AdamW;

namespace Norms.Training;

/// <summary>Builds the engine optimizer and learning-rate schedule an experiment names.</summary>
public static class OptimizerFactory
{
    /// <summary>
    /// The optimizer over <paramref name="parameters"/> (pass every model parameter). The experiment's L2 becomes coupled
    /// weight decay on ALL of them — conv weights, biases and norm affines alike — exactly as the reference's
    /// SGD(model.parameters(), weight_decay=l2). AdamW takes no l2 (<see cref="ExperimentSpecValidation.AdamWRefusesL2"/>; its
    /// weight_decay is decoupled).
    /// </summary>
    public static Optimizer Create(ExperimentSpec spec, IEnumerable<Tensor> parameters) => spec.Optimizer switch
    {
        Models.Sgd s => new TorchSgd(parameters, s.Lr, s.Momentum, 0, s.WeightDecay + spec.L2, s.Nesterov),
        Models.Adam a => new TorchAdam(parameters, a.Lr, a.Beta1, a.Beta2, a.Eps, a.WeightDecay + spec.L2),
        Models.AdamW when ExperimentSpecValidation.AdamWRefusesL2(spec) =>
            throw new InvalidOperationException("adamw with l2 is refused by validation; validate the experiment first"),
        Models.AdamW w => new TorchAdamW(parameters, w.Lr, w.Beta1, w.Beta2, w.Eps, w.WeightDecay),
        _ => throw new ArgumentException($"unknown optimizer {spec.Optimizer}"),
    };

    /// <summary>The schedule, and whether it is stepped per batch (one-cycle, as the reference) or per epoch (step).</summary>
    public static (ILrSchedule Schedule, bool PerBatch) Schedule(ExperimentSpec spec, int stepsPerEpoch) => spec.Schedule switch
    {
        OneCycle o => (new OneCycleLr(o.MaxLr, (long)spec.Epochs * stepsPerEpoch, o.PctStart, DivFactor: o.DivFactor, FinalDivFactor: o.FinalDivFactor,
            CycleMomentum: o.CycleMomentum, BaseMomentum: o.BaseMomentum, MaxMomentum: o.MaxMomentum), true),
        StepSchedule s => (new StepLr(spec.Optimizer.Lr, s.StepSize, s.Gamma), false),
        ConstantSchedule => (new ConstantLr(spec.Optimizer.Lr), false),
        _ => throw new ArgumentException($"unknown schedule {spec.Schedule}"),
    };
}
