namespace Norms.Models;

/// <summary>Thrown when a spec that must be valid (summary, compile) is not; carries every error.</summary>
public sealed class ModelSpecException(IReadOnlyList<SpecError> errors)
    : ArgumentException($"invalid model spec: {string.Join("; ", errors)}")
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
