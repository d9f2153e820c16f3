using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>The round line's shape: a product only where every cell has the same number of seeds; what a halving rung
/// kept: a line per cell, labelled as the report labels cells.</summary>
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

    [Fact]
    public void A_rung_lists_its_kept_cells_one_a_line_best_first_with_their_validation_accuracy()
    {
        var spec = StudySpecJson.Parse("""
            { "name": "recipe", "base": "mnist-bn", "axes": { "dropout": [0, 0.05], "schedule.max_lr": [0.1, 0.2] }, "seeds": 1,
              "overrides": { "validation": 1000 }, "halving": [ { "epochs": 1 }, { "epochs": 2, "keep": 2 } ] }
            """).Value!;
        var choice = new RungChoice(1, [("""{"dropout":0.05,"schedule.max_lr":0.2}""", 91.5), ("""{"dropout":0,"schedule.max_lr":0.1}""", null),
            ("""{"dropout":0,"schedule.max_lr":0.2}""", 80.0)], 2);
        Assert.Equal("""
            study recipe: rung 2 of 2 keeps 2 of 3 cell(s) by validation accuracy:
              1. 91.50 %  dropout 0.05, schedule.max_lr 0.2
              2. none  dropout 0, schedule.max_lr 0.1

            """.Replace("\r\n", "\n"), global::Norms.Experiments.Cli.StudyRunner.Kept(spec, choice));
        Assert.Equal("""
            study recipe: rung 2 of 2, the last, ranks its 3 cell(s) by validation accuracy; the first is the study's pick:
              1. 91.50 %  dropout 0.05, schedule.max_lr 0.2
              2. none  dropout 0, schedule.max_lr 0.1
              3. 80.00 %  dropout 0, schedule.max_lr 0.2

            """.Replace("\r\n", "\n"), global::Norms.Experiments.Cli.StudyRunner.Kept(spec, new RungChoice(2, choice.Ranked, 1) { Last = true }));
    }
}
