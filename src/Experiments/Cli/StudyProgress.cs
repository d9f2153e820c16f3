using System.Diagnostics;
using System.Globalization;
using Norms.Models;
using Norms.Results;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// The whole study's progress, shared by every run it trains (from any --jobs worker): epochs done of those left, weighted
/// by each run's cost per epoch (<see cref="StudySchedule.Cost"/>, so a CIFAR-10 epoch counts for more than an MNIST one),
/// and an ETA from the rate measured so far. <see cref="Line"/> is the line printed after each epoch, or the study bar's
/// description on a terminal.
/// </summary>
public sealed class StudyProgress(string study, IReadOnlyList<(ExperimentSpec Spec, int EpochsLeft)> runs, Stopwatch clock)
{
    private readonly Lock gate = new();
    private readonly double total = runs.Sum(r => r.EpochsLeft * CostPerEpoch(r.Spec));
    private double done;
    private int runsDone;

    public int Runs => runs.Count;

    private static double CostPerEpoch(ExperimentSpec spec) => Norms.Studies.StudySchedule.Cost(spec) / Math.Max(1, spec.Epochs);

    /// <summary>Counts one completed epoch of <paramref name="spec"/>; returns the study's line.</summary>
    public string EpochCompleted(ExperimentSpec spec)
    {
        lock (gate)
        {
            done += CostPerEpoch(spec);
            return Line();
        }
    }

    public string RunFinished()
    {
        lock (gate)
        {
            runsDone++;
            return Line();
        }
    }

    /// <summary>The study's line as it stands.</summary>
    public string Status()
    {
        lock (gate) return Line();
    }

    public double Fraction
    {
        get { lock (gate) return total <= 0 ? 1 : Math.Min(1, done / total); }
    }

    private string Line()
    {
        var fraction = total <= 0 ? 1 : Math.Min(1, done / total);
        var elapsed = clock.Elapsed;
        var eta = fraction <= 0 ? "ETA after the first epoch" : $"ETA {Duration(TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction))}";
        return string.Create(CultureInfo.InvariantCulture,
            $"study {study}: {100 * fraction:F1}% done, {runsDone} of {runs.Count} run(s) finished, {Duration(elapsed)} elapsed, {eta}");
    }

    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:D2} min" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:D2} s" : $"{t.Seconds} s";

    /// <summary>Wraps a run's observer so each completed epoch also advances the study (and prints its line, in line mode).</summary>
    internal ITrainingObserver Observe(ITrainingObserver inner, TextWriter? lines) => new Observer(this, inner, lines);

    private sealed class Observer(StudyProgress study, ITrainingObserver inner, TextWriter? lines) : ITrainingObserver
    {
        public void EpochStarted(ExperimentSpec spec, int epoch, int steps) => inner.EpochStarted(spec, epoch, steps);
        public void StepCompleted(int step, double meanLoss, double accuracy) => inner.StepCompleted(step, meanLoss, accuracy);
        public void Note(string message) => inner.Note(message);

        public void EpochCompleted(ExperimentSpec spec, EpochRecord record)
        {
            inner.EpochCompleted(spec, record);
            var line = study.EpochCompleted(spec);
            lines?.WriteLine(line);
        }
    }
}
