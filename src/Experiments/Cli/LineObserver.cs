using System.Globalization;
using Norms.Models;
using Norms.Results;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>Progress as plain lines (output redirected, or --no-progress): one per epoch, and every note.</summary>
internal sealed class LineObserver(TextWriter output) : ITrainingObserver
{
    public void EpochStarted(ExperimentSpec spec, int epoch, int steps) { }
    public void StepCompleted(int step, double meanLoss, double accuracy) { }
    public void Note(string message) => output.WriteLine(message);

    private static string Validation(EpochRecord r) =>
        r.ValLoss is { } loss ? string.Create(CultureInfo.InvariantCulture, $"val loss {loss:F4} acc {r.ValAcc:F2}% | ") : "";

    public void EpochCompleted(ExperimentSpec spec, EpochRecord r) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{spec.Name} epoch {r.Epoch}/{spec.Epochs}: train loss {r.TrainLoss:F4} acc {r.TrainAcc:F2}% | {Validation(r)}test loss {r.TestLoss:F4} acc {r.TestAcc:F2}% | lr {Decimals.Readable(r.Lr, significantDigits: 4)} | {r.Seconds:F1} s"));
}
