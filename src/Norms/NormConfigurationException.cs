namespace Norms;

/// <summary>Which impossible configuration a norm was asked to compute.</summary>
public enum NormConfigurationProblem
{
    /// <summary>BatchNorm in training with N·H·W == 1: the batch variance of one value is undefined
    /// (PyTorch's F.batch_norm: "Expected more than 1 value per channel when training").</summary>
    SingleValuePerChannel,

    /// <summary>GroupNorm whose group count does not divide the channels (PyTorch's nn.GroupNorm
    /// constructor: "num_channels must be divisible by num_groups").</summary>
    GroupsDoNotDivideChannels,

    /// <summary>InstanceNorm using input statistics over a 1×1 map (PyTorch's F.instance_norm:
    /// "Expected more than 1 spatial element when training").</summary>
    SingleSpatialElement,
}

/// <summary>
/// A norm asked to do something impossible. Thrown identically by the reference oracle
/// (<see cref="Reference.ReferenceNorms"/>) and the engine layers (<see cref="Layers.NormLayers"/>),
/// before any computation, so tests can compare the two sides by type and <see cref="Problem"/>.
/// </summary>
public sealed class NormConfigurationException(NormConfigurationProblem problem, string message)
    : ArgumentException(message)
{
    public NormConfigurationProblem Problem { get; } = problem;

    internal static void ThrowIfSingleValuePerChannel(long batch, long height, long width)
    {
        if (batch * height * width <= 1)
            throw new NormConfigurationException(NormConfigurationProblem.SingleValuePerChannel,
                $"batch norm in training needs more than 1 value per channel, got N*H*W = {batch}*{height}*{width}; use a batch of at least 2 or eval mode");
    }

    internal static void ThrowIfGroupsDoNotDivide(long groups, long channels) => ThrowIfNotDividing("groups", groups, channels);

    /// <summary><see cref="ChannelGroups"/>' rule: <paramref name="what"/> is "groups" or "channels per group".</summary>
    internal static void ThrowIfNotDividing(string what, long count, long channels)
    {
        if (!ChannelGroups.Divide(count, channels))
            throw new NormConfigurationException(NormConfigurationProblem.GroupsDoNotDivideChannels,
                ChannelGroups.DoesNotDivide(what, count, channels, oneOf: true));
    }

    internal static void ThrowIfSingleSpatialElement(long height, long width)
    {
        if (height * width <= 1)
            throw new NormConfigurationException(NormConfigurationProblem.SingleSpatialElement,
                $"instance norm using input statistics needs more than 1 spatial element, got H*W = {height}*{width}; use a larger map or another norm");
    }
}
