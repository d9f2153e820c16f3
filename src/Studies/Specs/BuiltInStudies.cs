using Norms.Models;

namespace Norms.Studies;

/// <summary>The studies `study list` knows and `study run NAME` runs, as study spec JSON (docs/SPEC.md, "Studies").</summary>
public static class BuiltInStudies
{
    /// <summary>The seeds' comparison: the ten built-in experiments, three seeds each (the fewest that support one).</summary>
    public static string Seeds { get; } =
        $$"""{ "name": "seeds", "axes": { "experiment": [{{string.Join(", ", BuiltInExperiments.Names.Select(n => $"\"{n}\""))}}] }, "seeds": 3 }""";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string> { ["seeds"] = Seeds };
}
