using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Norms.Models;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>A study spec's reading and its expansion into runs: counts, order, identity, and one line per mistake.</summary>
public sealed class StudyGridTests
{
    private const string Example = """
        { "name": "bn-vs-gn", "base": "mnist-bn",
          "axes": { "norm": [{"kind": "batch"}, {"kind": "group", "channels_per_group": 2}], "batch_size": [16, 64] },
          "seeds": 5,
          "overrides": { "epochs": 3 } }
        """;

    private static StudySpec Read(string json)
    {
        var parsed = StudySpecJson.Parse(json);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        return parsed.Value!;
    }

    [Fact]
    public void The_issue_example_expands_to_two_norms_by_two_batch_sizes_by_five_seeds_in_axis_order()
    {
        var expansion = StudyGrid.Expand(Read(Example), StudyFlags.None);
        Assert.True(expansion.IsValid, string.Join("\n", expansion.Errors));
        Assert.Equal(20, expansion.Runs.Count);
        Assert.Equal(20, expansion.Runs.Select(r => r.Id).Distinct().Count());
        Assert.Equal(4, expansion.Runs.Select(r => r.CellKey).Distinct().Count());
        // The first axis varies slowest, then the second, then the seed.
        var first = expansion.Runs[0];
        Assert.IsType<BatchNorm>(first.Spec.Norm);
        Assert.Equal(16, first.Spec.BatchSize);
        Assert.Equal(1UL, first.Seed);
        Assert.Equal([1UL, 2, 3, 4, 5], expansion.Runs.Take(5).Select(r => r.Spec.Seed));
        Assert.Equal(64, expansion.Runs[5].Spec.BatchSize);
        Assert.Equal(new GroupNorm(ChannelsPerGroup: 2), expansion.Runs[10].Spec.Norm);
        Assert.All(expansion.Runs, r => Assert.Equal(3, r.Spec.Epochs));
        Assert.All(expansion.Runs, r => Assert.Equal(r.Id, r.Spec.Name));
        Assert.All(expansion.Runs, r => Assert.StartsWith($"s{r.Seed}-", r.Id));
    }

    [Fact]
    public void Ids_are_a_stable_hash_of_what_a_run_trains()
    {
        // SHA-256 of the resolved spec: the same in every process and on every machine. This value changes only when
        // the resolved experiment's JSON does, which is exactly when the run is a different run.
        var run = StudyGrid.Expand(Read(Example), StudyFlags.None).Runs[0];
        Assert.Equal(run.Id, RunIdentity.Id(run.Spec, StudyFlags.None));
        Assert.NotEqual(run.Id, RunIdentity.Id(run.Spec, new StudyFlags(LimitTrain: 512)));
        Assert.NotEqual(run.Id, RunIdentity.Id(run.Spec with { Epochs = 4 }, StudyFlags.None));
        // Threads and the like are not in it: nothing but the spec and the data slices is hashed.
        Assert.Equal(run.Id, RunIdentity.Id(run.Spec with { Name = "anything" }, StudyFlags.None));
    }

    [Fact]
    public void More_seeds_add_runs_and_keep_the_existing_ids()
    {
        var three = StudyGrid.Expand(Read(Example.Replace("\"seeds\": 5", "\"seeds\": 3")), StudyFlags.None).Runs.Select(r => r.Id);
        var five = StudyGrid.Expand(Read(Example), StudyFlags.None).Runs.Select(r => r.Id).ToHashSet();
        Assert.All(three, id => Assert.Contains(id, five));
    }

    [Fact]
    public void The_experiment_axis_makes_each_name_a_base()
    {
        var study = Read("""{ "name": "seeds", "axes": { "experiment": ["mnist-bn", "cifar10-ln"] }, "seeds": [7, 9] }""");
        var runs = StudyGrid.Expand(study, new StudyFlags(Epochs: 1)).Runs;
        Assert.Equal(["mnist", "mnist", "cifar10", "cifar10"], runs.Select(r => r.Spec.Dataset));
        Assert.Equal([7UL, 9, 7, 9], runs.Select(r => r.Seed));
        Assert.All(runs, r => Assert.Equal(1, r.Spec.Epochs));
        Assert.Equal("\"mnist-bn\"", AxisJson.Value(runs[0].Axes[0].Value));
    }

    [Theory]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "nrom": [1] } }""", "axis nrom: 'nrom' is not an experiment field; use one of")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "norm.groups": [3] } }""", "norm.groups = 3: $.norm.groups: unknown field 'groups'")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "norm": [{"kind": "group", "groups": 3}] } }""", "groups 3 does not divide 8 channels")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "batch_size": [0] } }""", "batch_size = 0: $.batch_size:")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "dropout.p": [0.1] } }""", "'dropout' is not an object here")]
    public void A_value_the_field_refuses_is_one_line_naming_the_axis_the_value_and_the_validation_message(string json, string expected)
    {
        var expansion = StudyGrid.Expand(Read(json), StudyFlags.None);
        Assert.False(expansion.IsValid);
        Assert.Empty(expansion.Runs);
        var line = Assert.Single(expansion.Errors);
        Assert.Contains(expected, line);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData("""{ "base": "mnist-bn", "seeds": 2 }""", "$.name")]
    [InlineData("""{ "name": "x", "base": "mnist-bm", "seeds": 2 }""", "$.base: unknown experiment 'mnist-bm'")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 0 }""", "$.seeds: a count of seeds must be 1 to 1000")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": [1, 1] }""", "$.seeds: a seed appears twice")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "seed": [1, 2] } }""", "$.axes.seed: a study sets 'seed' itself")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "batch_size": [] } }""", "$.axes.batch_size: an axis is a non-empty list")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "axes": { "experiment": ["mnist-bn"] } }""", "$.base: the \"experiment\" axis gives each run its base")]
    [InlineData("""{ "name": "x", "seeds": 2, "axes": { "experiment": ["nope"] } }""", "$.axes.experiment[0]: not a built-in experiment")]
    [InlineData("""{ "name": "x", "base": "mnist-bn", "seeds": 2, "sedes": 3 }""", "$.sedes: unknown field 'sedes'")]
    [InlineData("""{ "name": "../x", "base": "mnist-bn", "seeds": 2 }""", "$.name:")]
    [InlineData("""[1, 2]""", "$: a study is a JSON object")]
    [InlineData("""{ "name": """, "$: not valid JSON")]
    public void A_malformed_study_gets_its_path_and_a_fix(string json, string expected)
    {
        var parsed = StudySpecJson.Parse(json);
        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_run_count_is_cells_times_seeds_and_every_id_is_distinct()
    {
        var sizes = Gen.Choose(1, 3).ArrayOf().Where(a => a.Length <= 3);
        Prop.ForAll(sizes.ToArbitrary(), Gen.Choose(1, 4).ToArbitrary(), (axisSizes, seeds) =>
        {
            // Axes over batch_size, l1 and epochs with distinct values each: every combination is a distinct run.
            var paths = new[] { "batch_size", "l1", "epochs" };
            var axes = new JsonObject();
            for (var i = 0; i < axisSizes.Length; i++)
                axes[paths[i]] = new JsonArray([.. Enumerable.Range(1, axisSizes[i]).Select(v => (JsonNode)JsonValue.Create(paths[i] == "l1" ? v * 1e-5 : v * 2))]);
            var json = new JsonObject { ["name"] = "p", ["base"] = "mnist-gn", ["axes"] = axes, ["seeds"] = seeds }.ToJsonString();
            var expansion = StudyGrid.Expand(Read(json), StudyFlags.None);
            Assert.True(expansion.IsValid, string.Join("\n", expansion.Errors));
            Assert.Equal(axisSizes.Aggregate(1, (a, b) => a * b) * seeds, expansion.Runs.Count);
            Assert.Equal(expansion.Runs.Count, expansion.Runs.Select(r => r.Id).Distinct().Count());
        }).QuickCheckThrowOnFailure();
    }
}
