using Norms.Models;
using Norms.Torch;

namespace Norms.Training.Scheduling;

/// <summary>
/// How many runs of a study train at once when the user leaves it to us (--jobs auto, the default): one after another
/// when most of the runs would be trained data-parallel (each then uses every thread: its batches are split between two
/// replica threads), or as many at once as there are threads, one thread each, when most would not (ghost batch norm,
/// instance norm with running statistics, batches under 4 samples: such a run leaves all but one intra-op thread
/// waiting). Measured on the 2-core AMD EPYC (AVX-512), 2026-12-02, docs/PERFORMANCE.md "The study scheduler": five
/// mnist-bn seeds, one epoch each, took 35.8-42.6 s one after another and 46.2-47.2 s two at a time; three cifar10-bn
/// seeds 68.0 s against 75.1 s. The other half of the rule (runs that cannot split go one a thread) rests on the step
/// measurements of one thread against two unsplit (batch 2: 1.3 ms against 6.6-9.0 ms) and is not yet measured as a
/// whole study (bench/study-compare.sh --ours-only --overrides with ghost_batch). Where the threads are fewer than two, or there is one run, it is one job. The
/// choice changes only speed: a run's result does not depend on how many ran beside it, nor on its thread count, so
/// two runs at once at a thread each write what one after another at 2 threads write, to the bit (StudyCliTests).
/// </summary>
public static class JobsRule
{
    /// <summary>The number of jobs for <paramref name="runs"/> (the study's runs still to train) on <paramref name="engine"/>
    /// (its thread count the study's --threads).</summary>
    public static int Choose(IReadOnlyList<ExperimentSpec> runs, EngineOptions engine)
    {
        if (engine.Threads < 2 || runs.Count < 2) return 1;
        var unsplit = runs.Count(r => !Splits(r, engine));
        return 2 * unsplit > runs.Count ? Math.Min(engine.Threads, runs.Count) : 1;
    }

    /// <summary>Whether <paramref name="run"/>, trained alone on <paramref name="engine"/>, splits its batches between replicas.</summary>
    public static bool Splits(ExperimentSpec run, EngineOptions engine) =>
        DataParallel.CanSplit(run.ToModelSpec(), engine) && DataParallel.SplitsBatch(run.BatchSize);
}
