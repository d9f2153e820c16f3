using Norms.Models;

namespace Norms.Studies;

/// <summary>The studies `study list` knows and `study run NAME` runs, as study spec JSON (docs/SPEC.md, "Studies").</summary>
public static class BuiltInStudies
{
    /// <summary>The seeds' comparison: the ten built-in experiments, three seeds each (the fewest that support one), each
    /// held against its seed's target accuracy, on the final epoch (the headline) and on the best (as the seeds read it).</summary>
    public static string Seeds { get; } =
        $$"""{ "name": "seeds", "axes": { "experiment": [{{string.Join(", ", BuiltInExperiments.Names.Select(n => $"\"{n}\""))}}] }, "seeds": 3, "targets": [{{string.Join(", ",
            BuiltInExperiments.SeedTargets.SelectMany(t => new[] { "final_test_acc", "best_test_acc" }.Select(m =>
                $$$"""{ "axes": { "experiment": "{{{t.Key}}}" }, "metric": "{{{m}}}", "value": {{{t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}, "source": "the seeds' target" }""")))}}] }""";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string> { ["seeds"] = Seeds };
}
