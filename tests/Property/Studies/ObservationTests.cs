using Norms.Results;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class ObservationTests
{
    private static RunResult Run(ulong seed, RunStatus status, params (double TestLoss, double TestAcc)[] epochs) =>
        new RunResult("x", "mnist", "mnist8k", "bn", 0, 0, 1, seed, "cpu", 1, 10, 10, false, status, null,
            [.. epochs.Select((e, i) => new EpochRecord(i + 1, 0.5, 90, e.TestLoss, e.TestAcc, 0.1, 1))],
            null, null, null, null, [], [], 0, System.Text.Json.Nodes.JsonNode.Parse("{}")!).WithBests();

    [Fact]
    public void Each_metric_reads_its_value_from_a_run()
    {
        var r = Run(7, RunStatus.Completed, (0.30, 98.1), (0.20, 98.9), (0.25, 98.6));
        Assert.Equal(98.6, MetricKind.FinalTestAcc.ValueOf(r));
        Assert.Equal(98.9, MetricKind.BestTestAcc.ValueOf(r));
        Assert.Equal(0.25, MetricKind.FinalTestLoss.ValueOf(r));
        Assert.All(MetricKind.All, m => Assert.Null(m.ValueOf(Run(7, RunStatus.Completed))));
    }

    [Fact]
    public void Only_completed_runs_with_a_finite_value_count_ordered_by_seed()
    {
        RunResult[] runs =
        [
            Run(3, RunStatus.Completed, (0.2, 99.0)),
            Run(1, RunStatus.Completed, (0.3, 98.0)),
            Run(2, RunStatus.Diverged, (double.NaN, 10.0)),
            Run(4, RunStatus.Interrupted, (0.2, 99.5)),
            Run(5, RunStatus.Failed),
            Run(6, RunStatus.Completed, (double.NaN, 97.0)),
        ];
        Assert.Equal([new Observation(1, 98.0), new Observation(3, 99.0), new Observation(6, 97.0)], Observations.Of(runs, MetricKind.FinalTestAcc));
        Assert.Equal([new Observation(1, 0.3), new Observation(3, 0.2)], Observations.Of(runs, MetricKind.FinalTestLoss));
    }
}
