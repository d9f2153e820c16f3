using System.Text.Json.Serialization;

namespace Norms.Studies;

/// <summary>A closed interval [<see cref="Lower"/>, <see cref="Upper"/>]; a confidence interval here. Degenerate
/// (Lower = Upper) where the sample has no spread.</summary>
public sealed record ConfidenceInterval(
    [property: JsonPropertyName("lower")] double Lower,
    [property: JsonPropertyName("upper")] double Upper)
{
    [JsonIgnore] public double Width => Upper - Lower;
    public bool Contains(double x) => Lower <= x && x <= Upper;
    public override string ToString() => $"[{Lower:R}, {Upper:R}]";
}
