namespace Norms.Export.Safetensors;

/// <summary>A safetensors file that does not hold what its header says, or holds what Norms does not read; the message is
/// one line naming the problem.</summary>
public sealed class SafetensorsFormatException(string message) : Exception(message);
