using System.Diagnostics;
using System.Globalization;
using Norms.Models;
using Norms.Results;
using Norms.Studies;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// The whole study's progress, shared by every run it trains (from any --jobs worker): epochs done of those left, and an
/// ETA. The ETA sums, over the epochs left, each one's expected seconds: the mean measured so far for epochs of the same
/// kind (<see cref="Kind"/>: dataset, model, norm, batch), else a measured kind's mean scaled by the two kinds' cost
/// (the calibration's seconds per epoch, <see cref="StudyEstimate"/>, when given; else <see cref="StudySchedule.Cost"/>);
/// divided by the jobs running at once. Before any epoch is measured the calibration alone gives the ETA.
/// <see cref="Status"/> is the line printed after each epoch, or the study bar's description on a terminal.
/// </summary>
public sealed class StudyProgress
{
    private readonly string study;
    private readonly int jobs;
    private readonly Stopwatch clock;
    private readonly Lock gate = new();
    private readonly Dictionary<string, (int Left, double CostPerEpoch)> left = [];
    private readonly Dictionary<string, (double Seconds, int Epochs)> measured = [];
    private readonly int runs;
    private readonly int epochsAtStart;
    private int epochsDone;
    private int runsDone;

    private readonly bool calibrated;

    /// <param name="calibration">Seconds per epoch of each kind, measured on a few steps (<see cref="StudyEstimate"/>); null
    /// to weigh the kinds by multiply-adds alone.</param>
    public StudyProgress(string study, IReadOnlyList<(ExperimentSpec Spec, int EpochsLeft)> todo, Stopwatch clock, int jobs = 1,
        IReadOnlyDictionary<string, double>? calibration = null)
    {
        (this.study, this.clock, this.jobs, runs) = (study, clock, Math.Max(1, jobs), todo.Count);
        calibrated = calibration is not null && todo.All(t => calibration.ContainsKey(Kind(t.Spec)));
        foreach (var (spec, epochs) in todo)
        {
            var kind = Kind(spec);
            var cost = calibrated ? calibration![kind] : CostPerEpoch(spec);
            var before = left.TryGetValue(kind, out var known) ? known : (Left: 0, CostPerEpoch: cost);
            left[kind] = (before.Left + Math.Max(0, epochs), before.CostPerEpoch);
            epochsAtStart += Math.Max(0, epochs);
        }
    }

    /// <summary>What makes epochs take the same time: the data, the model (inline networks, all named "custom", told apart
    /// by their multiply-adds), its norm and the batch.</summary>
    internal static string Kind(ExperimentSpec spec) =>
        $"{spec.Dataset}/{spec.Model}/{CostPerEpoch(spec)}/{spec.Norm.ShortName}/{spec.BatchSize}";

    private static double CostPerEpoch(ExperimentSpec spec) => StudySchedule.Cost(spec) / Math.Max(1, spec.Epochs);

    public void EpochCompleted(ExperimentSpec spec, double seconds)
    {
        lock (gate)
        {
            var kind = Kind(spec);
            if (left.TryGetValue(kind, out var l)) left[kind] = (Math.Max(0, l.Left - 1), l.CostPerEpoch);
            var m = measured.GetValueOrDefault(kind);
            measured[kind] = (m.Seconds + seconds, m.Epochs + 1);
            epochsDone++;
        }
    }

    public void RunFinished()
    {
        lock (gate) runsDone++;
    }

    /// <summary>Seconds left, or null before any epoch of any kind was measured.</summary>
    private double? SecondsLeft()
    {
        if (measured.Count == 0) return calibrated ? left.Sum(k => k.Value.Left * k.Value.CostPerEpoch) / jobs : null;
        // Seconds per unit of cost, from the measured kinds: the fallback for a kind not measured yet.
        var perCost = measured.Sum(m => m.Value.Seconds) / measured.Sum(m => m.Value.Epochs * left[m.Key].CostPerEpoch);
        var total = left.Sum(k => k.Value.Left * (measured.TryGetValue(k.Key, out var m) ? m.Seconds / m.Epochs : perCost * k.Value.CostPerEpoch));
        return total / jobs;
    }

    public double Fraction
    {
        get { lock (gate) return epochsAtStart == 0 ? 1 : (double)epochsDone / epochsAtStart; }
    }

    public string Status()
    {
        lock (gate)
        {
            var eta = SecondsLeft() is { } s ? $"ETA {Duration(TimeSpan.FromSeconds(s))}" : "ETA after the first epoch";
            return string.Create(CultureInfo.InvariantCulture,
                $"study {study}: {epochsDone} of {epochsAtStart} epoch(s), {runsDone} of {runs} run(s) finished, {Duration(clock.Elapsed)} elapsed, {eta}");
        }
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
            study.EpochCompleted(spec, record.Seconds);
            lines?.WriteLine(study.Status());
        }
    }
}
