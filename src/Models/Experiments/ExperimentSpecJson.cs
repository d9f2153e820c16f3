using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Norms.Models;

/// <summary>An experiment read from JSON: the value when valid, otherwise every error found.</summary>
public sealed record ExperimentParseResult(ExperimentSpec? Value, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Value is not null && Errors.Count == 0;
}

/// <summary>
/// Reads and writes <see cref="ExperimentSpec"/> as JSON with snake_case names. Unknown fields, missing
/// required fields (name, dataset, model, norm, optimizer, schedule, epochs, and a one-cycle's max_lr, a
/// step schedule's step_size) and invalid values are rejected with the field's JSON path ("$.optimizer.momentum").
/// Malformed JSON stops at its first problem (System.Text.Json reads one error); a well-formed
/// file gets every validation error at once (<see cref="ExperimentSpecValidation"/>).
/// </summary>
public static partial class ExperimentSpecJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(ExperimentSpec spec) => JsonSerializer.Serialize(spec, Options) + "\n";

    public static ExperimentParseResult Parse(string json)
    {
        ExperimentSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ExperimentSpec>(json, Options);
        }
        catch (JsonException e)
        {
            return new(null, [Describe(NestedJson.FullPath(e), e.Message)]);
        }
        catch (NotSupportedException e) // a polymorphic object without its "kind"
        {
            return new(null, [Describe(PathInMessageRegex().Match(e.Message) is { Success: true } m ? m.Groups["path"].Value : "$", e.Message)]);
        }
        if (spec is null)
            return new(null, [new SpecError("$", "the file holds null; write an experiment object { \"name\": ..., ... }")]);
        spec = SettleInlineNorm(spec);
        var errors = ExperimentSpecValidation.Validate(spec);
        return new(errors.Count == 0 ? spec : null, errors);
    }

    /// <summary>
    /// An inline model's norm, settled in one place: the experiment's "norm" when given (it replaces the model's, so a study's
    /// norm axis works for inline models too), else the model's. Either way the experiment's <see cref="ExperimentSpec.Norm"/>
    /// holds it afterwards and the network's is cleared, so the canonical JSON holds it once, at "$.norm". A spec with neither
    /// keeps a null norm, which validation reports.
    /// </summary>
    public static ExperimentSpec SettleInlineNorm(ExperimentSpec spec) =>
        spec.Model is InlineModel { Network: var network } inline && (spec.Norm ?? network.Norm) is { } norm
            ? spec with { Norm = norm, Model = inline with { Network = network with { Norm = null } } }
            : spec;

    // System.Text.Json's messages name CLR types and byte positions; say what a user writing the file needs.
    private static SpecError Describe(string path, string message)
    {
        if (UnmappedRegex().Match(message) is { Success: true } unmapped)
        {
            var field = unmapped.Groups["field"].Value;
            var known = KnownFields(unmapped.Groups["type"].Value);
            var fieldPath = path.EndsWith("." + field, StringComparison.Ordinal) ? path : $"{path}.{field}";
            return new(fieldPath, $"unknown field '{field}'; remove it" + (known.Count > 0 ? $" or use one of {string.Join(", ", known)}" : ""));
        }
        if (MissingRegex().Match(message) is { Success: true } missing)
        {
            var names = missing.Groups["names"].Value.Replace("'", "", StringComparison.Ordinal);
            var first = names.Split(',', StringSplitOptions.TrimEntries)[0];
            return new($"{path}.{first}".Replace("$.$", "$", StringComparison.Ordinal), $"required field(s) missing: {names}; add them");
        }
        if (DiscriminatorRegex().Match(message) is { Success: true } discriminator)
            return new($"{path}.kind", $"unknown kind '{discriminator.Groups["id"].Value}'; use one of {KindsAt(path)}");
        if (message.Contains("must specify a type discriminator", StringComparison.Ordinal) || message.Contains("abstract type", StringComparison.Ordinal))
            return new(path, $"add a \"kind\" to this object: one of {KindsAt(path)}");
        if (message.Contains("doesn't allow null values", StringComparison.Ordinal) || message.Contains("null value", StringComparison.Ordinal))
            return new(path, "must not be null; give a value or leave optional fields out");
        if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
            return new(path, "this field appears twice in its object; keep one");
        if (message.Contains("could not be converted", StringComparison.Ordinal))
            return new(path, $"expected {Expected(path)}; fix the value");
        var text = PathSuffixRegex().Replace(message, "").Trim();
        return new(path, $"{text.TrimEnd('.')}; fix the JSON at this point");
    }

    private static string KindsAt(string path) => path switch
    {
        _ when path.EndsWith("norm", StringComparison.Ordinal) => "batch, group, group-layer, layer, instance, none",
        _ when path.EndsWith("optimizer", StringComparison.Ordinal) => "sgd, adam, adamw",
        _ when path.EndsWith("schedule", StringComparison.Ordinal) => "onecycle, step, constant",
        _ when path.EndsWith(']') => "conv, block, maxpool, gap, residual, sequential, head",
        _ => "the kinds this field allows",
    };

    // System.Text.Json names the enclosing type, not the field's, so go by the field name.
    private static string Expected(string path) => IndexRegex().Replace(path[(path.LastIndexOf('.') + 1)..], "") switch
    {
        "epochs" or "batch_size" or "validation" or "step_size" or "groups" or "channels_per_group" or "ghost_batch" => "a whole number",
        "classes" or "in" or "out" or "kernel" or "padding" or "stride" => "a whole number",
        "seed" => "a whole number >= 0",
        "augmentation" or "nesterov" or "cycle_momentum" or "affine" or "track_running_stats" or "elementwise_affine" or "bias" => "true or false",
        "name" or "dataset" or "kind" or "from" => "a string",
        "model" => $"a model name ({string.Join(", ", Architectures.Names)}) or a network object {{ \"input\": [C, H, W], \"classes\": ..., \"layers\": [...] }}",
        "input" when !path.EndsWith(']') => "[channels, height, width]: three whole numbers",
        "input" => "a whole number",
        "layers" when path.EndsWith(']') => "a layer object with a \"kind\"",
        "layers" => "a list of layer objects",
        "conv" => "a conv object { \"in\": ..., \"out\": ..., \"kernel\": ... }",
        "norm" or "optimizer" or "schedule" => "an object with a \"kind\"",
        "$" => "an experiment object",
        _ => "a number",
    };

    private static IReadOnlyList<string> KnownFields(string clrTypeName)
    {
        var type = typeof(ExperimentSpec).Assembly.GetType(clrTypeName) ?? typeof(NormSpec).Assembly.GetType(clrTypeName);
        if (type is null)
            return [];
        return [.. Options.GetTypeInfo(type).Properties.Select(p => p.Name)];
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.Strict,
            AllowOutOfOrderMetadataProperties = true, // "kind" may come anywhere in its object
            AllowDuplicateProperties = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { HideComputedNames, NormOptionalForInlineModels } },
            Converters = { new ValueListJsonConverterFactory(), new InputShapeJsonConverter() },
        };
        options.MakeReadOnly();
        return options;
    }

    // NormSpec.ShortName is derived from the kind and ExperimentSpec.Source from the dataset's text; writing them would only
    // invite a mismatch. Removed from the contract (not [JsonIgnore]d), a file that holds them gets "unknown field".
    private static void HideComputedNames(JsonTypeInfo info)
    {
        var computed = typeof(NormSpec).IsAssignableFrom(info.Type) ? "short_name" : info.Type == typeof(ExperimentSpec) ? "source" : null;
        if (computed is null)
            return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
            if (info.Properties[i].Name == computed)
                info.Properties.RemoveAt(i);
    }

    // "norm" is required of a built-in model's experiment and optional with an inline model (whose own norm then serves):
    // validation says which is missing (ExperimentSpecValidation), so the reader lets it be absent.
    private static void NormOptionalForInlineModels(JsonTypeInfo info)
    {
        if (info.Type != typeof(ExperimentSpec))
            return;
        foreach (var property in info.Properties)
            if (property.Name == "norm")
                property.IsRequired = false;
    }

    [GeneratedRegex(@"\[\d+\]$")]
    private static partial Regex IndexRegex();

    [GeneratedRegex(@"The JSON property '(?<field>[^']*)' could not be mapped to any \.NET member contained in type '(?<type>[^']*)'")]
    private static partial Regex UnmappedRegex();

    [GeneratedRegex(@"missing required properties including: (?<names>.*?)\.?( Path:|$)")]
    private static partial Regex MissingRegex();

    [GeneratedRegex(@"type discriminator id '(?<id>[^']*)'")]
    private static partial Regex DiscriminatorRegex();

    [GeneratedRegex(@"Path: (?<path>\$[^ |]*)")]
    private static partial Regex PathInMessageRegex();

    [GeneratedRegex(@"\s*Path: .*$")]
    private static partial Regex PathSuffixRegex();
}
