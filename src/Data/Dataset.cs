namespace Norms.Data;

/// <summary>A dataset as the training loop sees it: a train split, a test split and the channel statistics used to normalise both.</summary>
public sealed record Dataset(string Name, ImageSet Train, ImageSet Test, ChannelStats Stats);
