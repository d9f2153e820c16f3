using System.Text.Json;
using System.Text.Json.Serialization;

namespace Norms.Results;

/// <summary>result.json's (and the checkpoint metadata's) JSON form: snake_case, indented, doubles round-trip exactly.</summary>
public static class RunResultJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // NaN/∞ can appear in a diverged epoch's losses; JSON has no literal for them, so they are written as strings.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(RunResult result) => JsonSerializer.Serialize(result, Options) + "\n";

    public static RunResult Deserialize(string json) =>
        JsonSerializer.Deserialize<RunResult>(json, Options) ?? throw new JsonException("result JSON holds null");
}
