namespace Norms.Export.Safetensors;

/// <summary>One named tensor of a safetensors file: its dtype, shape and row-major little-endian bytes
/// (<see cref="Data"/>.Length = product of <see cref="Shape"/> × the dtype's size).</summary>
public sealed record SafetensorsTensor(string Name, SafetensorsDtype Dtype, long[] Shape, byte[] Data)
{
    /// <summary>Elements the shape holds (1 for a scalar, shape []).</summary>
    public long Numel => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>A whole safetensors file: its tensors in data order and the header's "__metadata__" (string to string).</summary>
public sealed record SafetensorsFile(IReadOnlyList<SafetensorsTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
