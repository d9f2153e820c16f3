using System.Text.Json;
using System.Text.Json.Nodes;

namespace Norms.Studies;

/// <summary>Axis values as text: the canonical JSON that keys a cell, and the short form a table shows.</summary>
public static class AxisJson
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>{"norm":{"kind":"batch"},"batch_size":16}: axis order kept, no whitespace.</summary>
    public static string Canonical(IEnumerable<KeyValuePair<string, JsonNode?>> axes)
    {
        var o = new JsonObject();
        foreach (var (path, value) in axes) o[path] = value?.DeepClone();
        return o.ToJsonString(Compact);
    }

    /// <summary>One value as compact JSON ("16", "{"kind":"group","groups":2}", "\"mnist-bn\"").</summary>
    public static string Value(JsonNode? value) => value?.ToJsonString(Compact) ?? "null";
}
