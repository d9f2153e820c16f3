namespace Norms.Experiments.Cli;

/// <summary>A mistake the user can fix: the message names the problem and the fix, on one line.</summary>
public sealed class UserError(string message) : Exception(message);
