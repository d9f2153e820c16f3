using System.Text.Json;
using Json.Schema;

namespace Norms.Property.Tests.Studies;

/// <summary>The JSON Schemas published under docs/schemas describe the files Norms writes: every committed result.json
/// (version 1, before schema_version, and version 2) and study.json validates, and a file that breaks the contract does not.</summary>
public sealed class SchemaTests
{
    internal static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    // Loaded once: the library registers each schema's $id process-wide and refuses a second registration.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> Loaded = new();

    private static JsonSchema Schema(string name) =>
        Loaded.GetOrAdd(name, n => JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo(), "docs", "schemas", n))));

    internal static void AssertValid(string schemaName, string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var result = Schema(schemaName).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{file} does not match {schemaName}: " +
            string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}").Take(5)));
    }

    [Fact]
    public void Every_committed_result_and_study_file_matches_its_schema()
    {
        // The seeds' study (docs/results) and the normalization studies (docs/studies).
        string[] roots = [Path.Combine(Repo(), "docs", "results"), Path.Combine(Repo(), "docs", "studies")];
        var results = roots.SelectMany(r => Directory.EnumerateFiles(r, "result.json", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(results);
        foreach (var file in results) AssertValid("result.schema.json", file);
        var studies = roots.SelectMany(r => Directory.EnumerateFiles(r, "study.json", SearchOption.AllDirectories)).ToList();
        Assert.Contains(studies, f => f.Contains("cifar10-recipe", StringComparison.Ordinal)); // a halving study, with "rungs"
        foreach (var file in studies) AssertValid("study.schema.json", file);
    }

    [Fact]
    public void A_file_that_breaks_the_contract_is_refused()
    {
        using var bad = JsonDocument.Parse("""{ "schema_version": 2, "name": "x", "spec": {}, "flags": {}, "runs": [{ "id": "s1-0123456789ab", "axes": {}, "seed": 1, "status": "done", "result": "runs/x/result.json" }] }""");
        Assert.False(Schema("study.schema.json").Evaluate(bad.RootElement).IsValid);
        using var good = JsonDocument.Parse("""{ "schema_version": 2, "name": "x", "spec": {}, "flags": {}, "runs": [{ "id": "s1-0123456789ab", "axes": {}, "seed": 1, "status": "pending", "result": "runs/x/result.json" }] }""");
        Assert.True(Schema("study.schema.json").Evaluate(good.RootElement).IsValid);
    }
}
