namespace Norms.Models;

/// <summary>Checks a whole spec before anything is built; pure.</summary>
public static class ModelValidation
{
    /// <summary>Every problem in <paramref name="spec"/> with its layer path and a fix; empty when valid.</summary>
    public static IReadOnlyList<SpecError> Validate(ModelSpec spec) => ShapeInference.Analyze(spec).Errors;
}
