using System.Text.Json.Serialization;

namespace Norms.Models;

/// <summary>
/// One training run, as `run --spec FILE` reads it. JSON names are snake_case ("batch_size", "max_lr");
/// polymorphic members carry a "kind": norm (batch, group, group-layer, layer, instance, none),
/// optimizer (sgd, adam, adamw), schedule (onecycle, step, constant). Parse with
/// <see cref="ExperimentSpecJson.Parse"/>, which also validates.
/// <para>
/// <see cref="Dataset"/>: "mnist", "cifar10" or "idx:PATH" (a folder of MNIST-format idx files).
/// <see cref="Model"/>: a name from <see cref="Architectures.Names"/>. <see cref="Dropout"/>: null = the model's default.
/// <see cref="L1"/>: lambda in loss + lambda * sum |w| over conv weights. <see cref="L2"/>: coupled L2, given to the
/// optimizer as weight decay (the reference's recipe); so sgd and adam reject their own weight_decay when l2 is set
/// (adamw's weight_decay is decoupled, a different thing, and may be combined with l2).
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

/// <summary>torch.optim.lr_scheduler.OneCycleLR (cosine), stepped every batch; PyTorch's defaults.</summary>
public sealed record OneCycle(double MaxLr, double PctStart = 0.3, double DivFactor = 25, double FinalDivFactor = 1e4) : ScheduleSpec;

/// <summary>torch.optim.lr_scheduler.StepLR stepped every epoch: lr * gamma every <paramref name="StepSize"/> epochs.</summary>
public sealed record StepSchedule(int StepSize, double Gamma = 0.1) : ScheduleSpec;

/// <summary>The optimizer's lr throughout.</summary>
public sealed record ConstantSchedule : ScheduleSpec;
