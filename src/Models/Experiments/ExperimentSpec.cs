using System.Text.Json.Serialization;

namespace Norms.Models;

/// <summary>
/// One training run, as `run --spec FILE` reads it. JSON names are snake_case ("batch_size", "max_lr");
/// polymorphic members carry a "kind": norm (batch, group, group-layer, layer, instance, none),
/// optimizer (sgd, adam, adamw), schedule (onecycle, step, constant). Parse with
/// <see cref="ExperimentSpecJson.Parse"/>, which also validates.
/// <para>
/// <see cref="Name"/>: a name, not a path (<see cref="RunName"/>). <see cref="Dataset"/>: <see cref="DatasetSource"/>'s grammar
/// ("mnist", "cifar10", "idx:PATH"). <see cref="Model"/>: a name from <see cref="Architectures.Names"/> (a JSON string, written
/// exactly as before inline models existed) or an inline network (a JSON object, <see cref="InlineModel"/>). <see cref="Norm"/>:
/// the norm of every block that sets none; with an inline model it may be left out of the file and the model's own "norm" is
/// used (<see cref="ExperimentSpecJson.Parse"/> moves it here), and when given it replaces the model's.
/// <see cref="Dropout"/>: null = the model's default. <see cref="L1"/>: lambda in loss + lambda * sum |w| over the
/// convolution kernels. <see cref="L2"/>: coupled L2, given to the optimizer as weight decay over every parameter (the
/// reference's recipe); its rules against the optimizer's own weight_decay (and adamw,
/// <see cref="ExperimentSpecValidation.AdamWRefusesL2"/>) are in <see cref="ExperimentSpecValidation.Validate"/>. <see cref="Validation"/>: training
/// images held back, chosen by the seed, and evaluated after every epoch (0 = none); written only when above 0, so the spec
/// (and result.json, and a study's run ids) of a run without it read as before. <see cref="PreciseBn"/>: training images
/// PreciseBN recomputes the batch norms' statistics from after every epoch, for the extra test numbers it records (0 = off;
/// written only when above 0, as <see cref="Validation"/>). Every field is documented in docs/SPEC.md.
/// </para>
/// </summary>
public sealed record ExperimentSpec(
    string Name,
    string Dataset,
    ExperimentModel Model,
    NormSpec Norm,
    OptimizerSpec Optimizer,
    ScheduleSpec Schedule,
    int Epochs,
    double L1 = 0,
    double L2 = 0,
    double? Dropout = null,
    int BatchSize = 64,
    ulong Seed = 1,
    bool Augmentation = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Validation = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int PreciseBn = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CropPadding = null)
{
    /// <summary><see cref="Dataset"/> as a typed value; null when it names no dataset (validation reports that at $.dataset).
    /// Not part of the JSON (<see cref="ExperimentSpecJson"/> leaves it out): the file holds the text.</summary>
    public DatasetSource? Source => DatasetSource.TryParse(Dataset);

    /// <summary>The model this experiment trains: the named architecture, or the inline network, with this norm, dropout
    /// (null: the model's) and regularization.</summary>
    public ModelSpec ToModelSpec() => Model switch
    {
        BuiltInModel { BuiltIn: var name } => (Architectures.ByName(name, Norm, Dropout)
            ?? throw new InvalidOperationException($"unknown model '{name}'; validate the experiment first"))
            with { Regularization = new Regularization(L1, L2) },
        InlineModel { Network: var network } => network.ToModelSpec(
            Norm ?? network.Norm ?? throw new InvalidOperationException("the inline model has no norm; validate the experiment first"),
            Dropout ?? network.Dropout, new Regularization(L1, L2)),
        _ => throw new InvalidOperationException($"the experiment has no model; validate it first"),
    };
}
