using System.Buffers.Binary;
using System.Text.Json;

namespace Norms.Export.Safetensors;

/// <summary>
/// Writes the safetensors layout: u64 little-endian header length N, N bytes of UTF-8 JSON
/// ({name: {dtype, shape, data_offsets}, "__metadata__": {...}}) padded with spaces so that N is a multiple of 8 (the data
/// then starts 8-aligned, which readers that map the file rely on), then every tensor's bytes back to back, in the order given.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(Stream stream, SafetensorsFile file)
    {
        var header = Header(file);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in file.Tensors) stream.Write(t.Data);
    }

    public static byte[] ToBytes(SafetensorsFile file)
    {
        using var memory = new MemoryStream();
        Write(memory, file);
        return memory.ToArray();
    }

    /// <summary>The header of <paramref name="file"/> as records; a tensor whose bytes do not match its shape, or a repeated or
    /// reserved name, is an <see cref="ArgumentException"/> (the writer never produces a file its reader would refuse).</summary>
    public static SafetensorsHeader HeaderOf(SafetensorsFile file)
    {
        var entries = new List<SafetensorsEntry>(file.Tensors.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var t in file.Tensors)
        {
            if (t.Name.Length == 0 || t.Name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"tensor name '{t.Name}' cannot be written: it is empty or the reserved {SafetensorsHeader.MetadataKey}");
            if (!names.Add(t.Name)) throw new ArgumentException($"tensor '{t.Name}' appears twice");
            if (t.Shape.Any(d => d < 0) || checked(t.Numel * t.Dtype.Size()) != t.Data.Length)
                throw new ArgumentException($"tensor '{t.Name}': {t.Data.Length} bytes do not hold shape [{string.Join(",", t.Shape)}] of {t.Dtype.Name()}");
            entries.Add(new SafetensorsEntry(t.Name, t.Dtype, t.Shape, offset, offset + t.Data.Length));
            offset += t.Data.Length;
        }
        return new SafetensorsHeader(entries, file.Metadata);
    }

    /// <summary>The header's bytes, padded with spaces to a multiple of 8.</summary>
    private static byte[] Header(SafetensorsFile file)
    {
        var header = HeaderOf(file);
        using var memory = new MemoryStream();
        // Relaxed escaping: names and metadata (a spec's JSON) stay readable in the header ("a\"b", not "a\u0022b"); the
        // header is never embedded in HTML, the case the default escaping guards against.
        using (var json = new Utf8JsonWriter(memory, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (header.Metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in header.Metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var e in header.Entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.Dtype.Name());
                json.WriteStartArray("shape");
                foreach (var d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padding = (8 - (int)(memory.Length % 8)) % 8;
        for (var i = 0; i < padding; i++) memory.WriteByte((byte)' ');
        return memory.ToArray();
    }
}
