namespace Norms.Torch.Serialization;

/// <summary>A checkpoint or tensor file that is malformed, truncated or corrupt.</summary>
public sealed class TensorArchiveException(string message) : IOException(message);
