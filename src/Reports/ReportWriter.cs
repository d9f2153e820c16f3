using Norms.Models;
using System.Text.Json;
using Norms.Data;
using Norms.Results;

namespace Norms.Reports;

/// <summary>What <see cref="ReportWriter.Write"/> did.</summary>
public sealed record ReportOutcome(string OutDir, IReadOnlyList<string> Files, IReadOnlyList<string> Notes)
{
    public string HtmlPath => Path.Combine(OutDir, ReportFiles.Html);
    public string MarkdownPath => Path.Combine(OutDir, ReportFiles.Markdown);
}

/// <summary>
/// The report's edge: reads every OUT/NAME/result.json, loads the test images (never downloads), builds the model,
/// renders every file and writes each one atomically (temporary file, then rename), so a reader never sees half a file.
/// </summary>
public static class ReportWriter
{
    /// <summary>Re-renders the report of the results in <paramref name="outDir"/> into that folder.</summary>
    /// <param name="dataRoot">The data root holding mnist/ and cifar-10/ (already resolved); null skips the misclassified images.</param>
    /// <param name="loadedTestSets">Test splits already in memory, by dataset name (as in result.json); only the others are read.</param>
    /// <exception cref="ReportException">no results, a result.json that cannot be read, or the charts' font is missing.</exception>
    public static ReportOutcome Write(string outDir, string? dataRoot, ReportNumbers? numbers = null,
        IReadOnlyDictionary<string, ImageSet>? loadedTestSets = null)
    {
        var runs = LoadResults(outDir);
        ChartFont.Ensure();
        var notes = new List<string>();
        var testSets = LoadTestSets(runs, dataRoot, notes, loadedTestSets ?? new Dictionary<string, ImageSet>());
        var model = ReportBuilder.Build(runs, testSets, notes, numbers);
        var files = ReportFiles.Render(model);
        var full = Path.GetFullPath(outDir);
        foreach (var f in files) WriteAtomically(Path.Combine(full, f.RelativePath), f.Content);
        return new ReportOutcome(full, [.. files.Select(f => f.RelativePath)], model.Notes);
    }

    /// <summary>Every result.json one level below <paramref name="outDir"/>: the built-in experiments in `all` order, then the rest by name.</summary>
    public static IReadOnlyList<RunResult> LoadResults(string outDir)
    {
        if (!Directory.Exists(outDir))
            throw new ReportException($"{outDir} does not exist; pass the --out folder of `run` or `all` (default: artifacts)");
        var files = Directory.EnumerateDirectories(outDir).Select(d => Path.Combine(d, "result.json")).Where(File.Exists).ToArray();
        if (files.Length == 0)
            throw new ReportException($"no results in {outDir} (no NAME/result.json below it); train first with `run NAME --out {outDir}` or `all --out {outDir}`");
        var runs = files.Select(Read).ToList();
        var order = BuiltInExperiments.Names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        return [.. runs.OrderBy(r => order.GetValueOrDefault(r.Name, int.MaxValue)).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    private static RunResult Read(string file)
    {
        try
        {
            var result = RunResultJson.Deserialize(File.ReadAllText(file));
            if (result.Name is null || result.Epochs is null || result.Confusion is null || result.Misclassified is null || result.Spec is null)
                throw new JsonException("a required field (name, epochs, confusion, misclassified or spec) is missing");
            // The report writes a run's charts into the folder its result.json lies in, so the run goes by that folder's
            // name (one path component, from the listing), never by the name the file claims: a result.json copied from
            // elsewhere or written by hand ("name": "../../x") cannot send files outside --out.
            return result with { Name = Path.GetFileName(Path.GetDirectoryName(file)!) };
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new ReportException($"{file} is not a valid result ({OneLine(e.Message)}); re-run that experiment or move its folder away");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportException($"cannot read {file} ({OneLine(e.Message)}); check its permissions");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>The test splits of the datasets whose runs kept misclassified images: from <paramref name="loaded"/> when
    /// there, else read from <paramref name="dataRoot"/> (never downloaded); why a set is missing goes to <paramref name="notes"/>.</summary>
    internal static Dictionary<string, ImageSet> LoadTestSets(IReadOnlyList<RunResult> runs, string? dataRoot, List<string> notes,
        IReadOnlyDictionary<string, ImageSet> loaded)
    {
        var sets = new Dictionary<string, ImageSet>();
        foreach (var dataset in runs.Where(r => r.Misclassified.Count > 0).Select(r => r.Dataset).Distinct())
        {
            if (loaded.TryGetValue(dataset, out var inMemory))
            {
                sets[dataset] = inMemory;
                continue;
            }
            if (dataRoot is null)
            {
                notes.Add($"misclassified images of {dataset} are not shown: no data folder was given (--data-dir or NORMS_DATA).");
                continue;
            }
            if (DatasetSource.TryParse(dataset) is not { } source)
            {
                notes.Add($"misclassified images of {dataset} are not shown: unknown dataset name.");
                continue;
            }
            try
            {
                sets[dataset] = DatasetLoader.Load(source, dataRoot, downloader: null).Test;
                // Only the test split stays; the train split read with it is garbage now, and two datasets' worth would
                // otherwise stack up before the collector runs on its own.
                HeapCompaction.ReturnFreedMemory();
            }
            catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException)
            {
                notes.Add($"misclassified images of {dataset} are not shown: {OneLine(e.Message)}");
            }
        }
        return sets;
    }

    /// <summary>Writes one report file whole (<see cref="AtomicFile"/>), creating its folder first.</summary>
    public static void WriteAtomically(string file, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        AtomicFile.WriteAllBytes(file, content);
    }
}
