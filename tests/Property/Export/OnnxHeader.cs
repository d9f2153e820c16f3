using System.Text;

namespace Norms.Property.Tests.Export;

/// <summary>The top-level fields of an onnx.ModelProto a test checks (ir_version 1, producer_name 2, opset_import 8),
/// read with a minimal protobuf reader that skips everything else.</summary>
internal sealed record OnnxHeader(long IrVersion, string Producer, IReadOnlyList<(string Domain, long Version)> Opsets)
{
    public static OnnxHeader Read(byte[] model)
    {
        long ir = 0;
        var producer = "";
        var opsets = new List<(string, long)>();
        foreach (var (field, value, bytes) in Fields(model))
        {
            if (field == 1) ir = value;
            else if (field == 2) producer = Encoding.UTF8.GetString(bytes!);
            else if (field == 8)
            {
                var domain = "";
                long version = 0;
                foreach (var (f, v, b) in Fields(bytes!))
                    if (f == 1) domain = Encoding.UTF8.GetString(b!);
                    else if (f == 2) version = v;
                opsets.Add((domain, version));
            }
        }
        return new OnnxHeader(ir, producer, opsets);
    }

    private static IEnumerable<(int Field, long Value, byte[]? Bytes)> Fields(byte[] data)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var tag = Varint(data, ref pos);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: yield return (field, (long)Varint(data, ref pos), null); break;
                case 1: pos += 8; break;
                case 5: pos += 4; break;
                case 2:
                    var length = (int)Varint(data, ref pos);
                    yield return (field, 0, data[pos..(pos + length)]);
                    pos += length;
                    break;
                default: throw new FormatException($"wire type {tag & 7} at {pos}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
    }
}
