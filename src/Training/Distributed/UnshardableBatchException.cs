namespace Norms.Training;

/// <summary>A distributed run whose batches cannot give every rank a sample (<see cref="GlobalBatchShards.Problem"/>): the
/// user's settings, so the command line turns it into one line with the fix.</summary>
public sealed class UnshardableBatchException(string message) : Exception(message);
