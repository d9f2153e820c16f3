using System.Globalization;
using Norms.Data;
using Norms.Models;
using Norms.Studies;
using Norms.Training.Bench;

namespace Norms.Experiments.Cli;

/// <summary>
/// `study run --dry-run`'s budget: each run's steps and an estimated time from a short measured calibration. Every kind
/// of epoch (<see cref="StudyProgress.Kind"/>) is timed once: <see cref="WarmupSteps"/> untimed and
/// <see cref="CalibrationSteps"/> timed training steps of its network at its batch, on the threads each job gets
/// (<see cref="StepBenchmark"/>). A run's time is then epochs × (its steps × that step time + its test pass, taken as a
/// third of a training step per batch of test images: a forward pass without backward or update). Data loading,
/// augmentation and checkpoints are left out, so the estimate is a lower bound of the order of 10 % below; the study's
/// own progress line corrects it with measured epochs as the study runs.
/// </summary>
internal static class StudyEstimate
{
    public const int WarmupSteps = 2;
    public const int CalibrationSteps = 8;

    public sealed record RunEstimate(StudyRun Run, long? Steps, double? Seconds);

    public static (IReadOnlyList<RunEstimate> Runs, string Method) Of(IReadOnlyList<StudyRun> runs, TrainingRequest request, int jobs, TextWriter notes)
    {
        var perJob = ExperimentRunner.ForEachJob(request, jobs);
        var sizes = new Dictionary<string, (int Train, int Test)?>();
        var stepMs = new Dictionary<string, double>();
        var estimates = new List<RunEstimate>();
        foreach (var run in runs)
        {
            var spec = run.Spec;
            if (!sizes.TryGetValue(spec.Dataset, out var size))
                sizes[spec.Dataset] = size = Sizes(spec.Dataset, request, notes);
            if (size is not { } s)
            {
                estimates.Add(new(run, null, null));
                continue;
            }
            var train = Math.Max(0, s.Train - spec.Validation);
            var batch = Math.Min(spec.BatchSize, Math.Max(1, train));
            long steps = BatchOrder.StepsPerEpoch(train, batch);
            var kind = StudyProgress.Kind(spec);
            if (!stepMs.TryGetValue(kind, out var ms))
                stepMs[kind] = ms = StepBenchmark.Run(spec.ToModelSpec(), spec.Dataset, spec.Norm.ShortName, batch, CalibrationSteps, WarmupSteps, perJob.Engine).MsPerStep;
            var testBatches = (s.Test + batch - 1) / batch;
            estimates.Add(new(run, steps * spec.Epochs, spec.Epochs * (steps * ms + testBatches * ms / 3) / 1000));
        }
        var method = string.Create(CultureInfo.InvariantCulture,
            $"calibrated on {CalibrationSteps} steps of each of {stepMs.Count} kind(s) of epoch at {perJob.Threads} thread(s) a job, {jobs} job(s) at once");
        return (estimates, method);
    }

    /// <summary>The training and test images a run of <paramref name="dataset"/> sees (--limit-* applied), read from the data
    /// folder without downloading; null, with a note, when the data is not there.</summary>
    private static (int Train, int Test)? Sizes(string dataset, TrainingRequest request, TextWriter notes)
    {
        try
        {
            var data = DatasetLoader.Load(DatasetSource.TryParse(dataset)!, request.DataRoot, downloader: null);
            return (Math.Min(data.Train.Count, request.LimitTrain ?? int.MaxValue), Math.Min(data.Test.Count, request.LimitTest ?? int.MaxValue));
        }
        catch (Exception e) when (e is DataException or IOException)
        {
            notes.WriteLine($"note: {dataset} is not in {request.DataRoot} ({e.Message.Split('\n')[0]}); its runs have no estimate (`run` downloads it)");
            return null;
        }
    }

    /// <summary>Seconds per epoch of each kind (<see cref="StudyProgress.Kind"/>), from <see cref="Of"/>'s estimates.</summary>
    public static IReadOnlyDictionary<string, double> PerEpoch(IReadOnlyList<RunEstimate> estimates) =>
        estimates.Where(e => e.Seconds is not null).GroupBy(e => StudyProgress.Kind(e.Run.Spec))
            .ToDictionary(g => g.Key, g => g.First().Seconds!.Value / Math.Max(1, g.First().Run.Spec.Epochs));

    public static string Total(IReadOnlyList<RunEstimate> estimates, int jobs)
    {
        var known = estimates.Where(e => e.Seconds is not null).ToList();
        var seconds = known.Sum(e => e.Seconds!.Value) / Math.Max(1, jobs);
        return $"{estimates.Count} run(s), {known.Sum(e => e.Steps!.Value):N0} training steps, estimated {StudyProgress.Duration(TimeSpan.FromSeconds(seconds))}"
            + (known.Count < estimates.Count ? $" for the {known.Count} with data" : "");
    }
}
