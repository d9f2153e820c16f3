using Norms.Data;
using Norms.Results;
using Norms.Studies;

namespace Norms.Experiments.Cli;

/// <summary>
/// A study's run folders as found: each run's result.json, read once. A run without one is pending; one whose file
/// does not read counts as failed and has no result for the statistics.
/// </summary>
internal sealed class RunFiles
{
    private readonly Dictionary<string, RunResult?> _results;

    private RunFiles(Dictionary<string, RunResult?> results) => _results = results;

    public static RunFiles Read(string studyFolder, IEnumerable<string> ids)
    {
        var results = new Dictionary<string, RunResult?>();
        foreach (var id in ids)
        {
            var file = Path.Combine(studyFolder, StudyFileJson.RunFolder(id), "result.json");
            if (!File.Exists(file)) continue;
            try
            {
                results[id] = RunResultJson.Deserialize(File.ReadAllText(file));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                results[id] = null;
            }
        }
        return new RunFiles(results);
    }

    /// <summary>pending, failed (unreadable), or the status result.json records (the same words).</summary>
    public string Status(string id) =>
        !_results.TryGetValue(id, out var result) ? "pending" : result is null ? "failed" : result.Status.Label();

    /// <summary>The results that read, by run id.</summary>
    public IReadOnlyDictionary<string, RunResult> Readable =>
        _results.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
}
