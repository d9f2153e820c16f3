using System.Runtime.InteropServices;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Export.Safetensors;

/// <summary>Between a module's state_dict (its parameters and buffers, named as PyTorch names them) and safetensors' tensors:
/// float32 and int64 only, the bytes row-major and little-endian whatever the tensor's memory layout (a channels-last kernel
/// is written in PyTorch's logical order).</summary>
public static class StateDictTensors
{
    public static IReadOnlyList<SafetensorsTensor> Of(Module module) => [.. module.StateDict().Select(e => Of(e.Name, e.Tensor))];

    public static SafetensorsTensor Of(string name, Tensor tensor) => tensor.Dtype switch
    {
        // ToArray copies through contiguous(): logical row-major order.
        ScalarType.Float32 => new(name, SafetensorsDtype.F32, tensor.Shape, LittleEndian(tensor.ToArray<float>())),
        ScalarType.Int64 => new(name, SafetensorsDtype.I64, tensor.Shape, LittleEndian(tensor.ToArray<long>())),
        var other => throw new ArgumentException($"'{name}' is {other}; safetensors export writes float32 and int64 tensors"),
    };

    /// <summary>A CPU tensor holding <paramref name="t"/>'s values; the caller owns it.</summary>
    public static Tensor ToTensor(SafetensorsTensor t) => t.Dtype switch
    {
        SafetensorsDtype.F32 => Tensor.FromSpan<float>(Native<float>(t.Data), t.Shape),
        SafetensorsDtype.I64 => Tensor.FromSpan<long>(Native<long>(t.Data), t.Shape),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t.Dtype, "unknown dtype"),
    };

    private static byte[] LittleEndian<T>(T[] values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian) SwapEach(bytes, Marshal.SizeOf<T>());
        return bytes;
    }

    private static T[] Native<T>(byte[] littleEndian) where T : unmanaged
    {
        var bytes = littleEndian;
        if (!BitConverter.IsLittleEndian)
        {
            bytes = (byte[])littleEndian.Clone();
            SwapEach(bytes, Marshal.SizeOf<T>());
        }
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static void SwapEach(byte[] bytes, int size)
    {
        for (var i = 0; i + size <= bytes.Length; i += size) Array.Reverse(bytes, i, size);
    }
}
