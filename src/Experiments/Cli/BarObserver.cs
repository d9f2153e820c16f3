using System.Globalization;
using Norms.Models;
using Norms.Results;
using Norms.Training;
using Spectre.Console;

namespace Norms.Experiments.Cli;

/// <summary>Progress as a bar per epoch on an interactive terminal, its description updated with the running loss and accuracy.</summary>
/// In a study, a bar for the whole study (its work done and ETA, <see cref="StudyProgress"/>) stands above the run's.
internal sealed class BarObserver(ProgressContext context, StudyProgress? study = null) : ITrainingObserver
{
    private const double StudyBarSteps = 1000;
    private ProgressTask? task;
    private string label = "";
    private readonly ProgressTask? studyTask = study is null ? null : context.AddTask("study", maxValue: StudyBarSteps);

    public void EpochStarted(ExperimentSpec spec, int epoch, int steps)
    {
        label = $"{spec.Name} {epoch}/{spec.Epochs}";
        if (studyTask is not null && study is not null)
        {
            studyTask.Value = study.Fraction * StudyBarSteps;
            studyTask.Description = Markup.Escape(study.Status());
        }
        task = context.AddTask(Markup.Escape(label), maxValue: steps);
    }

    public void StepCompleted(int step, double meanLoss, double accuracy)
    {
        if (task is null) return;
        task.Value = step;
        if (step % 10 == 1) task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{label} loss {meanLoss:F4} acc {accuracy:F2}%"));
    }

    public void EpochCompleted(ExperimentSpec spec, EpochRecord r)
    {
        if (task is null) return;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{label} train {r.TrainLoss:F4} {r.TrainAcc:F2}% test {r.TestLoss:F4} {r.TestAcc:F2}% {r.Seconds:F1}s"));
        task.StopTask();
        if (studyTask is not null && study is not null)
        {
            studyTask.Value = study.Fraction * StudyBarSteps;
            studyTask.Description = Markup.Escape(study.Status());
        }
    }

    public void Note(string message) => context.AddTask(Markup.Escape(message), maxValue: 1).Value = 1;
}
