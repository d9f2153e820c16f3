namespace Norms.Torch.Optim;

/// <summary>Drives an optimizer along a schedule: applies step 0 on creation, then one step per <see cref="Step"/>.</summary>
public sealed class LrScheduler
{
    private readonly Optimizer _optimizer;
    private readonly ILrSchedule _schedule;

    public LrScheduler(Optimizer optimizer, ILrSchedule schedule, long lastStep = 0)
    {
        _optimizer = optimizer;
        _schedule = schedule;
        StepCount = lastStep;
        Apply();
    }

    public long StepCount { get; private set; }

    public double CurrentLr => _optimizer.LearningRate;

    public void Step()
    {
        StepCount++;
        Apply();
    }

    private void Apply()
    {
        _optimizer.LearningRate = _schedule.LearningRate(StepCount);
        if (_schedule.Momentum(StepCount) is { } m)
        {
            switch (_optimizer)
            {
                case Sgd sgd: sgd.Momentum = m; break;
                case Adam adam: adam.Beta1 = m; break;
            }
        }
    }
}
