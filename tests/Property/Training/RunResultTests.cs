using Norms.Training;
using Norms.Results;

namespace Norms.Property.Tests.Training;

public sealed class RunResultTests
{
    private static RunResult With(params EpochRecord[] epochs) =>
        new("x", "mnist", "mnist8k", "bn", 0, 0, 1, 1, "cpu", 1, 10, 10, false, RunStatus.Running, null, epochs,
            null, null, null, null, [], [], 0, System.Text.Json.Nodes.JsonNode.Parse("{}")!);

    [Fact]
    public void BestsIgnoreANonFiniteLossOfADivergedEpoch()
    {
        var r = With(new EpochRecord(1, 0.5, 90, 0.30, 91, 0.1, 1), new EpochRecord(2, 0.4, 92, 0.25, 93, 0.1, 1),
            new EpochRecord(3, double.NaN, 10, double.NaN, 9.8, 0.1, 1)).WithBests();
        Assert.Equal(0.25, r.BestTestLoss);
        Assert.Equal(93, r.BestTestAcc);
        Assert.Equal(2, r.BestEpoch);
        Assert.Equal(92, r.BestTrainAcc);
    }

    [Fact]
    public void BestsOfARunWithoutEpochsAreAbsent() => Assert.Null(With().WithBests().BestTestLoss);
}
