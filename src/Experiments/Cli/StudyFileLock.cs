using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// study.lock beside study.json: held while study.json is read from the run folders and rewritten, so that of workers
/// sharing a study folder the one that writes last has also read last, and its file lists every run finished before
/// it (without it, a worker that read early could rename its older view over a newer one). It is also held while a
/// worker checks that the folder holds its study and writes the first study.json, so two workers starting a new folder
/// at once cannot each write a different spec into it. Held for the time one study.json takes, so a claimant waits.
/// </summary>
internal static class StudyFileLock
{
    public const string FileName = "study.lock";

    /// <summary>How long a worker waits for another's study.json write before writing without the lock (a worker that
    /// dies holding it is stale by then: <see cref="LockStaleness.StaleAfter"/>).</summary>
    public static readonly TimeSpan Wait = LockStaleness.StaleAfter + TimeSpan.FromSeconds(30);

    public static T Holding<T>(string folder, Func<T> work, TextWriter notes)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, FileName);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var claim = RunLock.TryTake(file, out var owner);
            if (claim is not null) return work();
            if (waited.Elapsed > Wait)
            {
                notes.WriteLine($"note: {file} has been held by {owner?.Describe(DateTimeOffset.UtcNow) ?? "another worker"} for over {Wait.TotalSeconds:F0} s; writing {Norms.Studies.StudyFile.FileName} without it");
                return work();
            }
            Thread.Sleep(20);
        }
    }
}
