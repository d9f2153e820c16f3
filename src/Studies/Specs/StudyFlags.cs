namespace Norms.Studies;

/// <summary>The command line's flags that change what every run of a study trains (`study run --epochs 1 --quick …`):
/// applied after the axes, and part of each run's identity. Execution settings (threads, jobs) are not.</summary>
public sealed record StudyFlags(int? Epochs = null, int? BatchSize = null, int? LimitTrain = null, int? LimitTest = null, string? Dataset = null)
{
    public static StudyFlags None { get; } = new();
}
