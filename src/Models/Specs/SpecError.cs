namespace Norms.Models;

/// <summary>One problem in a spec: where (a path such as "features[3].norm" or "$.optimizer.lr")
/// and a message that names the problem and the fix.</summary>
public sealed record SpecError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
