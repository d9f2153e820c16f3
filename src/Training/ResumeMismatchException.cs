namespace Norms.Training;

/// <summary>The checkpoint in the run folder was made for other settings, so --resume cannot continue it.</summary>
public sealed class ResumeMismatchException(string message) : Exception(message);
