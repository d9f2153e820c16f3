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

    /// <summary>The normalization studies (docs/STUDIES.md), each a spec file in src/Studies/BuiltIn/ embedded in this
    /// assembly, so `study list` prints what `study run NAME` trains and the file can be copied and changed.</summary>
    public static IReadOnlyList<string> NormStudies { get; } = ["ghost-bn-mnist", "groups-mnist", "true-batch-mnist", "ghost-bn-cifar10", "groups-cifar10", "true-batch-cifar10", "cifar10-recipe", "cifar10-recipe-control"];

    public static IReadOnlyDictionary<string, string> All { get; } =
        new[] { KeyValuePair.Create("seeds", Seeds) }.Concat(NormStudies.Select(n => KeyValuePair.Create(n, Embedded(n)))).ToDictionary();

    private static string Embedded(string name)
    {
        using var stream = typeof(BuiltInStudies).Assembly.GetManifestResourceStream($"Norms.Studies.BuiltIn.{name}.json")
            ?? throw new InvalidOperationException($"the built-in study {name} is not embedded; src/Studies/Studies.csproj embeds BuiltIn/*.json");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
