using System.Text.Json.Serialization;

namespace Norms.Models;

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
