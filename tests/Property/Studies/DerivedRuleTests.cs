using Norms.Models;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>Derived rules: the learning rate follows the batch size linearly, each run records what the rule set, and the
/// rule's values are part of the run's identity.</summary>
public sealed class DerivedRuleTests
{
    private static StudyExpansion Expand(string derived) => StudyGrid.Expand(StudySpecJson.Parse($$"""
        { "name": "lr", "base": "mnist-bn", "axes": { "batch_size": [16, 64, 128] }, "seeds": 1{{derived}} }
        """).Value!, StudyFlags.None);

    [Fact]
    public void The_learning_rate_scales_with_the_batch_and_each_run_records_it()
    {
        var runs = Expand(""", "derived": [{ "rule": "lr_linear_batch", "reference_batch": 64 }]""").Runs;
        var baseMaxLr = ((OneCycle)BuiltInExperiments.Find("mnist-bn")!.Schedule).MaxLr;
        Assert.Equal([baseMaxLr / 4, baseMaxLr, baseMaxLr * 2], runs.Select(r => ((OneCycle)r.Spec.Schedule).MaxLr));
        Assert.Equal(["schedule.max_lr", "optimizer.lr"], runs[0].Derived.Select(d => d.Key));
        Assert.Equal(baseMaxLr / 4, runs[0].Derived[0].Value!.GetValue<double>());
        var entry = StudyFileJson.Entry(runs[0], "pending");
        Assert.Equal(baseMaxLr / 4, entry.Derived!["schedule.max_lr"]!.GetValue<double>());
    }

    [Fact]
    public void A_rule_that_changes_nothing_keeps_the_run_and_one_that_changes_its_learning_rate_makes_another()
    {
        var plain = Expand("").Runs;
        var scaled = Expand(""", "derived": [{ "rule": "lr_linear_batch", "reference_batch": 64 }]""").Runs;
        Assert.Equal(plain[1].Id, scaled[1].Id); // batch 64: factor 1
        Assert.NotEqual(plain[0].Id, scaled[0].Id);
        Assert.Null(StudyFileJson.Entry(plain[0], "pending").Derived);
    }

    [Fact]
    public void An_unknown_rule_or_a_missing_reference_is_refused_with_the_syntax()
    {
        var unknown = StudySpecJson.Parse("""{ "name": "lr", "base": "mnist-bn", "seeds": 1, "derived": [{ "rule": "sqrt_lr" }] }""");
        Assert.Contains(unknown.Errors, e => e.ToString().Contains("unknown rule 'sqrt_lr'") && e.ToString().Contains("lr_linear_batch"));
        var missing = StudySpecJson.Parse("""{ "name": "lr", "base": "mnist-bn", "seeds": 1, "derived": [{ "rule": "lr_linear_batch" }] }""");
        Assert.Contains(missing.Errors, e => e.ToString().Contains("$.derived[0].reference_batch"));
    }
}
