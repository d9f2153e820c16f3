using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Norms.Results;

/// <summary>
/// result.json's (and the checkpoint metadata's) JSON form: snake_case, indented, doubles round-trip exactly, with
/// <c>schema_version</c> first (docs/schemas/result.schema.json). Version 1 is every file written before the field existed
/// (read as it was); version 2 adds the field and a predictions.bin beside the file. A newer version than
/// <see cref="CurrentSchema"/> is refused rather than half read.
/// </summary>
public static class RunResultJson
{
    public const int CurrentSchema = 2;

    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // NaN/∞ can appear in a diverged epoch's losses; JSON has no literal for them, so they are written as strings.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(RunResult result)
    {
        var fields = JsonSerializer.SerializeToNode(result, Options)!.AsObject();
        var versioned = new JsonObject { ["schema_version"] = CurrentSchema };
        foreach (var (name, value) in fields.ToArray())
        {
            fields.Remove(name);
            versioned[name] = value;
        }
        return versioned.ToJsonString(Options) + "\n";
    }

    /// <summary>The result in <paramref name="json"/>, of any schema version up to <see cref="CurrentSchema"/>.</summary>
    public static RunResult Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var version = SchemaVersion(document.RootElement);
        if (version > CurrentSchema)
            throw new JsonException($"result.json has schema_version {version}, newer than this version of Norms reads ({CurrentSchema}); update Norms");
        return document.RootElement.Deserialize<RunResult>(Options) ?? throw new JsonException("result JSON holds null");
    }

    /// <summary>The file's schema_version; 1 where it has none (files written before the field).</summary>
    public static int SchemaVersion(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema_version", out var v) && v.TryGetInt32(out var n) ? n : 1;
}
