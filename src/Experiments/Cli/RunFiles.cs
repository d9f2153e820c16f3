using Norms.Data;
using Norms.Results;
using Norms.Studies;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// A study's run folders as found: each run's result.json, read once. A run without one is pending; one whose file
/// does not read counts as failed and has no result for the statistics.
/// </summary>
internal sealed class RunFiles
{
    private readonly Dictionary<string, RunResult?> _results;
    private readonly HashSet<string> _dead;

    private RunFiles(Dictionary<string, RunResult?> results, HashSet<string> dead) => (_results, _dead) = (results, dead);

    public static RunFiles Read(string studyFolder, IEnumerable<string> ids)
    {
        var results = new Dictionary<string, RunResult?>();
        var dead = new HashSet<string>();
        foreach (var id in ids)
        {
            var folder = new RunFolder(Path.Combine(studyFolder, StudyFileJson.RunFolder(id)));
            if (!File.Exists(folder.ResultFile)) continue;
            try
            {
                results[id] = RunResultJson.Deserialize(File.ReadAllText(folder.ResultFile));
                // "running" with nobody holding the folder: its process died without a word (SIGKILL, a lost machine).
                if (results[id]!.Status == RunStatus.Running && RunLock.LiveOwner(folder.LockFile) is null) dead.Add(id);
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                results[id] = null;
            }
        }
        return new RunFiles(results, dead);
    }

    /// <summary>pending, failed (unreadable), interrupted (says running, but no live worker holds its folder), or the
    /// status result.json records (the same words).</summary>
    public string Status(string id) =>
        !_results.TryGetValue(id, out var result) ? "pending" : result is null ? "failed"
        : _dead.Contains(id) ? RunStatus.Interrupted.Label() : result.Status.Label();

    /// <summary>The results that read, by run id.</summary>
    public IReadOnlyDictionary<string, RunResult> Readable =>
        _results.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
}
