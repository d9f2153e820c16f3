using Norms.Results;

namespace Norms.Training;

/// <summary>An error stopped a run while it trained or evaluated. <see cref="Result"/> is what result.json now says
/// (status failed, the completed epochs kept; written when the folder still took it); the cause is the inner exception.</summary>
public sealed class RunFailedException(RunResult result, Exception cause) : Exception(cause.Message, cause)
{
    public RunResult Result { get; } = result;
}
