using System.Buffers.Binary;
using System.Text;

namespace Norms.Export.Onnx;

/// <summary>
/// The few protocol-buffer wire forms an ONNX file needs, written by hand so the export depends on no
/// protobuf library: varints (wire type 0), 32-bit floats (5) and length-delimited bytes, strings and nested
/// messages (2). A nested message is built in its own writer and written as bytes. Everything is little-endian,
/// as the wire format is, whatever the machine.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream buffer = new();

    public byte[] ToArray() => buffer.ToArray();

    public ProtoWriter Int(int field, long value)
    {
        Tag(field, 0);
        Varint(unchecked((ulong)value)); // negative int64 values take ten bytes, as protobuf writes them
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        buffer.Write(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>A repeated int64 field, packed (proto3's default for repeated scalars).</summary>
    public ProtoWriter PackedInts(int field, IEnumerable<long> values)
    {
        var packed = new ProtoWriter();
        foreach (var v in values) packed.Varint(unchecked((ulong)v));
        return Bytes(field, packed.ToArray());
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }
}
