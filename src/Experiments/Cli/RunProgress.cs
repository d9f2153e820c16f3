using System.Globalization;
using Norms.Data;
using Norms.Models;
using Norms.Results;
using Norms.Training;
using Spectre.Console;

namespace Norms.Experiments.Cli;

/// <summary>What the console shows of one run: progress while it trains, then its outcome.</summary>
internal static class RunProgress
{
    /// <summary>Runs <paramref name="train"/> with the observer that suits the console: progress bars on an interactive
    /// terminal (unless --no-progress or <paramref name="lines"/>), otherwise a line saying what trains and then a line per
    /// epoch. In a study (<paramref name="study"/>) the study's progress and ETA come too: a bar above the run's, or a line
    /// after each epoch's.</summary>
    public static RunResult Show(ExperimentSpec spec, Dataset data, TrainingRequest request, TextWriter output, Func<ITrainingObserver, RunResult> train,
        StudyProgress? study = null, bool lines = false)
    {
        var interactive = !lines && request.Progress && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && ReferenceEquals(output, Console.Out);
        if (interactive)
        {
            return AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx => train(study is null ? new BarObserver(ctx) : study.Observe(new BarObserver(ctx, study), lines: null)));
        }
        output.WriteLine($"{spec.Name}: {spec.Model} {spec.Norm.ShortName} on {data.Name}, {TrainingImages(spec, data)} train / {data.Test.Count} test images, " +
            $"{spec.Epochs} epoch(s), threads {request.Threads}, device {request.Device}");
        return train(study is null ? new LineObserver(output) : study.Observe(new LineObserver(output), output));
    }

    /// <summary>The outcome: why it stopped on stderr when result.json says so, then its status and best test accuracy.</summary>
    public static void Finished(ExperimentSpec spec, RunResult result, RunFolder folder, TextWriter output)
    {
        if (result.Message is { } message)
            Console.Error.WriteLine($"{spec.Name}: {result.Status.Label()}: {message}");
        output.WriteLine($"{spec.Name}: {result.Status.Label()}, best test accuracy " +
            (result.BestTestAcc is { } best ? $"{best.ToString("F2", CultureInfo.InvariantCulture)}% (epoch {result.BestEpoch})" : "-") +
            $"; results in {folder.Path}");
    }

    // The held-back validation slice is shown apart: the epochs train on the rest.
    private static string TrainingImages(ExperimentSpec spec, Dataset data) =>
        spec.Validation > 0 ? $"{data.Train.Count - spec.Validation} (+{spec.Validation} validation)" : $"{data.Train.Count}";
}
