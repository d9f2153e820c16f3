using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>The built-in studies `study list` offers: each embedded spec parses, is named as it is listed, and expands
/// into valid runs, so `study run NAME` never fails on its own spec.</summary>
public sealed class BuiltInStudiesTests
{
    public static TheoryData<string> Names() => [.. BuiltInStudies.All.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_built_in_study_parses_and_expands_into_valid_runs(string name)
    {
        var parsed = StudySpecJson.Parse(BuiltInStudies.All[name]);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Equal(name, parsed.Value!.Name);
        var expansion = StudyGrid.Expand(parsed.Value, StudyFlags.None);
        Assert.True(expansion.IsValid, string.Join("; ", expansion.Errors));
        Assert.Equal(expansion.Runs.Count, expansion.Runs.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void The_norm_studies_are_listed_after_the_seeds_study()
    {
        Assert.Equal(["seeds", .. BuiltInStudies.NormStudies], BuiltInStudies.All.Keys);
    }
}
