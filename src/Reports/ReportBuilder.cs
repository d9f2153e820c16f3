using System.Globalization;
using System.Text.Json.Nodes;
using Norms.Data;
using Norms.Results;
using Norms.Explain;
using Norms.Models;
using Norms.Reference;

namespace Norms.Reports;

/// <summary>Builds the <see cref="ReportModel"/> from results already in memory. No files, no console, no clock.</summary>
public static class ReportBuilder
{
    /// <summary>How many misclassified images each gallery shows (result.json keeps up to 100).</summary>
    public const int GalleryImages = 24;

    /// <summary>The worked example: N = 2, C = 4, H = W = 2, so BatchNorm, LN, GroupNorm(2) and InstanceNorm each pool a different set.</summary>
    public static Nchw ExplainExample { get; } = new(2, 4, 2, 2,
    [
        1, 2, 3, 4, 0, 2, 4, 6, -1, 0, 1, 2, 5, 5, 6, 8,
        2, 0, 1, 1, -1, 3, 0.5, 2, 4, 4, 2, 6, 0, -2, 1, 3,
    ]);

    public const int ExplainGroups = 2;

    /// <param name="runs">The saved results, in the order the report lists them.</param>
    /// <param name="testSets">Test images by dataset name (as in result.json), for the misclassified galleries; may be empty.</param>
    /// <param name="notes">Facts found at the edge (e.g. why a test set could not be loaded), shown as they are.</param>
    public static ReportModel Build(IReadOnlyList<RunResult> runs, IReadOnlyDictionary<string, ImageSet> testSets,
        IReadOnlyList<string>? notes = null, ReportNumbers? numbers = null)
    {
        numbers ??= ReportNumbers.Default;
        var allNotes = new List<string>(notes ?? []);
        var experiments = runs.Select(r => Experiment(r, testSets.GetValueOrDefault(r.Dataset), allNotes)).ToArray();
        var warnings = experiments.Where(e => e.Problem is not null).Select(e => $"{e.Run.Name} {e.Problem}").ToArray();
        var explanation = NormExplainer.Explain(ExplainExample, ExplainGroups);
        return new ReportModel(
            experiments,
            warnings,
            Summaries(experiments, allNotes),
            NormSections(experiments, numbers),
            $"shape [{ExplainExample.N}, {ExplainExample.C}, {ExplainExample.H}, {ExplainExample.W}], groups {ExplainGroups}",
            ExplainText.Render(explanation),
            ReportAnalysis.Sentences(experiments, numbers),
            allNotes,
            numbers,
            ReportProvenance.Tables(runs));
    }

    /// <summary>One run as the report reads it, without test images (so without a gallery): for the results table alone.</summary>
    public static ExperimentReport Experiment(RunResult run) => Experiment(run, null, []);

    private static ExperimentReport Experiment(RunResult run, ImageSet? test, List<string> notes)
    {
        // A result.json written before non-finite losses were left out can hold a NaN best test loss (a minimum over NaN is
        // NaN); the report shows the lowest finite loss instead, the one a reader compares. So every best loss the report
        // holds is finite or null.
        if (run.BestTestLoss is { } loss && !double.IsFinite(loss))
            run = run with { BestTestLoss = Bests.TestLoss(run.Epochs) };
        var planned = PlannedEpochs(run.Spec);
        var classCount = run.Confusion.Length > 0 ? run.Confusion.Length : test?.ClassCount ?? 10;
        var names = test is not null && test.ClassCount == classCount ? test.ClassNames : KnownClasses.For(run.Dataset, classCount);
        return new ExperimentReport(run, planned, Problem(run, planned), names, Gallery(run, test, names, notes));
    }

    public static int? PlannedEpochs(JsonNode? spec) =>
        spec is JsonObject o && o["epochs"] is JsonValue v && v.TryGetValue<int>(out var epochs) ? epochs : null;

    /// <summary>Why a run is not a complete result, in words; null when it is.</summary>
    public static string? Problem(RunResult run, int? planned)
    {
        var done = run.Epochs.Count;
        var of = planned is { } p ? $"{done} of {p} planned epoch{(p == 1 ? "" : "s")}" : $"{done} epoch{(done == 1 ? "" : "s")}";
        var why = string.IsNullOrWhiteSpace(run.Message) ? "" : $": {run.Message.Trim()}";
        return run.Status switch
        {
            RunStatus.Diverged => $"DIVERGED after {of}{why}",
            RunStatus.Interrupted => $"was INTERRUPTED after {of}{why}",
            RunStatus.Running => $"is UNFINISHED (status running: still training, or its process died) with {of}",
            _ when planned is { } q && done < q => $"is CUT SHORT: completed {of}",
            _ when done == 0 => "has NO EPOCHS",
            _ => null,
        };
    }

    private static MisclassifiedGallery? Gallery(RunResult run, ImageSet? test, IReadOnlyList<string> names, List<string> notes)
    {
        if (test is null || run.Misclassified.Count == 0) return null;
        var (tiles, mismatched) = GalleryTiles(run.Misclassified, test, names);
        if (mismatched > 0)
            notes.Add($"{run.Name}: {mismatched} misclassified image(s) do not match the loaded {run.Dataset} test set (index or label differs); they are left out of the gallery.");
        return tiles.Count == 0 ? null : new MisclassifiedGallery(test.Channels, test.Height, test.Width, tiles);
    }

    /// <summary>
    /// The first <see cref="GalleryImages"/> misclassified images that point at <paramref name="test"/> as it was evaluated
    /// (index in range, the stored label the test set's, prediction and label among <paramref name="names"/>), captioned
    /// "predicted (true actual)"; and how many did not. Both reports' galleries are made here.
    /// </summary>
    internal static (IReadOnlyList<GalleryTile> Tiles, int Mismatched) GalleryTiles(IReadOnlyList<Misclassified> misclassified, ImageSet test, IReadOnlyList<string> names)
    {
        var tiles = new List<GalleryTile>();
        var mismatched = 0;
        foreach (var m in misclassified)
        {
            if (tiles.Count == GalleryImages) break;
            if (m.Index < 0 || m.Index >= test.Count || test.Labels[m.Index] != m.Label || m.Pred < 0 || m.Pred >= names.Count || m.Label >= names.Count)
            {
                mismatched++;
                continue;
            }
            tiles.Add(new GalleryTile(m.Index, m.Label, m.Pred, $"{names[m.Pred]} (true {names[m.Label]})", test.Image(m.Index).ToArray()));
        }
        return (tiles, mismatched);
    }

    private static IReadOnlyList<ArchitectureSummary> Summaries(IReadOnlyList<ExperimentReport> experiments, List<string> notes)
    {
        var list = new List<ArchitectureSummary>();
        foreach (var group in experiments.GroupBy(e => e.Run.Model))
        {
            var first = group.First().Run;
            var model = ModelOf(first);
            if (model is null)
            {
                notes.Add($"no parameter summary for model '{first.Model}': its spec in {first.Name}/result.json cannot be rebuilt.");
                continue;
            }
            string text;
            try
            {
                text = SummaryFormat.Text(ModelSummary.Of(model));
            }
            catch (ModelSpecException e)
            {
                notes.Add($"no parameter summary for model '{first.Model}': {string.Join("; ", e.Errors.Select(x => x.Message))}");
                continue;
            }
            list.Add(new ArchitectureSummary(first.Model, first.Norm, text, [.. group.Select(e => e.Run.Name)]));
        }
        return list;
    }

    private static ModelSpec? ModelOf(RunResult run)
    {
        var parsed = ExperimentSpecJson.Parse(run.Spec.ToJsonString());
        if (parsed.IsValid) return parsed.Value!.ToModelSpec();
        return Architectures.NormFor(run.Model, run.Norm) is { } norm ? Architectures.ByName(run.Model, norm) : null;
    }

    private static IReadOnlyList<NormSection> NormSections(IReadOnlyList<ExperimentReport> experiments, ReportNumbers numbers) =>
        experiments.GroupBy(e => e.Run.Norm)
            .Select(g =>
            {
                var (title, pooling) = NormNames.Describe(g.Key);
                var ordered = g.OrderByDescending(e => e.Run.BestTestAcc is { } a ? numbers.RoundAcc(a) : double.NegativeInfinity)
                    .ThenBy(e => e.Run.Name, StringComparer.Ordinal).ToArray();
                return new NormSection(g.Key, title, pooling, ordered, ReportAnalysis.NormSentences(g.Key, ordered, numbers));
            })
            .ToArray();

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
