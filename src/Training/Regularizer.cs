using Norms.Torch;

namespace Norms.Training;

/// <summary>
/// The L1 term of the loss. L2 is not here: it is the optimizer's weight decay (see <see cref="OptimizerFactory"/>),
/// which applies to every parameter, as the reference's SGD(model.parameters(), weight_decay=l2).
/// </summary>
public static class Regularizer
{
    /// <summary>λ·Σ|w| over <paramref name="weights"/> (a scalar with a graph back to them), or null when λ is 0.
    /// The weights are CompiledModel.RegularizedWeights(): conv kernels, not biases or norm affines.</summary>
    public static Tensor? L1Penalty(IEnumerable<Tensor> weights, double lambda)
    {
        if (lambda == 0) return null;
        Tensor? sum = null;
        foreach (var w in weights)
        {
            var part = w.Abs().Sum();
            sum = sum is null ? part : sum + part;
        }
        return sum is null ? null : sum * lambda;
    }

    /// <summary>The loss that is back-propagated: the data loss plus the L1 penalty when there is one.</summary>
    public static Tensor TotalLoss(Tensor dataLoss, IEnumerable<Tensor> weights, double lambda) =>
        L1Penalty(weights, lambda) is { } penalty ? dataLoss + penalty : dataLoss;
}
