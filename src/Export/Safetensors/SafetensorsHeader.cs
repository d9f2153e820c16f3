namespace Norms.Export.Safetensors;

/// <summary>One tensor's entry in the JSON header: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, the
/// offsets counted from the first byte after the header.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDtype Dtype, long[] Shape, long Begin, long End);

/// <summary>The header: every tensor's entry, and "__metadata__" (string values only, as the format requires).</summary>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The reserved key of the header's metadata object.</summary>
    public const string MetadataKey = "__metadata__";
}
