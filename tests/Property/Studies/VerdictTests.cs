using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class VerdictTests
{
    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Verdicts) }, MaxTest = 500)]
    public void The_verdict_follows_the_rules(VerdictCase c)
    {
        var verdict = Verdicts.Of(c.Metric, c.NPairs, c.MeanDiff, c.PHolm);
        // The rules, spelled out case by case, independently of Verdicts.Of's order of tests.
        if (c.NPairs < 2 || c.PHolm is null || c.MeanDiff is null) Assert.Equal(Verdict.Insufficient, verdict);
        else if (c.PHolm >= 0.05 || c.MeanDiff == 0) Assert.Equal(Verdict.Indistinguishable, verdict);
        else if (c.Metric == MetricKind.FinalTestLoss) Assert.Equal(c.MeanDiff < 0 ? Verdict.Better : Verdict.Worse, verdict);
        else Assert.Equal(c.MeanDiff > 0 ? Verdict.Better : Verdict.Worse, verdict);
    }

    [Theory]
    [InlineData("final_test_acc", 0.3, 0.01, Verdict.Better)]
    [InlineData("final_test_acc", -0.3, 0.01, Verdict.Worse)]
    [InlineData("best_test_acc", 0.3, 0.01, Verdict.Better)]
    [InlineData("final_test_loss", -0.003, 0.01, Verdict.Better)]
    [InlineData("final_test_loss", 0.003, 0.01, Verdict.Worse)]
    [InlineData("final_test_acc", 0.3, 0.05, Verdict.Indistinguishable)]
    [InlineData("final_test_loss", -0.003, 0.2, Verdict.Indistinguishable)]
    public void Examples(string metric, double meanDiff, double pHolm, Verdict expected) =>
        Assert.Equal(expected, Verdicts.Of(MetricKind.TryParse(metric)!, 5, meanDiff, pHolm));

    [Fact]
    public void Metric_kinds_say_which_way_is_better_and_their_units()
    {
        Assert.Equal(["final_test_acc", "best_test_acc", "final_test_loss"], MetricKind.All.Select(m => m.Name));
        Assert.True(MetricKind.FinalTestAcc.HigherIsBetter && MetricKind.BestTestAcc.HigherIsBetter);
        Assert.False(MetricKind.FinalTestLoss.HigherIsBetter);
        Assert.Equal(("%", "pp"), (MetricKind.FinalTestAcc.Unit, MetricKind.FinalTestAcc.DifferenceUnit));
        Assert.Null(MetricKind.TryParse("Final_Test_Acc"));
    }

    [Fact]
    public void Verdicts_and_statistics_serialize_with_the_studys_names()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(
            new Comparison(4, -0.25, new ConfidenceInterval(-0.5, 0.0), 0.04, 0.08, Verdict.Indistinguishable));
        Assert.Equal("""{"n_pairs":4,"mean_diff":-0.25,"ci95":{"lower":-0.5,"upper":0},"p":0.04,"p_holm":0.08,"verdict":"indistinguishable"}""", json);
        Assert.Equal("""{"n":1,"mean":99,"sd":null,"ci95":null}""", System.Text.Json.JsonSerializer.Serialize(new CellSummary(1, 99, null, null)));
    }
}
