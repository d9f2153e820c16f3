using Norms.Results;

namespace Norms.Studies;

/// <summary>One run's value of one metric, with the seed that pairs it with its twin in another cell.</summary>
public sealed record Observation(ulong Seed, double Value);

public static class Observations
{
    /// <summary>
    /// The observations a cell's statistics are made of: completed runs only (a diverged, interrupted or failed run
    /// did not finish the protocol, so its numbers would mix two populations), each with a finite value of
    /// <paramref name="metric"/>, ordered by seed so that every summary is reproducible whatever order the runs came in.
    /// </summary>
    public static IReadOnlyList<Observation> Of(IEnumerable<RunResult> runs, MetricKind metric) =>
        [.. runs.Where(r => r.Status == RunStatus.Completed)
            .Select(r => (r.Seed, Value: metric.ValueOf(r)))
            .Where(o => o.Value is { } v && double.IsFinite(v))
            .Select(o => new Observation(o.Seed, o.Value!.Value))
            .OrderBy(o => o.Seed)];
}
