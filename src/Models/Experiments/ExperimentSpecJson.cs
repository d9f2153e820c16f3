using System.Globalization;
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
/// file gets every validation error at once.
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
            return new(null, [Describe(string.IsNullOrEmpty(e.Path) ? "$" : e.Path, e.Message)]);
        }
        catch (NotSupportedException e) // a polymorphic object without its "kind"
        {
            return new(null, [Describe(PathInMessageRegex().Match(e.Message) is { Success: true } m ? m.Groups["path"].Value : "$", e.Message)]);
        }
        if (spec is null)
            return new(null, [new SpecError("$", "the file holds null; write an experiment object { \"name\": ..., ... }")]);
        var errors = Validate(spec);
        return new(errors.Count == 0 ? spec : null, errors);
    }

    /// <summary>Every value problem of an experiment, with JSON paths; empty when it can run.</summary>
    public static IReadOnlyList<SpecError> Validate(ExperimentSpec spec)
    {
        var errors = new List<SpecError>();
        void Error(string path, string message) => errors.Add(new SpecError(path, message));
        if (RunName.Problem(spec.Name) is { } nameProblem)
            Error("$.name", nameProblem);
        var source = spec.Dataset is null ? null : DatasetSource.TryParse(spec.Dataset);
        if (source is null)
            Error("$.dataset", $"unknown dataset '{spec.Dataset}'; use {DatasetSource.Syntax} (a folder of MNIST-format idx files)");
        var modelKnown = spec.Model is not null && Architectures.Names.Contains(spec.Model);
        if (!modelKnown)
            Error("$.model", $"unknown model '{spec.Model}'; use one of {string.Join(", ", Architectures.Names)}");
        else if ((spec.Model, source) is (Architectures.Mnist8kName, DatasetSource.Cifar10) or (Architectures.Cifar50kName, DatasetSource.Mnist))
            Error("$.model", $"{spec.Model} does not take {source} images; use {(source is DatasetSource.Mnist ? Architectures.Mnist8kName : Architectures.Cifar50kName)}");
        else if ((spec.Model, source) is (Architectures.Cifar50kName, DatasetSource.Idx))
            Error("$.model", $"{spec.Model} takes 3-channel images and an idx folder holds 1-channel ones; use {Architectures.Mnist8kName}");
        NonNegative(errors, "$.l1", spec.L1);
        NonNegative(errors, "$.l2", spec.L2);
        if (spec.Dropout is { } p && !(p >= 0 && p < 1))
            Error("$.dropout", $"dropout must be in [0, 1), got {F(p)}; use e.g. 0.05, 0 for none, or leave it out for the model's default");
        if (spec.Epochs < 1)
            Error("$.epochs", $"epochs must be >= 1, got {spec.Epochs}");
        if (spec.BatchSize < 1)
            Error("$.batch_size", $"batch_size must be >= 1, got {spec.BatchSize}; use e.g. 64");
        if (spec.Norm is null)
            Error("$.norm", "norm is missing; give e.g. { \"kind\": \"batch\" }");
        else if (modelKnown && spec.Dropout is null or (>= 0 and < 1))
            foreach (var e in ModelValidation.Validate(spec.ToModelSpec() with { Regularization = Regularization.None }))
                Error("$.norm", $"at {e.Path} of {spec.Model}: {e.Message}");
        Optimizer(errors, spec);
        Schedule(errors, spec.Schedule);
        return errors;
    }

    private static void Optimizer(List<SpecError> errors, ExperimentSpec spec)
    {
        void Error(string path, string message) => errors.Add(new SpecError(path, message));
        switch (spec.Optimizer)
        {
            case null:
                Error("$.optimizer", "optimizer is missing; give e.g. { \"kind\": \"sgd\", \"lr\": 0.01, \"momentum\": 0.9 }");
                break;
            case Sgd sgd:
                Positive(errors, "$.optimizer.lr", sgd.Lr);
                if (!(sgd.Momentum >= 0 && sgd.Momentum < 1))
                    Error("$.optimizer.momentum", $"momentum must be in [0, 1), got {F(sgd.Momentum)}; use e.g. 0.9");
                if (sgd.Nesterov && !(sgd.Momentum > 0))
                    Error("$.optimizer.nesterov", "nesterov needs a momentum > 0; set momentum (e.g. 0.9) or nesterov false");
                WeightDecay(errors, sgd.WeightDecay, spec.L2);
                break;
            case Adam adam:
                Positive(errors, "$.optimizer.lr", adam.Lr);
                Betas(errors, adam.Beta1, adam.Beta2, adam.Eps);
                WeightDecay(errors, adam.WeightDecay, spec.L2);
                break;
            case AdamW adamw:
                Positive(errors, "$.optimizer.lr", adamw.Lr);
                Betas(errors, adamw.Beta1, adamw.Beta2, adamw.Eps);
                NonNegative(errors, "$.optimizer.weight_decay", adamw.WeightDecay);
                // The one rule for AdamW and L2: l2 is coupled weight decay (added to the gradient), which AdamW exists to
                // replace by its decoupled weight_decay; mixing the two is refused rather than given a meaning.
                if (spec.L2 > 0)
                    Error("$.l2", "l2 (coupled weight decay) does not combine with adamw, whose weight_decay is decoupled; set optimizer.weight_decay instead, or use sgd or adam with l2");
                break;
        }
    }

    private static void Schedule(List<SpecError> errors, ScheduleSpec? schedule)
    {
        void Error(string path, string message) => errors.Add(new SpecError(path, message));
        switch (schedule)
        {
            case null:
                Error("$.schedule", "schedule is missing; give e.g. { \"kind\": \"onecycle\", \"max_lr\": 0.1 } or { \"kind\": \"constant\" }");
                break;
            case OneCycle one:
                Positive(errors, "$.schedule.max_lr", one.MaxLr);
                if (!(one.PctStart > 0 && one.PctStart < 1))
                    Error("$.schedule.pct_start", $"pct_start must be in (0, 1), got {F(one.PctStart)}; use e.g. 0.3");
                Positive(errors, "$.schedule.div_factor", one.DivFactor);
                Positive(errors, "$.schedule.final_div_factor", one.FinalDivFactor);
                if (!(one.BaseMomentum >= 0 && one.BaseMomentum < 1))
                    Error("$.schedule.base_momentum", $"base_momentum must be in [0, 1), got {F(one.BaseMomentum)}; use e.g. 0.85");
                if (!(one.MaxMomentum >= 0 && one.MaxMomentum < 1))
                    Error("$.schedule.max_momentum", $"max_momentum must be in [0, 1), got {F(one.MaxMomentum)}; use e.g. 0.95");
                else if (one.BaseMomentum > one.MaxMomentum)
                    Error("$.schedule.base_momentum", $"base_momentum ({F(one.BaseMomentum)}) must not exceed max_momentum ({F(one.MaxMomentum)})");
                break;
            case StepSchedule step:
                if (step.StepSize < 1)
                    Error("$.schedule.step_size", $"step_size must be >= 1 epoch, got {step.StepSize}");
                if (!(step.Gamma > 0 && step.Gamma <= 1))
                    Error("$.schedule.gamma", $"gamma must be in (0, 1], got {F(step.Gamma)}; use e.g. 0.1");
                break;
        }
    }

    // sgd's and adam's weight_decay is coupled L2, exactly what l2 gives them: one of the two, not both.
    private static void WeightDecay(List<SpecError> errors, double decay, double l2)
    {
        NonNegative(errors, "$.optimizer.weight_decay", decay);
        if (decay > 0 && l2 > 0)
            errors.Add(new("$.optimizer.weight_decay", "l2 is already given to the optimizer as weight decay; set only one of l2 and optimizer.weight_decay"));
    }

    private static void Betas(List<SpecError> errors, double beta1, double beta2, double eps)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            errors.Add(new("$.optimizer.beta1", $"beta1 must be in [0, 1), got {F(beta1)}; use e.g. 0.9"));
        if (!(beta2 >= 0 && beta2 < 1))
            errors.Add(new("$.optimizer.beta2", $"beta2 must be in [0, 1), got {F(beta2)}; use e.g. 0.999"));
        Positive(errors, "$.optimizer.eps", eps);
    }

    private static void Positive(List<SpecError> errors, string path, double v)
    {
        if (!Float32Range.HoldsPositive(v))
            errors.Add(new(path, $"must be a number > 0 in float32's range {Float32Range.Text} (the engine computes in float32), got {F(v)}"));
    }

    private static void NonNegative(List<SpecError> errors, string path, double v)
    {
        if (!Float32Range.HoldsNonNegative(v))
            errors.Add(new(path, $"must be 0 or a number in float32's range {Float32Range.Text} (the engine computes in float32), got {F(v)}; use 0 for none"));
    }

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
        _ => "the kinds this field allows",
    };

    // System.Text.Json names the enclosing type, not the field's, so go by the field name.
    private static string Expected(string path) => path[(path.LastIndexOf('.') + 1)..] switch
    {
        "epochs" or "batch_size" or "step_size" or "groups" or "channels_per_group" => "a whole number",
        "seed" => "a whole number >= 0",
        "augmentation" or "nesterov" or "cycle_momentum" or "affine" or "track_running_stats" or "elementwise_affine" => "true or false",
        "name" or "dataset" or "model" or "kind" => "a string",
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
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { HideComputedNames } },
        };
        options.MakeReadOnly();
        return options;
    }

    // NormSpec.ShortName is derived from the kind; writing it would only invite a mismatch.
    private static void HideComputedNames(JsonTypeInfo info)
    {
        if (!typeof(NormSpec).IsAssignableFrom(info.Type))
            return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
            if (info.Properties[i].Name == "short_name")
                info.Properties.RemoveAt(i);
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

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
