using Norms.Models;

namespace Norms.Studies;

/// <summary>
/// The order `study run` trains a study's runs in, a pure function of the runs. Runs are grouped by what they cost
/// (dataset, model and epochs); the cheaper groups go first (epochs × multiply-adds per image), and within a group seed
/// by seed: all cells' seed 1, then all cells' seed 2, and so on. So a study stopped part way leaves whole seeds of
/// every comparison and its cheap datasets done (the seeds' study: MNIST's five seeds before CIFAR-10's), not a few cells
/// with every seed. The order changes no result: each run depends on its spec and seed only.
/// </summary>
public static class StudySchedule
{
    public static IReadOnlyList<StudyRun> Order(IReadOnlyList<StudyRun> runs, IReadOnlyList<ulong> seeds)
    {
        var seedRank = seeds.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        return runs.Select((run, index) => (run, index))
            .GroupBy(r => (r.run.Spec.Dataset, r.run.Spec.Model, r.run.Spec.Epochs))
            .OrderBy(g => Cost(g.First().run.Spec)).ThenBy(g => g.Min(r => r.index))
            .SelectMany(g => g.OrderBy(r => seedRank.GetValueOrDefault(r.run.Seed, int.MaxValue)).ThenBy(r => r.index))
            .Select(r => r.run).ToList();
    }

    /// <summary>A run's relative cost: epochs × the model's multiply-adds per image (the data's size aside: one dataset per group).</summary>
    public static double Cost(ExperimentSpec spec) =>
        (double)spec.Epochs * ShapeInference.Analyze(spec.ToModelSpec()).MultAddsPerSample;
}
