using System.Text.Json.Nodes;

namespace Norms.Studies;

/// <summary>
/// A study: one experiment (or several, by the <see cref="StudyAxis.Experiment"/> axis) trained over a grid of axis
/// values, each cell with every seed. <see cref="Base"/> is a built-in experiment's name or an inline experiment
/// object; <see cref="Overrides"/> are spec fields set on the base before the axes. Axes apply in order, so a later
/// "norm.groups" refines an earlier "norm". Read with <see cref="StudySpecJson.Parse"/>; docs/SPEC.md documents it.
/// </summary>
public sealed record StudySpec(
    string Name,
    StudyBase Base,
    IReadOnlyList<StudyAxis> Axes,
    IReadOnlyList<ulong> Seeds,
    JsonObject Overrides)
{
    /// <summary>Numbers the cells are held against (<see cref="StudyTarget"/>); none by default.</summary>
    public IReadOnlyList<StudyTarget> Targets { get; init; } = [];

    /// <summary>Rules applied to every run after its axes, in order (<see cref="DerivedRule"/>); none by default.</summary>
    public IReadOnlyList<DerivedRule> Derived { get; init; } = [];

    /// <summary>The first N training images for every run (the study's own --limit-train, e.g. the true-batch study on a
    /// CIFAR-10 slice, whose batch-2 epochs would not fit otherwise); null: the whole set. A --limit-train given on the
    /// command line wins; either way it is recorded in study.json's flags and is part of every run's id.</summary>
    public int? LimitTrain { get; init; }

    /// <summary>Successive halving's rungs (<see cref="SuccessiveHalving"/>); empty: a plain grid, every cell with every seed.</summary>
    public IReadOnlyList<HalvingRung> Halving { get; init; } = [];
}

/// <summary>
/// A number a cell is held against, e.g. a published accuracy: every cell whose values of the axes in <see cref="Axes"/>
/// equal these (an empty object: every cell) is compared on <see cref="Metric"/> with <see cref="Value"/> by the
/// one-sample 95 % t-interval of its mean (<see cref="TargetCheck"/>). <see cref="Source"/> says where the number comes from.
/// </summary>
public sealed record StudyTarget(IReadOnlyList<KeyValuePair<string, JsonNode?>> Axes, MetricKind Metric, double Value, string? Source);

/// <summary>Where a study's runs start from: a built-in experiment by name, or an experiment written inline.</summary>
public abstract record StudyBase
{
    public sealed record BuiltIn(string Name) : StudyBase;

    /// <summary>An experiment object as docs/SPEC.md describes it (its name is replaced by the run's).</summary>
    public sealed record Inline(JsonObject Experiment) : StudyBase;

    /// <summary>The axis "experiment" gives each run its base; the study's own base is then left out.</summary>
    public sealed record FromAxis : StudyBase;
}

/// <summary>One axis: a spec field path ("norm", "norm.groups", "batch_size", "schedule.max_lr", …) and its values, or
/// <see cref="Experiment"/> with built-in experiment names.</summary>
public sealed record StudyAxis(string Path, IReadOnlyList<JsonNode?> Values)
{
    public const string Experiment = "experiment";

    /// <summary>The axis whose values are objects of spec fields set together (field path to value), for configurations
    /// one field cannot name: e.g. augmentation off, on, and flip-only (augmentation true with crop_padding 0).</summary>
    public const string Fields = "fields";
}
