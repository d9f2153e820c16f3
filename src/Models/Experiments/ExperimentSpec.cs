using System.Text.Json.Serialization;

namespace Norms.Models;

/// <summary>
/// One training run, as `run --spec FILE` reads it. JSON names are snake_case ("batch_size", "max_lr");
/// polymorphic members carry a "kind": norm (batch, group, group-layer, layer, instance, none),
/// optimizer (sgd, adam, adamw), schedule (onecycle, step, constant). Parse with
/// <see cref="ExperimentSpecJson.Parse"/>, which also validates.
/// <para>
/// <see cref="Name"/>: a name, not a path (<see cref="RunName"/>). <see cref="Dataset"/>: <see cref="DatasetSource"/>'s grammar
/// ("mnist", "cifar10", "idx:PATH"). <see cref="Model"/>: a name from <see cref="Architectures.Names"/>.
/// <see cref="Dropout"/>: null = the model's default. <see cref="L1"/>: lambda in loss + lambda * sum |w| over the
/// convolution kernels. <see cref="L2"/>: coupled L2, given to the optimizer as weight decay over every parameter (the
/// reference's recipe); its rules against the optimizer's own weight_decay (and adamw) are in
/// <see cref="ExperimentSpecJson.Validate"/>. Every field is documented in docs/SPEC.md.
/// </para>
/// </summary>
public sealed record ExperimentSpec(
    string Name,
    string Dataset,
    string Model,
    NormSpec Norm,
    OptimizerSpec Optimizer,
    ScheduleSpec Schedule,
    int Epochs,
    double L1 = 0,
    double L2 = 0,
    double? Dropout = null,
    int BatchSize = 64,
    ulong Seed = 1,
    bool Augmentation = false)
{
    /// <summary>The model this experiment trains: the named architecture with this norm, dropout and regularization.</summary>
    public ModelSpec ToModelSpec() =>
        (Architectures.ByName(Model, Norm, Dropout) ?? throw new InvalidOperationException($"unknown model '{Model}'; validate the experiment first"))
        with { Regularization = new Regularization(L1, L2) };
}

/// <summary>The optimizer; <c>lr</c> is the constant or step schedule's starting rate (one-cycle sets its own).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(Sgd), "sgd")]
[JsonDerivedType(typeof(Adam), "adam")]
[JsonDerivedType(typeof(AdamW), "adamw")]
public abstract record OptimizerSpec
{
    public abstract double Lr { get; init; }
}

/// <summary>torch.optim.SGD.</summary>
public sealed record Sgd(double Lr = 0.01, double Momentum = 0.9, bool Nesterov = false, double WeightDecay = 0) : OptimizerSpec
{
    public override double Lr { get; init; } = Lr;
}

/// <summary>torch.optim.Adam (weight decay coupled, as L2).</summary>
public sealed record Adam(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0) : OptimizerSpec
{
    public override double Lr { get; init; } = Lr;
}

/// <summary>torch.optim.AdamW (decoupled weight decay, PyTorch's default 0.01).</summary>
public sealed record AdamW(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0.01) : OptimizerSpec
{
    public override double Lr { get; init; } = Lr;
}

/// <summary>How the learning rate moves during training.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(OneCycle), "onecycle")]
[JsonDerivedType(typeof(StepSchedule), "step")]
[JsonDerivedType(typeof(ConstantSchedule), "constant")]
public abstract record ScheduleSpec;

/// <summary>torch.optim.lr_scheduler.OneCycleLR (cosine), stepped every batch; PyTorch's defaults. With
/// <paramref name="CycleMomentum"/> (PyTorch's default) SGD's momentum, or Adam's beta1, moves from max_momentum to
/// base_momentum while the learning rate warms up and back while it anneals, overriding the optimizer's own value.</summary>
public sealed record OneCycle(double MaxLr, double PctStart = 0.3, double DivFactor = 25, double FinalDivFactor = 1e4,
    bool CycleMomentum = true, double BaseMomentum = 0.85, double MaxMomentum = 0.95) : ScheduleSpec;

/// <summary>torch.optim.lr_scheduler.StepLR stepped every epoch: lr * gamma every <paramref name="StepSize"/> epochs.</summary>
public sealed record StepSchedule(int StepSize, double Gamma = 0.1) : ScheduleSpec;

/// <summary>The optimizer's lr throughout.</summary>
public sealed record ConstantSchedule : ScheduleSpec;
