using Norms.Data;
using Norms.Models;
using Norms.Reports;
using Norms.Results;
using Norms.Torch;
using Norms.Training;

namespace Norms.Samples;

/// <summary>
/// Trains <see cref="ResidualMnist"/> the way `run` trains a built-in: the same validation, data loader, trainer and report,
/// so OUT/mnist-residual/ holds the same result.json, metrics.csv and checkpoint, and OUT/report.md the same report.
/// </summary>
public static class SampleRun
{
    /// <summary>Returns the exit code: 0 when the run completed, 2 for a mistake the user can fix (printed as one line), 130 when
    /// <paramref name="stop"/> interrupted it (its completed epochs are kept, as `run` keeps them).</summary>
    public static int Run(SampleOptions options, TextWriter output, TextWriter errors, Func<string, string?> environment,
        CancellationToken stop = default)
    {
        var spec = ResidualMnist.Experiment(options.Epochs);
        var problems = ExperimentSpecValidation.Validate(spec);
        if (problems.Count > 0)
            return Mistake(errors, string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));

        var engine = EngineOptions.FromEnvironment(environment, Device.Cpu, options.Threads > 0 ? options.Threads : Environment.ProcessorCount);
        LibTorch.Initialize(engine);
        Dataset data;
        string dataRoot;
        try
        {
            dataRoot = DataRoot.Resolve(options.DataDir, environment);
            using var downloader = new Downloader();
            data = DatasetLoader.Load(spec.Source!, dataRoot, downloader);
        }
        catch (DataException e)
        {
            return Mistake(errors, e.Message);
        }
        data = data with
        {
            Train = options.LimitTrain is { } lt && lt < data.Train.Count ? data.Train.Slice(0, lt) : data.Train,
            Test = options.LimitTest is { } ls && ls < data.Test.Count ? data.Test.Slice(0, ls) : data.Test,
        };

        var folder = new RunFolder(Path.Combine(options.Out, spec.Name));
        RunResult result;
        using (var claim = folder.TryLock(out var owner))
        {
            if (claim is null) return Mistake(errors, $"{folder.Path} is in use by another run; wait for it or pass another --out");
            folder.RemoveLeftovers();
            result = Trainer.Run(spec, data, folder, new TrainingSettings(engine), new EpochLines(output), stop);
        }
        var report = ReportWriter.Write(options.Out, dataRoot);
        output.WriteLine($"{spec.Name}: {result.Status.Label()}, final test accuracy {result.Epochs[^1].TestAcc:F2}%; results in {folder.Path}, report in {report.MarkdownPath}");
        return result.Status switch { RunStatus.Completed => 0, RunStatus.Interrupted => 130, _ => 1 };
    }

    private static int Mistake(TextWriter errors, string message)
    {
        errors.WriteLine($"error: {message}");
        return 2;
    }

    /// <summary>One line per epoch: what a user's own program would print.</summary>
    private sealed class EpochLines(TextWriter output) : ITrainingObserver
    {
        public void EpochStarted(ExperimentSpec spec, int epoch, int steps) { }
        public void StepCompleted(int step, double meanLoss, double accuracy) { }
        public void EpochCompleted(ExperimentSpec spec, EpochRecord r) =>
            output.WriteLine($"{spec.Name} epoch {r.Epoch}/{spec.Epochs}: train loss {r.TrainLoss:F4} acc {r.TrainAcc:F2}% | test loss {r.TestLoss:F4} acc {r.TestAcc:F2}%");
        public void Note(string message) => output.WriteLine(message);
    }
}
