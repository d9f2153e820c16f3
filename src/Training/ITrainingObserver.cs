using Norms.Models;
using Norms.Results;

namespace Norms.Training;

/// <summary>Hears about a run's progress (the CLI draws bars or prints lines). Called on the training thread.</summary>
public interface ITrainingObserver
{
    void EpochStarted(ExperimentSpec spec, int epoch, int steps);
    /// <summary>After each step, with the epoch's running mean loss and accuracy (percent).</summary>
    void StepCompleted(int step, double meanLoss, double accuracy);
    void EpochCompleted(ExperimentSpec spec, EpochRecord record);
    void Note(string message);
}
