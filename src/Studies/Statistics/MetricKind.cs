using System.Text.Json.Serialization;
using Norms.Results;

namespace Norms.Studies;

/// <summary>Which way a metric improves: a verdict reads the sign of a difference through it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Direction>))]
public enum Direction
{
    [JsonStringEnumMemberName("higher")] HigherIsBetter,
    [JsonStringEnumMemberName("lower")] LowerIsBetter,
}

/// <summary>
/// A metric a study compares: its name (as a study spec and the report spell it), which way is better, and its unit.
/// <see cref="Unit"/> is the unit of a value, <see cref="DifferenceUnit"/> that of a difference of two values: accuracies
/// are percent, so their differences are percentage points; a loss is mean NLL per test image, in nats.
/// </summary>
public sealed record MetricKind(string Name, Direction Direction, string Unit, string DifferenceUnit)
{
    /// <summary>Test accuracy after the last completed epoch, percent.</summary>
    public static readonly MetricKind FinalTestAcc = new("final_test_acc", Direction.HigherIsBetter, "%", "pp");

    /// <summary>The highest test accuracy over the epochs, percent. Picked on the test set, so biased upwards: a
    /// second view beside <see cref="FinalTestAcc"/>, not a replacement for it.</summary>
    public static readonly MetricKind BestTestAcc = new("best_test_acc", Direction.HigherIsBetter, "%", "pp");

    /// <summary>Test loss (mean NLL per test image) after the last completed epoch.</summary>
    public static readonly MetricKind FinalTestLoss = new("final_test_loss", Direction.LowerIsBetter, "nats", "nats");

    public static IReadOnlyList<MetricKind> All { get; } = [FinalTestAcc, BestTestAcc, FinalTestLoss];

    public bool HigherIsBetter => Direction == Direction.HigherIsBetter;

    /// <summary>The metric named <paramref name="name"/> (exact, lower case), or null.</summary>
    public static MetricKind? TryParse(string name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>This metric's value in <paramref name="run"/>, or null where the run has none (no completed epoch).
    /// Status is not looked at here: which runs count is <see cref="Observations.Of"/>'s business.</summary>
    public double? ValueOf(RunResult run) => Name switch
    {
        "final_test_acc" => run.Epochs.Count > 0 ? run.Epochs[^1].TestAcc : null,
        "best_test_acc" => run.BestTestAcc,
        "final_test_loss" => run.Epochs.Count > 0 ? run.Epochs[^1].TestLoss : null,
        _ => throw new InvalidOperationException($"metric '{Name}' has no reading from a run"),
    };

    /// <summary>
    /// The spread below which this metric cannot tell runs apart on <paramref name="testImages"/> test images: an
    /// accuracy is a whole number of images, a multiple of q = 100/N percent, so it carries a rounding error of sd q/√12,
    /// and a difference of two, q/√6 (<paramref name="difference"/>). A loss is continuous: 0. Used as a floor of the sd
    /// in intervals and tests (<see cref="CellStatistics"/>, <see cref="PairedComparison"/>).
    /// </summary>
    public double ResolutionSd(int testImages, bool difference)
    {
        if (Unit != "%" || testImages <= 0) return 0;
        var q = 100.0 / testImages;
        return q / Math.Sqrt(difference ? 6 : 12);
    }

    public override string ToString() => Name;
}
