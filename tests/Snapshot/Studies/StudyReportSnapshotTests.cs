using Norms.Reports;
using Shouldly;
using Xunit;

namespace Norms.Snapshot.Tests.Studies;

/// <summary>
/// What a person reads in a study report, from the fixed studies of <see cref="StudyFixtures"/>: the Markdown, and each
/// chart's data model (series, points, intervals, axis scales and labels, as <see cref="StudyChartText"/> writes them)
/// in place of the pictures' bytes.
/// </summary>
public sealed class StudyReportSnapshotTests
{
    internal static StudyFixture Of(string name) => name switch
    {
        "grid" => StudyFixtures.Grid,
        "mixed" => StudyFixtures.Mixed,
        "ghost" => StudyFixtures.Ghost,
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("grid")]
    [InlineData("mixed")]
    [InlineData("ghost")]
    public void Study_report_markdown(string name)
    {
        var f = Of(name);
        var charts = StudyChartModels.Build(f.Summary, StudyFixtures.TestSets);
        StudyReportMarkdown.Render(f.Name, f.Summary, f.Statuses, charts, ["a note about the report."])
            .ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator(name).WithFileExtension("md"));
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("mixed")]
    [InlineData("ghost")]
    public void Chart_models(string name)
    {
        var f = Of(name);
        StudyChartText.Describe(StudyChartModels.Build(f.Summary, StudyFixtures.TestSets))
            .ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator(name).WithFileExtension("txt"));
    }
}
