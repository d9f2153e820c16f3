using Norms.Results;

namespace Norms.Reports;

/// <summary>One experiment as the report shows it: its result, the epochs it was meant to train, and what went wrong.</summary>
/// <param name="PlannedEpochs">The spec's epoch count; null when the spec in result.json has none.</param>
/// <param name="Problem">Why the run is incomplete (diverged, interrupted, still running, fewer epochs than planned), or null.</param>
/// <param name="ClassNames">Names of the classes, indexed by label (from the test set when it was loaded, else the dataset's known names).</param>
/// <param name="Gallery">Misclassified test images with captions, or null when the test images were not available.</param>
public sealed record ExperimentReport(
    RunResult Run,
    int? PlannedEpochs,
    string? Problem,
    IReadOnlyList<string> ClassNames,
    MisclassifiedGallery? Gallery)
{
    public string Folder => Run.Name;
    public bool HasEpochs => Run.Epochs.Count > 0;
    public EpochRecord? Last => Run.Epochs.Count > 0 ? Run.Epochs[^1] : null;
}

/// <summary>Misclassified test images ready to lay out: CHW bytes of <see cref="Channels"/>x<see cref="Height"/>x<see cref="Width"/> each.</summary>
public sealed record MisclassifiedGallery(int Channels, int Height, int Width, IReadOnlyList<GalleryTile> Tiles);

/// <summary>An architecture's parameter summary (the `summary` verb's text) and the experiments that used it.</summary>
public sealed record ArchitectureSummary(string Model, string Norm, string Text, IReadOnlyList<string> Experiments);

/// <summary>One norm's section: its display name, what it pools, and the experiments that used it, best first.</summary>
public sealed record NormSection(string Norm, string Title, string Pooling, IReadOnlyList<ExperimentReport> Experiments, IReadOnlyList<string> Sentences);

/// <summary>
/// Everything a report says, computed once from the saved results; the Markdown, HTML and chart renderers are pure
/// functions of it. <see cref="Notes"/> are facts about the report itself (e.g. test images that could not be loaded);
/// <see cref="Provenance"/> says how the results were made.
/// </summary>
public sealed record ReportModel(
    IReadOnlyList<ExperimentReport> Experiments,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<ArchitectureSummary> Architectures,
    IReadOnlyList<NormSection> Norms,
    string ExplainInput,
    string ExplainText,
    IReadOnlyList<string> Analysis,
    IReadOnlyList<string> Notes,
    ReportNumbers Numbers,
    ProvenanceTables Provenance);
