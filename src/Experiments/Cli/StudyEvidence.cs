using Norms.Data;
using Norms.Models;
using Norms.Results;
using Norms.Studies;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// What McNemar's test needs beyond result.json: each completed run's predictions.bin and the true labels of the test
/// images the runs saw (the dataset's test split, its first --limit-test images), read from the data folder without
/// downloading. Where either is missing the comparisons simply have no McNemar view, and <see cref="Notes"/> says why.
/// </summary>
internal static class StudyEvidence
{
    public static (TestPredictions Predictions, IReadOnlyList<string> Notes) Read(string folder, IReadOnlyList<StudyRun> runs,
        IReadOnlyDictionary<string, RunResult> results, StudyFlags flags, string? dataRoot)
    {
        var notes = new List<string>();
        var byRun = new Dictionary<string, byte[]>();
        foreach (var run in runs)
        {
            var file = Path.Combine(folder, StudyFileJson.RunFolder(run.Id), RunFolder.PredictionsFileName);
            if (results.TryGetValue(run.Id, out var r) && r.Status == RunStatus.Completed && File.Exists(file))
                byRun[run.Id] = File.ReadAllBytes(file);
        }
        var labels = new Dictionary<string, byte[]>();
        foreach (var dataset in runs.Select(r => r.Spec.Dataset).Distinct())
        {
            if (dataRoot is null || DatasetSource.TryParse(dataset) is not { } source)
            {
                notes.Add($"no data folder for {dataset}'s labels: the comparisons have no McNemar view (set NORMS_DATA)");
                continue;
            }
            try
            {
                var test = DatasetLoader.Load(source, dataRoot, downloader: null).Test;
                var count = flags.LimitTest is { } limit && limit < test.Count ? limit : test.Count;
                labels[dataset] = test.Labels.AsSpan(0, count).ToArray();
            }
            catch (Exception e) when (e is DataException or IOException)
            {
                notes.Add($"{dataset}'s test labels are unreadable ({e.Message}): its comparisons have no McNemar view");
            }
        }
        return (new TestPredictions(byRun, labels), notes);
    }
}
