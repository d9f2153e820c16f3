using Norms.Torch;
using Norms.Torch.Optim;

namespace Norms.Engine.Tests;

public sealed class LrScheduleTests
{
    private static double Cos(double from, double to, double pct) => to + (from - to) / 2 * (Math.Cos(Math.PI * pct) + 1);

    /// <summary>The closed form written out independently: warm-up over steps 0..0.3·T-1, then anneal to T-1.</summary>
    [Theory]
    [InlineData(100, 0.1, 0)]
    [InlineData(100, 0.1, 1)]
    [InlineData(100, 0.1, 15)]
    [InlineData(100, 0.1, 29)]
    [InlineData(100, 0.1, 30)]
    [InlineData(100, 0.1, 64)]
    [InlineData(100, 0.1, 99)]
    [InlineData(938 * 20, 0.1, 5000)]
    [InlineData(938 * 20, 0.1, 15000)]
    public void OneCycleFollowsTheClosedForm(long total, double maxLr, long step)
    {
        var s = new OneCycleLr(maxLr, total);
        double initial = maxLr / 25, min = initial / 1e4, peak = 0.3 * total - 1;
        var expected = step <= peak ? Cos(initial, maxLr, step / peak) : Cos(maxLr, min, (step - peak) / (total - 1 - peak));
        var momentum = step <= peak ? Cos(0.95, 0.85, step / peak) : Cos(0.85, 0.95, (step - peak) / (total - 1 - peak));
        Assert.Equal(expected, s.LearningRate(step), 15);
        Assert.Equal(momentum, s.Momentum(step)!.Value, 15);
    }

    /// <summary>Values printed by PyTorch 1.13's OneCycleLR (python3-torch on this machine), steps 0..99 of 100, max_lr 0.1.</summary>
    [Theory]
    [InlineData(0, 0.0040000000000000036, 0.95)]
    [InlineData(1, 0.004281378056590748, 0.9497068978577179)]
    [InlineData(15, 0.05459866761210004, 0.897293054570729)]
    [InlineData(29, 0.1, 0.85)]
    [InlineData(31, 0.09979871550490317, 0.850201285300238)]
    [InlineData(64, 0.0500002, 0.8999999999999999)]
    [InlineData(98, 5.07464715475788e-05, 0.9499496533270657)]
    [InlineData(99, 4e-07, 0.95)]
    public void OneCycleMatchesPyTorch(long step, double lr, double momentum)
    {
        var s = new OneCycleLr(0.1, 100);
        Assert.Equal(lr, s.LearningRate(step), 14);
        Assert.Equal(momentum, s.Momentum(step)!.Value, 14);
    }

    /// <summary>PyTorch 1.13, three_phase=True, anneal_strategy='linear', max_lr 0.05, 37 steps.</summary>
    [Theory]
    [InlineData(0, 0.002, 0.95)]
    [InlineData(5, 0.025762376237623764, 0.9004950495049504)]
    [InlineData(10, 0.04952475247524753, 0.850990099009901)]
    [InlineData(11, 0.04572277227722772, 0.8589108910891089)]
    [InlineData(20, 0.002950495049504946, 0.948019801980198)]
    [InlineData(36, 2.0000000000011328e-07, 0.95)]
    public void ThreePhaseLinearMatchesPyTorch(long step, double lr, double momentum)
    {
        var s = new OneCycleLr(0.05, 37, AnnealCos: false, ThreePhase: true);
        Assert.Equal(lr, s.LearningRate(step), 14);
        Assert.Equal(momentum, s.Momentum(step)!.Value, 14);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(6, 0.1)]
    [InlineData(7, 0.05)]
    [InlineData(13, 0.05)]
    [InlineData(14, 0.025)]
    [InlineData(50, 0.1 * 0.0078125)]
    public void StepLrDecaysByGammaEveryStepSize(long epoch, double expected) =>
        Assert.Equal(expected, new StepLr(0.1, 7, 0.5).LearningRate(epoch), 15);

    [Fact]
    public void SchedulerDrivesLearningRateAndMomentumOfSgd()
    {
        using var p = Tensor.Zeros([1]).WithRequiresGrad();
        using var sgd = new Sgd([p], 1.0, momentum: 0.9);
        var schedule = new OneCycleLr(0.1, 100);
        var scheduler = new LrScheduler(sgd, schedule);
        Assert.Equal(schedule.LearningRate(0), sgd.LearningRate);
        for (var i = 0; i < 30; i++) scheduler.Step();
        Assert.Equal(schedule.LearningRate(30), sgd.LearningRate);
        Assert.Equal(schedule.Momentum(30)!.Value, sgd.Momentum);
    }

    [Fact]
    public void SteppingPastTheEndIsAnError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleLr(0.1, 10).LearningRate(11));
}
