using System.Text.Json;
using System.Text.Json.Nodes;
using Norms.Models;

namespace Norms.Studies;

/// <summary>A study spec read from JSON: the value when valid, otherwise every error found (with its JSON path).</summary>
public sealed record StudyParseResult(StudySpec? Value, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Value is not null && Errors.Count == 0;
}

/// <summary>
/// Reads a study spec (docs/SPEC.md, "Studies"):
/// <code>
/// { "name": "bn-vs-gn", "base": "mnist-bn",
///   "axes": { "norm": [{"kind": "batch"}, {"kind": "group", "channels_per_group": 2}], "batch_size": [16, 64] },
///   "seeds": 5, "overrides": { "epochs": 3 } }
/// </code>
/// This checks the study's own shape; whether each resolved run is a valid experiment is the grid's check
/// (<see cref="StudyGrid.Expand"/>), which gives experiment validation's own messages.
/// </summary>
public static class StudySpecJson
{
    private static readonly string[] Fields = ["name", "base", "axes", "seeds", "overrides", "targets", "derived", "limit_train", "halving"];

    /// <summary>Fields a study sets itself, so neither an override nor an axis may: the run's name and its seed.</summary>
    internal static readonly string[] Reserved = ["name", "seed"];

    public static StudyParseResult Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return new(null, [new SpecError("$", $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')}); fix the file")]);
        }
        if (root is not JsonObject o)
            return new(null, [new SpecError("$", "a study is a JSON object { \"name\": ..., \"base\": ..., \"axes\": {...}, \"seeds\": N }")]);

        var errors = new List<SpecError>();
        foreach (var (key, _) in o)
            if (!Fields.Contains(key))
                errors.Add(new($"$.{key}", $"unknown field '{key}'; remove it or use one of {string.Join(", ", Fields)}"));

        var name = o["name"] is JsonValue nv && nv.TryGetValue<string>(out var n) ? n : null;
        if (name is null) errors.Add(new("$.name", "give the study a name, e.g. \"name\": \"bn-vs-gn\""));
        else if (RunName.Problem(name) is { } problem) errors.Add(new("$.name", problem));

        var axes = Axes(o["axes"], errors);
        var hasExperimentAxis = axes.Any(a => a.Path == StudyAxis.Experiment);
        var studyBase = Base(o["base"], hasExperimentAxis, errors);
        var seeds = Seeds(o["seeds"], errors);
        var overrides = new JsonObject();
        switch (o["overrides"])
        {
            case null: break;
            case JsonObject given:
                foreach (var (key, value) in given)
                {
                    if (Reserved.Contains(key.Split('.')[0]))
                        errors.Add(new($"$.overrides.{key}", $"a study sets '{key}' itself (the run's {key}); remove it" + (key == "seed" ? " and use \"seeds\"" : "")));
                    else overrides[key] = value?.DeepClone();
                }
                break;
            default:
                errors.Add(new("$.overrides", "overrides is an object of spec fields, e.g. { \"epochs\": 3 }"));
                break;
        }
        var targets = Targets(o["targets"], axes, errors);
        var derived = Derived(o["derived"], errors);
        var limitTrain = LimitTrain(o["limit_train"], errors);
        var halving = Halving(o["halving"], seeds.Count, errors);
        if (halving.Count > 0)
        {
            if (axes.Any(a => a.Path == SuccessiveHalving.EpochsAxis))
                errors.Add(new("$.axes.epochs", "a halving study sets each rung's epochs; remove the epochs axis"));
            if (overrides.ContainsKey("epochs"))
                errors.Add(new("$.overrides.epochs", "a halving study sets each rung's epochs; remove overrides.epochs"));
        }
        if (errors.Count > 0) return new(null, errors);
        return new(new StudySpec(name!, studyBase!, axes, seeds, overrides) { Targets = targets, Derived = derived, LimitTrain = limitTrain, Halving = halving }, []);
    }

    private const string HalvingShape = "halving is a list of at least two rungs, e.g. [{ \"epochs\": 3 }, { \"epochs\": 8, \"keep\": 9 }, { \"epochs\": 20, \"keep\": 2, \"seeds\": 3 }]: each rung's epochs, how many of the previous rung's best cells it keeps (not on the first), and its seeds (default 1)";

    private static List<HalvingRung> Halving(JsonNode? node, int studySeeds, List<SpecError> errors)
    {
        var rungs = new List<HalvingRung>();
        if (node is null) return rungs;
        if (node is not JsonArray list || list.Count < 2)
        {
            errors.Add(new("$.halving", HalvingShape));
            return rungs;
        }
        static int? Whole(JsonNode? n) => n is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"$.halving[{i}]";
            if (list[i] is not JsonObject rung)
            {
                errors.Add(new(at, HalvingShape));
                continue;
            }
            foreach (var (key, _) in rung)
                if (key is not ("epochs" or "keep" or "seeds")) errors.Add(new($"{at}.{key}", $"unknown field '{key}'; a rung has epochs, keep and seeds"));
            var epochs = Whole(rung["epochs"]);
            if (epochs is not >= 1) errors.Add(new($"{at}.epochs", "give the rung's epochs, a whole number >= 1"));
            var keep = Whole(rung["keep"]);
            if (i == 0 && rung["keep"] is not null) errors.Add(new($"{at}.keep", "the first rung trains every cell; remove keep"));
            if (i > 0 && keep is not >= 1) errors.Add(new($"{at}.keep", "give how many of the previous rung's best cells this rung keeps, a whole number >= 1"));
            var seeds = rung["seeds"] is null ? 1 : Whole(rung["seeds"]);
            if (seeds is not >= 1 || seeds > studySeeds)
                errors.Add(new($"{at}.seeds", $"a rung runs 1 to the study's {studySeeds} seed(s) (\"seeds\"); got {rung["seeds"]?.ToJsonString() ?? "none"}"));
            if (epochs is >= 1 && (i == 0 || keep is >= 1) && seeds is >= 1) rungs.Add(new HalvingRung(epochs.Value, i == 0 ? null : keep, seeds.Value));
        }
        return rungs;
    }

    private static int? LimitTrain(JsonNode? node, List<SpecError> errors)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<int>(out var n) && n >= 1) return n;
        errors.Add(new("$.limit_train", "limit_train is how many training images every run uses (the first N, as --limit-train), a whole number >= 1, e.g. 10000"));
        return null;
    }

    private const string TargetShape = "targets is a list of { \"axes\": { AXIS: VALUE, ... }, \"value\": NUMBER, \"metric\": \"final_test_acc\", \"source\": \"...\" } (metric and source optional)";

    private static List<StudyTarget> Targets(JsonNode? node, IReadOnlyList<StudyAxis> axes, List<SpecError> errors)
    {
        var targets = new List<StudyTarget>();
        if (node is null) return targets;
        if (node is not JsonArray list)
        {
            errors.Add(new("$.targets", TargetShape));
            return targets;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"$.targets[{i}]";
            if (list[i] is not JsonObject t)
            {
                errors.Add(new(at, TargetShape));
                continue;
            }
            foreach (var (key, _) in t)
                if (key is not ("axes" or "value" or "metric" or "source"))
                    errors.Add(new($"{at}.{key}", $"unknown field '{key}'; {TargetShape}"));
            var cell = new List<KeyValuePair<string, JsonNode?>>();
            switch (t["axes"])
            {
                case null: break;
                case JsonObject given:
                    foreach (var (path, value) in given)
                    {
                        var axis = axes.FirstOrDefault(a => a.Path == path);
                        if (axis is null)
                            errors.Add(new($"{at}.axes.{path}", $"'{path}' is not one of the study's axes ({string.Join(", ", axes.Select(a => a.Path))})"));
                        else if (!axis.Values.Any(v => AxisJson.Value(v) == AxisJson.Value(value)))
                            errors.Add(new($"{at}.axes.{path}", $"{AxisJson.Value(value)} is not one of the axis' values ({string.Join(", ", axis.Values.Select(AxisJson.Value))})"));
                        else cell.Add(new(path, value?.DeepClone()));
                    }
                    break;
                default:
                    errors.Add(new($"{at}.axes", "axes is an object of axis values, e.g. { \"experiment\": \"mnist-bn\" }"));
                    break;
            }
            var metric = MetricKind.FinalTestAcc;
            if (t["metric"] is { } m)
            {
                var parsed = m is JsonValue mv && mv.TryGetValue<string>(out var name) ? MetricKind.TryParse(name) : null;
                if (parsed is null) errors.Add(new($"{at}.metric", $"use one of {string.Join(", ", MetricKind.All.Select(k => k.Name))}"));
                else metric = parsed;
            }
            double? number = t["value"] is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;
            if (number is null) errors.Add(new($"{at}.value", "give the target as a finite number, e.g. \"value\": 99.4 (percent for accuracies)"));
            string? source = null;
            if (t["source"] is { } src && !(src is JsonValue sv && sv.TryGetValue(out source)))
                errors.Add(new($"{at}.source", "source is a string saying where the number comes from"));
            if (number is { } value2) targets.Add(new StudyTarget(cell, metric, value2, source));
        }
        return targets;
    }

    private static List<DerivedRule> Derived(JsonNode? node, List<SpecError> errors)
    {
        var rules = new List<DerivedRule>();
        if (node is null) return rules;
        if (node is not JsonArray list)
        {
            errors.Add(new("$.derived", $"derived is a list of rules, e.g. [{DerivedRule.Syntax}]"));
            return rules;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"$.derived[{i}]";
            var name = list[i] is JsonObject r && r["rule"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null;
            if (name != DerivedRule.LinearLrBatchName)
            {
                errors.Add(new(at, $"unknown rule{(name is null ? "" : $" '{name}'")}; the rules are: {DerivedRule.Syntax}"));
                continue;
            }
            var rule = (JsonObject)list[i]!;
            foreach (var (key, _) in rule)
                if (key is not ("rule" or "reference_batch"))
                    errors.Add(new($"{at}.{key}", $"unknown field '{key}'; {DerivedRule.Syntax}"));
            if (rule["reference_batch"] is JsonValue rb && rb.TryGetValue<int>(out var reference) && reference >= 1)
                rules.Add(new DerivedRule.LinearLrBatch(reference));
            else errors.Add(new($"{at}.reference_batch", "give the batch size at which the base's learning rate holds, e.g. \"reference_batch\": 64"));
        }
        return rules;
    }

    private static List<StudyAxis> Axes(JsonNode? node, List<SpecError> errors)
    {
        var axes = new List<StudyAxis>();
        switch (node)
        {
            case null:
                return axes; // a study of seeds only
            case JsonObject o:
                foreach (var (path, values) in o)
                {
                    var at = $"$.axes.{path}";
                    if (values is not JsonArray list || list.Count == 0)
                    {
                        errors.Add(new(at, "an axis is a non-empty list of values, e.g. [16, 64]"));
                        continue;
                    }
                    if (Reserved.Contains(path.Split('.')[0]))
                    {
                        errors.Add(new(at, $"a study sets '{path}' itself; remove the axis" + (path == "seed" ? " and use \"seeds\"" : "")));
                        continue;
                    }
                    var distinct = list.Select(AxisJson.Value).Distinct().Count();
                    if (distinct != list.Count)
                        errors.Add(new(at, "a value appears twice; list each value once"));
                    if (path == StudyAxis.Fields)
                        foreach (var (value, i) in list.Select((v, i) => (v, i)))
                        {
                            if (value is not JsonObject fields || fields.Count == 0)
                                errors.Add(new($"{at}[{i}]", "a value of the fields axis is an object of spec fields set together, e.g. { \"augmentation\": true, \"crop_padding\": 0 }"));
                            else
                                foreach (var (key, _) in fields)
                                    if (Reserved.Contains(key.Split('.')[0]) || key == StudyAxis.Fields)
                                        errors.Add(new($"{at}[{i}].{key}", $"a study sets '{key}' itself; remove it"));
                        }
                    if (path == StudyAxis.Experiment)
                        foreach (var (value, i) in list.Select((v, i) => (v, i)))
                            if (value is not JsonValue v || !v.TryGetValue<string>(out var s) || BuiltInExperiments.Find(s) is null)
                                errors.Add(new($"{at}[{i}]", $"not a built-in experiment; use one of {string.Join(", ", BuiltInExperiments.Names)}"));
                    axes.Add(new StudyAxis(path, [.. list.Select(v => v?.DeepClone())]));
                }
                return axes;
            default:
                errors.Add(new("$.axes", "axes is an object of spec field paths and their values, e.g. { \"batch_size\": [16, 64] }"));
                return axes;
        }
    }

    private static StudyBase? Base(JsonNode? node, bool hasExperimentAxis, List<SpecError> errors)
    {
        switch (node)
        {
            case null when hasExperimentAxis:
                return new StudyBase.FromAxis();
            case null:
                errors.Add(new("$.base", $"name the experiment the study starts from (one of {string.Join(", ", BuiltInExperiments.Names)}), write one inline, or give an \"experiment\" axis"));
                return null;
            case var _ when hasExperimentAxis:
                errors.Add(new("$.base", "the \"experiment\" axis gives each run its base; remove \"base\" or the axis"));
                return null;
            case JsonValue v when v.TryGetValue<string>(out var name):
                if (BuiltInExperiments.Find(name) is null)
                {
                    errors.Add(new("$.base", $"unknown experiment '{name}'; use one of {string.Join(", ", BuiltInExperiments.Names)} or write the experiment inline"));
                    return null;
                }
                return new StudyBase.BuiltIn(name);
            case JsonObject o:
                return new StudyBase.Inline((JsonObject)o.DeepClone());
            default:
                errors.Add(new("$.base", "base is a built-in experiment's name or an experiment object"));
                return null;
        }
    }

    private static List<ulong> Seeds(JsonNode? node, List<SpecError> errors)
    {
        const string Hint = "give a count (\"seeds\": 5 means seeds 1..5) or a list of distinct seeds ([1, 7, 42])";
        switch (node)
        {
            case null:
                errors.Add(new("$.seeds", Hint));
                return [];
            case JsonValue v when v.TryGetValue<long>(out var count):
                if (count is < 1 or > 1000)
                {
                    errors.Add(new("$.seeds", $"a count of seeds must be 1 to 1000, got {count}"));
                    return [];
                }
                return [.. Enumerable.Range(1, (int)count).Select(i => (ulong)i)];
            case JsonArray list when list.Count > 0:
                var seeds = new List<ulong>();
                foreach (var (item, i) in list.Select((s, i) => (s, i)))
                {
                    if (item is JsonValue sv && sv.TryGetValue<ulong>(out var seed)) seeds.Add(seed);
                    else errors.Add(new($"$.seeds[{i}]", "a seed is a whole number >= 0"));
                }
                if (seeds.Distinct().Count() != seeds.Count) errors.Add(new("$.seeds", "a seed appears twice; list each seed once"));
                return seeds;
            default:
                errors.Add(new("$.seeds", Hint));
                return [];
        }
    }
}
