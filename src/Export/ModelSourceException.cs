namespace Norms.Export;

/// <summary>A model that cannot be loaded from what the user named (no such folder, no checkpoint, a file that does not fit
/// the spec): one line naming the problem and the fix, which the command line shows as a user error.</summary>
public sealed class ModelSourceException(string message) : Exception(message);
