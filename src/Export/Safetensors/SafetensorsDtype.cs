namespace Norms.Export.Safetensors;

/// <summary>The element types Norms writes and reads: a state_dict of these models holds float32 weights and statistics
/// and int64 batch counters (num_batches_tracked), nothing else.</summary>
public enum SafetensorsDtype
{
    F32,
    I64,
}

public static class SafetensorsDtypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => 4,
        SafetensorsDtype.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The header's spelling ("F32", "I64").</summary>
    public static string Name(this SafetensorsDtype dtype) => dtype.ToString();

    /// <summary>The other dtypes the format defines: recognized so that a refusal names what the file holds, rather than
    /// calling a half-precision file malformed.</summary>
    public static IReadOnlySet<string> Unsupported { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F64", "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64",
    };

    /// <summary>The dtype the header names; null when it is not one Norms reads.</summary>
    public static SafetensorsDtype? Parse(string name) => name switch
    {
        "F32" => SafetensorsDtype.F32,
        "I64" => SafetensorsDtype.I64,
        _ => null,
    };
}
