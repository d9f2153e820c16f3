using System.Text.Json.Serialization;

namespace Norms.Models;

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
