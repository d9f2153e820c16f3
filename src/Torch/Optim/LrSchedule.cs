namespace Norms.Torch.Optim;

/// <summary>A learning-rate (and optionally momentum) schedule as a pure function of the step count.</summary>
public interface ILrSchedule
{
    double LearningRate(long step);

    /// <summary>The momentum (SGD) or β1 (Adam) for this step, or null to leave it alone.</summary>
    double? Momentum(long step);
}

/// <summary>
/// torch.optim.lr_scheduler.OneCycleLR (1.13): warm up from max_lr/div_factor to max_lr over the
/// first pct_start of the steps, then anneal to initial_lr/final_div_factor; momentum moves the
/// other way between max_momentum and base_momentum. Phase boundaries are PyTorch's
/// (end steps pct_start·total - 1 and total - 1), cosine or linear annealing.
/// </summary>
public sealed record OneCycleLr(
    double MaxLr,
    long TotalSteps,
    double PctStart = 0.3,
    bool AnnealCos = true,
    double DivFactor = 25,
    double FinalDivFactor = 1e4,
    bool ThreePhase = false,
    bool CycleMomentum = true,
    double BaseMomentum = 0.85,
    double MaxMomentum = 0.95) : ILrSchedule
{
    public double InitialLr => MaxLr / DivFactor;
    public double MinLr => InitialLr / FinalDivFactor;

    private (double EndStep, double StartLr, double EndLr, double StartMomentum, double EndMomentum)[] Phases() =>
        ThreePhase
            ?
            [
                (PctStart * TotalSteps - 1, InitialLr, MaxLr, MaxMomentum, BaseMomentum),
                (2 * PctStart * TotalSteps - 2, MaxLr, InitialLr, BaseMomentum, MaxMomentum),
                (TotalSteps - 1, InitialLr, MinLr, MaxMomentum, MaxMomentum),
            ]
            :
            [
                (PctStart * TotalSteps - 1, InitialLr, MaxLr, MaxMomentum, BaseMomentum),
                (TotalSteps - 1, MaxLr, MinLr, BaseMomentum, MaxMomentum),
            ];

    private (double Lr, double Momentum) At(long step)
    {
        if (TotalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(TotalSteps), TotalSteps, "total steps must be positive");
        if (step < 0 || step > TotalSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"OneCycle was set up for {TotalSteps} steps");
        var phases = Phases();
        double start = 0;
        for (var i = 0; i < phases.Length; i++)
        {
            var p = phases[i];
            if (step <= p.EndStep || i == phases.Length - 1)
            {
                var pct = (step - start) / (p.EndStep - start);
                return (Anneal(p.StartLr, p.EndLr, pct), Anneal(p.StartMomentum, p.EndMomentum, pct));
            }
            start = p.EndStep;
        }
        throw new InvalidOperationException("unreachable: the last phase always matches");
    }

    private double Anneal(double from, double to, double pct) =>
        AnnealCos ? to + (from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (to - from) * pct + from;

    public double LearningRate(long step) => At(step).Lr;

    public double? Momentum(long step) => CycleMomentum ? At(step).Momentum : null;
}

/// <summary>torch.optim.lr_scheduler.StepLR: lr = base·gamma^floor(epoch / step_size).</summary>
public sealed record StepLr(double BaseLr, long StepSize, double Gamma = 0.1) : ILrSchedule
{
    public double LearningRate(long step) =>
        StepSize > 0 ? BaseLr * Math.Pow(Gamma, step / StepSize) : throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "step size must be positive");

    public double? Momentum(long step) => null;
}

/// <summary>A constant learning rate.</summary>
public sealed record ConstantLr(double Lr) : ILrSchedule
{
    public double LearningRate(long step) => Lr;
    public double? Momentum(long step) => null;
}
