using System.Text.Json.Nodes;
using Norms.Models;

namespace Norms.Studies;

/// <summary>The runs a study expands to, or every error that stops it (each naming the axis and value that made it).</summary>
public sealed record StudyExpansion(IReadOnlyList<StudyRun> Runs, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Expands a study into its runs: a pure function of the spec and the flags. For each base (the study's, or each
/// value of the "experiment" axis) and each combination of the other axes' values (the first axis varies slowest),
/// and each seed: the base's JSON, then the overrides, then the axes in order, then the derived rules, then the flags,
/// then the seed; the
/// result is read back through <see cref="ExperimentSpecJson.Parse"/>, so a value the field refuses gets spec
/// validation's own message, prefixed by the axis and value that produced it.
/// </summary>
public static class StudyGrid
{
    public static StudyExpansion Expand(StudySpec study, StudyFlags flags)
    {
        var known = KnownFields();
        var errors = new List<string>();
        foreach (var (path, at) in study.Overrides.Select(o => (o.Key, $"overrides.{o.Key}"))
                     .Concat(study.Axes.Where(a => a.Path is not (StudyAxis.Experiment or StudyAxis.Fields)).Select(a => (a.Path, $"axis {a.Path}")))
            .Concat(study.Axes.Where(a => a.Path == StudyAxis.Fields).SelectMany(a => a.Values.OfType<JsonObject>()).SelectMany(o => o.Select(f => f.Key))
                .Distinct().Select(key => (key, $"axis fields, {key}"))))
            if (!known.Contains(path.Split('.')[0]))
                errors.Add($"{at}: '{path.Split('.')[0]}' is not an experiment field; use one of {string.Join(", ", known.Except(StudySpecJson.Reserved))} (docs/SPEC.md)");
        if (errors.Count > 0) return new([], errors);

        var experimentAxis = study.Axes.FirstOrDefault(a => a.Path == StudyAxis.Experiment);
        var bases = experimentAxis is null
            ? [(Axis: (KeyValuePair<string, JsonNode?>?)null, Json: BaseJson(study.Base))]
            : experimentAxis.Values.Select(v => (Axis: (KeyValuePair<string, JsonNode?>?)new(StudyAxis.Experiment, v),
                Json: BaseJson(new StudyBase.BuiltIn(v!.GetValue<string>())))).ToList();
        var axes = study.Axes.Where(a => a.Path != StudyAxis.Experiment).ToList();

        var runs = new List<StudyRun>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (baseAxis, baseJson) in bases)
            foreach (var combination in Combinations(axes))
            {
                var cell = new List<KeyValuePair<string, JsonNode?>>();
                if (baseAxis is { } b) cell.Add(b);
                cell.AddRange(combination);
                var json = (JsonObject)baseJson.DeepClone();
                var problem = Apply(json, study.Overrides.Select(o => KeyValuePair.Create(o.Key, o.Value)), "overrides")
                    ?? Apply(json, combination, "axis");
                var derived = new List<KeyValuePair<string, JsonNode?>>();
                foreach (var rule in study.Derived)
                {
                    if (problem is not null) break;
                    var (set, ruleProblem) = rule.Apply(json);
                    problem = ruleProblem;
                    derived.AddRange(set);
                }
                if (problem is null) ApplyFlags(json, flags);
                foreach (var seed in study.Seeds)
                {
                    string? error = problem;
                    ExperimentSpec? spec = null;
                    if (error is null)
                    {
                        json["seed"] = seed;
                        json["name"] = study.Name;
                        var parsed = ExperimentSpecJson.Parse(json.ToJsonString());
                        if (parsed.IsValid) spec = parsed.Value;
                        else error = string.Join("; ", parsed.Errors.Take(2).Select(e => e.ToString()))
                            + (parsed.Errors.Count > 2 ? $"; and {parsed.Errors.Count - 2} more like it" : "");
                    }
                    if (error is not null)
                    {
                        var where = cell.Count == 0 ? "the study's base" : string.Join(", ", cell.Select(c => $"{c.Key} = {AxisJson.Value(c.Value)}"));
                        var line = $"{where}: {error}";
                        if (!errors.Contains(line)) errors.Add(line);
                        continue;
                    }
                    var id = RunIdentity.Id(spec!, flags);
                    if (!seen.Add(id))
                    {
                        errors.Add($"{string.Join(", ", cell.Select(c => $"{c.Key} = {AxisJson.Value(c.Value)}"))}, seed {seed}: trains exactly what another cell trains; remove the duplicate value");
                        continue;
                    }
                    runs.Add(new StudyRun(id, cell, seed, spec! with { Name = id }) { Derived = derived });
                }
            }
        return new(errors.Count == 0 ? runs : [], errors);
    }

    /// <summary>The experiment's top-level JSON fields: its contract's, so those a spec leaves out at their defaults
    /// (validation, precise_bn) count too.</summary>
    private static IReadOnlyList<string> KnownFields() =>
        [.. ExperimentSpecJson.Options.GetTypeInfo(typeof(ExperimentSpec)).Properties.Select(p => p.Name)];

    private static JsonObject BaseJson(StudyBase b) => b switch
    {
        StudyBase.BuiltIn(var name) => JsonNode.Parse(ExperimentSpecJson.Serialize(BuiltInExperiments.Find(name)!))!.AsObject(),
        StudyBase.Inline(var o) => (JsonObject)o.DeepClone(),
        _ => throw new ArgumentException("an experiment axis study has no base of its own", nameof(b)),
    };

    private static IEnumerable<List<KeyValuePair<string, JsonNode?>>> Combinations(IReadOnlyList<StudyAxis> axes)
    {
        IEnumerable<List<KeyValuePair<string, JsonNode?>>> result = [[]];
        foreach (var axis in axes)
            result = result.SelectMany(prefix => axis.Values.Select(v => new List<KeyValuePair<string, JsonNode?>>(prefix) { new(axis.Path, v) })).ToList();
        return result;
    }

    /// <summary>Sets each dotted path in <paramref name="json"/>; a path through something that is not an object is a
    /// problem (returned), e.g. "norm.groups" on a null norm.</summary>
    private static string? Apply(JsonObject json, IEnumerable<KeyValuePair<string, JsonNode?>> values, string what)
    {
        foreach (var (path, value) in values)
        {
            // The fields axis sets each field of its value, in the order written.
            if (path == StudyAxis.Fields && value is JsonObject fields)
            {
                if (Apply(json, fields.Select(f => KeyValuePair.Create(f.Key, f.Value)), $"{what} fields") is { } problem) return problem;
                continue;
            }
            var parts = path.Split('.');
            var target = json;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (target[parts[i]] is not JsonObject next)
                    return $"{what} {path}: '{string.Join('.', parts[..(i + 1)])}' is not an object here, so it has no field '{parts[i + 1]}'";
                target = next;
            }
            target[parts[^1]] = value?.DeepClone();
        }
        return null;
    }

    private static void ApplyFlags(JsonObject json, StudyFlags flags)
    {
        if (flags.Epochs is { } epochs) json["epochs"] = epochs;
        if (flags.BatchSize is { } batch) json["batch_size"] = batch;
        if (flags.Dataset is { } dataset) json["dataset"] = dataset;
    }
}
