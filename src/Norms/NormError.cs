namespace Norms;

/// <summary>One problem with a norm spec for a given layer: the field at fault and a message
/// that names the problem and the fix.</summary>
public sealed record NormError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
