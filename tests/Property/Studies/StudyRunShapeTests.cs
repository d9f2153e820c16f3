using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>The round line's shape: a product only where every cell has the same number of seeds.</summary>
public sealed class StudyRunShapeTests
{
    private static StudyRun Run(int cell, ulong seed) =>
        new($"s{seed}-{cell}", [new("epochs", System.Text.Json.Nodes.JsonValue.Create(cell))], seed,
            global::Norms.Models.BuiltInExperiments.Find("mnist-bn")!);

    [Fact]
    public void A_grid_is_cells_times_seeds_and_halving_rungs_so_far_say_the_range()
    {
        Assert.Equal("2 cell(s) × 3 seed(s)", global::Norms.Experiments.Cli.StudyRunner.Shape([Run(1, 1), Run(1, 2), Run(1, 3), Run(2, 1), Run(2, 2), Run(2, 3)]));
        Assert.Equal("2 cell(s), 1 to 3 seed(s) each", global::Norms.Experiments.Cli.StudyRunner.Shape([Run(1, 1), Run(2, 1), Run(2, 2), Run(2, 3)]));
        Assert.Equal("0 cell(s) × 0 seed(s)", global::Norms.Experiments.Cli.StudyRunner.Shape([]));
    }
}
