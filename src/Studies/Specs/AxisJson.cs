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

    /// <summary>The axes a <see cref="Canonical"/> key holds, in its order: the inverse, for what keeps only the key
    /// (halving's ranked cells).</summary>
    public static IReadOnlyList<KeyValuePair<string, JsonNode?>> Axes(string canonical) =>
        [.. JsonNode.Parse(canonical)!.AsObject().Select(a => KeyValuePair.Create(a.Key, a.Value))];

    /// <summary>One value as compact JSON ("16", "{"kind":"group","groups":2}", "\"mnist-bn\"").</summary>
    public static string Value(JsonNode? value) => value?.ToJsonString(Compact) ?? "null";
}
