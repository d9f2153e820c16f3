using FsCheck;
using FsCheck.Fluent;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>Successive halving as a pure function of the results so far: rung 0 is the grid at its epochs and seeds; the
/// next rung appears only when every run of the previous one has ended, with the best cells by mean final validation
/// accuracy (ties by grid order, runs without one last), fresh runs with the rung's epochs and seeds; and the "halving"
/// field's mistakes are each one error at its path.</summary>
public sealed class SuccessiveHalvingTests
{
    private const string Json = """
        { "name": "recipe", "base": "mnist-bn", "axes": { "schedule.max_lr": [0.05, 0.1, 0.2, 0.4] }, "seeds": 3,
          "overrides": { "validation": 100 }, "halving": HALVING }
        """;

    private const string ThreeRungs = """[{ "epochs": 1, "seeds": 2 }, { "epochs": 3, "keep": 2, "seeds": 2 }, { "epochs": 5, "keep": 1, "seeds": 3 }]""";

    private static StudySpec Spec(string halving = ThreeRungs)
    {
        var parsed = StudySpecJson.Parse(Json.Replace("HALVING", halving));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return parsed.Value!;
    }

    private static HalvingPlan Plan(StudySpec spec, IReadOnlyDictionary<string, RunOutcome> ended) =>
        SuccessiveHalving.Plan(spec, StudyFlags.None, spec.Halving, id => ended.GetValueOrDefault(id));

    [Fact]
    public void Rung_0_is_the_grid_at_its_epochs_and_seeds_and_nothing_follows_until_it_has_ended()
    {
        var spec = Spec();
        var plan = Plan(spec, new Dictionary<string, RunOutcome>());
        Assert.Equal(8, plan.Runs.Count); // 4 cells × 2 seeds
        Assert.All(plan.Runs, r => Assert.Equal(1, r.Spec.Epochs));
        Assert.Equal([1UL, 2UL], plan.Runs.Select(r => r.Seed).Distinct().Order());
        Assert.False(plan.Finished);
        var allButOne = plan.Runs.Skip(1).ToDictionary(r => r.Id, _ => new RunOutcome(50));
        Assert.Equal(8, Plan(spec, allButOne).Runs.Count);
    }

    [Fact]
    public void Each_rung_keeps_the_best_cells_by_mean_validation_accuracy()
    {
        var spec = Spec();
        Prop.ForAll(Gen.Choose(0, 10000).Select(v => v / 100.0).ArrayOf(8).ToArbitrary(), accuracies =>
        {
            var rung0 = Plan(spec, new Dictionary<string, RunOutcome>()).Runs;
            var ended = rung0.Select((r, i) => (r.Id, Acc: accuracies[i])).ToDictionary(x => x.Id, x => new RunOutcome(x.Acc));
            var plan = Plan(spec, ended);
            var means = rung0.Select((r, i) => (Cell: SuccessiveHalving.GridCell(r), Acc: accuracies[i]))
                .GroupBy(x => x.Cell).Select((g, order) => (g.Key, Mean: g.Average(x => x.Acc), order))
                .OrderByDescending(c => c.Mean).ThenBy(c => c.order).Select(c => c.Key).Take(2).ToHashSet();
            var rung1 = plan.Runs.Skip(8).ToList();
            Assert.Equal(4, rung1.Count); // 2 cells × 2 seeds
            Assert.All(rung1, r => Assert.Equal(3, r.Spec.Epochs));
            Assert.Equal(means, rung1.Select(SuccessiveHalving.GridCell).ToHashSet());
            Assert.Empty(rung1.Select(r => r.Id).Intersect(rung0.Select(r => r.Id))); // fresh runs, their own ids
            Assert.Equal(2, plan.Choices.Single().Kept);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_run_without_validation_accuracy_ranks_last_and_the_last_rung_finishes_the_study()
    {
        var spec = Spec();
        var rung0 = Plan(spec, new Dictionary<string, RunOutcome>()).Runs;
        // The first cell diverged on one seed (no accuracy) despite the best accuracy on the other.
        var ended = rung0.Select((r, i) => (r.Id, Outcome: i == 0 ? new RunOutcome(null) : new RunOutcome(i == 1 ? 99 : 10 + i)))
            .ToDictionary(x => x.Id, x => x.Outcome);
        var plan = Plan(spec, ended);
        Assert.DoesNotContain(SuccessiveHalving.GridCell(rung0[0]), plan.Runs.Skip(8).Select(SuccessiveHalving.GridCell));
        foreach (var r in plan.Runs.Skip(8)) ended[r.Id] = new RunOutcome(70);
        var last = Plan(spec, ended);
        Assert.Equal(8 + 4 + 3, last.Runs.Count); // the best cell × 3 seeds at 5 epochs
        Assert.All(last.Runs.Skip(12), r => Assert.Equal(5, r.Spec.Epochs));
        Assert.False(last.Finished);
        Assert.Equal(2, last.Choices.Count);
        foreach (var r in last.Runs.Skip(12)) ended[r.Id] = new RunOutcome(80);
        var done = Plan(spec, ended);
        Assert.True(done.Finished);
        // The last rung's ranking is one more choice, its one cell the pick.
        var pick = done.Choices[^1];
        Assert.Equal((3, true, 1, 80.0), (pick.Rung, pick.Last, pick.Kept, Assert.Single(pick.Ranked).MeanValAcc));
        Assert.DoesNotContain(done.Choices.SkipLast(1), c => c.Last);
    }

    [Theory]
    [InlineData("""[{ "epochs": 1 }]""", "$.halving")]
    [InlineData("""[{ "epochs": 1, "keep": 2 }, { "epochs": 3, "keep": 1 }]""", "$.halving[0].keep")]
    [InlineData("""[{ "epochs": 1 }, { "epochs": 3 }]""", "$.halving[1].keep")]
    [InlineData("""[{ "epochs": 0 }, { "epochs": 3, "keep": 1 }]""", "$.halving[0].epochs")]
    [InlineData("""[{ "epochs": 1 }, { "epochs": 3, "keep": 1, "seeds": 4 }]""", "$.halving[1].seeds")]
    [InlineData("""[{ "epochs": 1 }, { "epochs": 3, "keep": 1, "rate": 2 }]""", "$.halving[1].rate")]
    public void Each_mistake_is_one_error_at_its_path(string halving, string path)
    {
        var parsed = StudySpecJson.Parse(Json.Replace("HALVING", halving));
        Assert.False(parsed.IsValid);
        Assert.Equal(path, Assert.Single(parsed.Errors).Path);
    }

    [Fact]
    public void An_epochs_axis_or_override_is_refused_beside_halving()
    {
        var withAxis = StudySpecJson.Parse(Json.Replace("HALVING", ThreeRungs).Replace("\"schedule.max_lr\"", "\"epochs\": [1, 2], \"schedule.max_lr\""));
        Assert.Equal("$.axes.epochs", Assert.Single(withAxis.Errors).Path);
        var withOverride = StudySpecJson.Parse(Json.Replace("HALVING", ThreeRungs).Replace("\"validation\": 100", "\"validation\": 100, \"epochs\": 2"));
        Assert.Equal("$.overrides.epochs", Assert.Single(withOverride.Errors).Path);
    }
}

/// <summary>The fields axis: each value sets several spec fields together (augmentation off, on, flip-only), checked as
/// any axis's fields are.</summary>
public sealed class FieldsAxisTests
{
    private static StudyParseResult Parse(string values) => StudySpecJson.Parse(
        $$"""{ "name": "f", "base": "cifar10-bn", "overrides": { "crop_padding": null }, "axes": { "fields": {{values}} }, "seeds": 1 }""");

    [Fact]
    public void Each_value_sets_its_fields_together()
    {
        var parsed = Parse("""[{ "augmentation": true }, { "augmentation": true, "crop_padding": 0 }, { "augmentation": false }]""");
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var runs = StudyGrid.Expand(parsed.Value!, StudyFlags.None);
        Assert.True(runs.IsValid, string.Join("; ", runs.Errors));
        Assert.Equal([(true, (int?)null), (true, 0), (false, null)], runs.Runs.Select(r => (r.Spec.Augmentation, r.Spec.CropPadding)));
        Assert.Equal(3, runs.Runs.Select(r => r.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("""[true]""", "$.axes.fields[0]")]
    [InlineData("""[{}]""", "$.axes.fields[0]")]
    [InlineData("""[{ "seed": 3 }]""", "$.axes.fields[0].seed")]
    public void A_value_that_is_not_an_object_of_fields_is_one_error_at_its_path(string values, string path) =>
        Assert.Equal(path, Assert.Single(Parse(values).Errors).Path);

    [Fact]
    public void An_unknown_field_or_a_refused_value_is_the_grids_error_naming_the_axis()
    {
        var unknown = StudyGrid.Expand(Parse("""[{ "augmentaton": true }]""").Value!, StudyFlags.None);
        Assert.Contains(unknown.Errors, e => e.StartsWith("axis fields, augmentaton:"));
        var refused = StudyGrid.Expand(Parse("""[{ "augmentation": false, "crop_padding": 0 }]""").Value!, StudyFlags.None);
        Assert.Contains(refused.Errors, e => e.Contains("crop_padding"));
    }
}
