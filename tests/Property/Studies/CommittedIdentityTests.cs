using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>
/// The ids of the committed seeds' study (docs/results/seeds/runs/ID) are pinned: a change to how a spec serializes (a new
/// field written at its default, a renamed one) would silently orphan every committed run and train them all again. A
/// field added later must be left out of the JSON at its default value to keep these ids.
/// </summary>
public sealed class CommittedIdentityTests
{
    [Fact]
    public void The_seeds_study_s_run_ids_are_those_committed()
    {
        var spec = StudySpecJson.Parse(BuiltInStudies.Seeds).Value!;
        var runs = StudyGrid.Expand(spec with { Seeds = [1, 2] }, StudyFlags.None).Runs;
        string Id(string experiment, ulong seed) => runs.Single(r => r.Seed == seed && r.Axes[0].Value!.GetValue<string>() == experiment).Id;
        Assert.Equal("s1-4a67e3e970d5", Id("mnist-bn", 1));
        Assert.Equal("s2-8c8632e461b3", Id("mnist-bn", 2));
        Assert.Equal("s1-780e3a332200", Id("mnist-gn", 1));
        Assert.Equal("s1-acf6db251556", Id("mnist-ln", 1));
    }
}
