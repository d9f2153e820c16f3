using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Norms.Studies;

/// <summary>
/// &lt;out&gt;/&lt;study&gt;/study.json: the contract other tools read (names kept as the issue fixed them; fields may
/// be added, never renamed). <see cref="Spec"/> is the study spec as given; <see cref="Flags"/> the command line's
/// training flags; each run points at its result.json relative to the study folder. <see cref="Cells"/> and
/// <see cref="Comparisons"/> are the statistics (<see cref="StudySummaryJson"/>), written once runs have results;
/// <see cref="EvaluationModes"/> only when runs recorded PreciseBN's passes (spec precise_bn); <see cref="Rungs"/> only for a
/// successive-halving study, what each rung kept by validation accuracy (<see cref="StudySummaryJson.Rungs"/>).
/// </summary>
public sealed record StudyFile(
    int SchemaVersion,
    string Name,
    JsonObject Spec,
    StudyFlags Flags,
    IReadOnlyList<StudyFileRun> Runs,
    JsonArray? Cells = null,
    JsonArray? Comparisons = null,
    JsonArray? EvaluationModes = null,
    JsonArray? Rungs = null)
{
    /// <summary>2 adds cells[].targets, comparisons[].mcnemar and runs[].derived to version 1; both read
    /// (docs/schemas/study.schema.json).</summary>
    public const int CurrentSchema = 2;
    public const string FileName = "study.json";
}

/// <summary>One run as study.json lists it: id, axis values, seed, status (pending, running, completed, interrupted,
/// diverged, failed) and its result.json, relative to the study folder.</summary>
public sealed record StudyFileRun(string Id, JsonObject Axes, ulong Seed, string Status, string Result)
{
    /// <summary>What the study's derived rules set in this run (field path → value); null, and left out, without rules.</summary>
    public JsonObject? Derived { get; init; }
}

public static class StudyFileJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(StudyFile file) => JsonSerializer.Serialize(file, Options) + "\n";

    /// <summary>Null when the text is not a study file this version can read (the caller names the file and the fix).</summary>
    public static StudyFile? Deserialize(string json)
    {
        try
        {
            var file = JsonSerializer.Deserialize<StudyFile>(json, Options);
            return file is { Name: not null, Spec: not null, Runs: not null } && file.SchemaVersion is >= 1 and <= StudyFile.CurrentSchema ? file : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The folder a run's files go in, relative to the study folder.</summary>
    public static string RunFolder(string id) => $"runs/{id}";

    public static StudyFileRun Entry(StudyRun run, string status)
    {
        var axes = new JsonObject();
        foreach (var (path, value) in run.Axes) axes[path] = value?.DeepClone();
        JsonObject? derived = null;
        if (run.Derived.Count > 0)
        {
            derived = [];
            foreach (var (path, value) in run.Derived) derived[path] = value?.DeepClone();
        }
        return new StudyFileRun(run.Id, axes, run.Seed, status, $"{RunFolder(run.Id)}/result.json") { Derived = derived };
    }

    /// <summary>Whether two study specs describe the same study, seeds aside: raising the seeds from 3 to 5 adds runs
    /// to a study; any other change is another study, which must not share its folder.</summary>
    public static bool SameStudy(JsonObject a, JsonObject b)
    {
        // Seeds add runs to the study and targets only change what the runs are compared with: neither makes it another study.
        static string WithoutSeeds(JsonObject o)
        {
            var copy = (JsonObject)o.DeepClone();
            copy.Remove("seeds");
            copy.Remove("targets");
            return copy.ToJsonString();
        }
        return WithoutSeeds(a) == WithoutSeeds(b);
    }
}
