using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Norms.Export.Safetensors;

/// <summary>
/// Reads a safetensors file and believes nothing its header says until the bytes bear it out: the header length must fit
/// the file and <see cref="MaxHeaderBytes"/>; the header must be one JSON object (no repeated keys) of entries
/// {dtype, shape, data_offsets} and string metadata; the ranges, sorted, must tile the data exactly (from 0, each starting
/// where the last ended, the last ending at the file's end: no gap, overlap or trailing bytes), and each must be as long as
/// its shape × dtype. Every refusal is one <see cref="SafetensorsFormatException"/>. Nothing is allocated beyond the file's
/// own bytes: every size is checked against them before it is used.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The largest header read (the format's own reader caps it at 100 MB); a real one is a few KB.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The largest file <see cref="ReadFile"/> takes by default: 2 GiB (these models are under 200 KB).</summary>
    public const long DefaultMaxFileBytes = 1L << 31;

    private const int MaxDims = 8;

    public static SafetensorsFile ReadFile(string path, long maxBytes = DefaultMaxFileBytes)
    {
        byte[] data;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > Math.Min(maxBytes, Array.MaxLength))
                throw new SafetensorsFormatException($"{path} is {stream.Length} bytes, more than the {maxBytes}-byte limit for a safetensors file");
            data = new byte[stream.Length];
            stream.ReadExactly(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafetensorsFormatException($"cannot read {path}: {e.Message}");
        }
        try
        {
            return Read(data);
        }
        catch (SafetensorsFormatException e)
        {
            throw new SafetensorsFormatException($"{path}: {e.Message}");
        }
    }

    /// <summary>The file held in <paramref name="data"/>; its tensors' bytes are copies.</summary>
    public static SafetensorsFile Read(ReadOnlySpan<byte> data)
    {
        var header = ReadHeader(data, out var dataStart);
        var body = data[(int)dataStart..];
        var tensors = new List<SafetensorsTensor>(header.Entries.Count);
        foreach (var e in header.Entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            tensors.Add(new SafetensorsTensor(e.Name, e.Dtype, e.Shape, body[(int)e.Begin..(int)e.End].ToArray()));
        return new SafetensorsFile(tensors, header.Metadata);
    }

    /// <summary>The checked header; <paramref name="dataStart"/> is where the tensors' bytes begin.</summary>
    public static SafetensorsHeader ReadHeader(ReadOnlySpan<byte> data, out long dataStart)
    {
        if (data.Length < 8) throw Bad($"the file is {data.Length} bytes, shorter than the 8-byte header length");
        var length = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (length > MaxHeaderBytes) throw Bad($"header length {length} is above the {MaxHeaderBytes}-byte limit");
        if (length > (ulong)(data.Length - 8)) throw Bad($"header length {length} runs past the end of the file ({data.Length} bytes)");
        dataStart = 8 + (long)length;
        var header = Parse(data.Slice(8, (int)length));
        CheckRanges(header.Entries, data.Length - dataStart);
        return header;
    }

    private static SafetensorsHeader Parse(ReadOnlySpan<byte> json)
    {
        // System.Text.Json checks UTF-8 inside strings only when they are read; the whole header is checked first.
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Bad("the header is not valid UTF-8");
        JsonDocument document;
        try
        {
            // Strict UTF-8 and JSON: System.Text.Json refuses invalid UTF-8, comments and trailing commas.
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad($"the header is not JSON ({FirstLine(e.Message)})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad($"the header is a JSON {Kind(root)}, not an object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Bad($"'{Printable(property.Name)}' appears twice in the header");
                if (property.Name == SafetensorsHeader.MetadataKey)
                {
                    ReadMetadata(property.Value, metadata);
                }
                else entries.Add(Entry(property.Name, property.Value));
            }
            return new SafetensorsHeader(entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> into)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad($"{SafetensorsHeader.MetadataKey} is a JSON {Kind(value)}, not an object");
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw Bad($"{SafetensorsHeader.MetadataKey}.{Printable(p.Name)} is a JSON {Kind(p.Value)}; metadata values must be strings");
            if (!into.TryAdd(p.Name, p.Value.GetString()!)) throw Bad($"{SafetensorsHeader.MetadataKey}.{Printable(p.Name)} appears twice");
        }
    }

    private static SafetensorsEntry Entry(string name, JsonElement value)
    {
        var where = $"tensor '{Printable(name)}'";
        if (name.Length == 0) throw Bad("a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object) throw Bad($"{where} is a JSON {Kind(value)}, not an object");
        string? dtypeName = null;
        long[]? shape = null, offsets = null;
        foreach (var p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype" when dtypeName is null:
                    dtypeName = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Bad($"{where}: dtype is not a string");
                    break;
                case "shape" when shape is null:
                    shape = Integers(p.Value, $"{where}: shape", MaxDims);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = Integers(p.Value, $"{where}: data_offsets", 2);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Bad($"{where}: '{p.Name}' appears twice");
                default:
                    throw Bad($"{where}: unknown field '{Printable(p.Name)}'; an entry holds dtype, shape and data_offsets");
            }
        }
        if (dtypeName is null || shape is null || offsets is null) throw Bad($"{where} lacks dtype, shape or data_offsets");
        var dtype = SafetensorsDtypes.Parse(dtypeName) ?? throw Bad(SafetensorsDtypes.Unsupported.Contains(dtypeName)
            ? $"{where} is {dtypeName}, which Norms does not read (only F32 and I64; convert the file to float32 first)"
            : $"{where} has unknown dtype '{Printable(dtypeName)}'; Norms reads F32 and I64");
        if (offsets.Length != 2) throw Bad($"{where}: data_offsets must be [begin, end], got {offsets.Length} numbers");
        if (offsets[1] < offsets[0]) throw Bad($"{where}: data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /// <summary>An array of at most <paramref name="max"/> non-negative whole numbers.</summary>
    private static long[] Integers(JsonElement value, string where, int max)
    {
        if (value.ValueKind != JsonValueKind.Array) throw Bad($"{where} is a JSON {Kind(value)}, not an array");
        var count = value.GetArrayLength();
        if (count > max) throw Bad($"{where} has {count} numbers, more than {max}");
        var result = new long[count];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var n) || n < 0)
                throw Bad($"{where}[{i}] is not a whole number >= 0");
            result[i++] = n;
        }
        return result;
    }

    /// <summary>The ranges, sorted, tile [0, <paramref name="dataLength"/>) exactly, and each holds its shape × dtype.</summary>
    private static void CheckRanges(IReadOnlyList<SafetensorsEntry> entries, long dataLength)
    {
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            var where = $"tensor '{Printable(e.Name)}'";
            if (e.End > dataLength) throw Bad($"{where}: data_offsets [{e.Begin}, {e.End}] run past the end of the data ({dataLength} bytes)");
            if (e.Begin < expected) throw Bad($"{where}: data_offsets [{e.Begin}, {e.End}] overlap the previous tensor, which ends at {expected}");
            if (e.Begin > expected) throw Bad($"{where}: data_offsets begin at {e.Begin}, leaving bytes {expected}..{e.Begin} unused");
            // The element count is bounded by the range before multiplying, so no product can overflow.
            // A zero dimension makes the tensor empty whatever the others say; otherwise the product only grows.
            long numel = e.Shape.Contains(0) ? 0 : 1;
            var range = e.End - e.Begin;
            foreach (var d in numel == 0 ? Array.Empty<long>() : e.Shape)
            {
                if (numel > range / d) { numel = -1; break; }
                numel *= d;
            }
            if (numel < 0 || numel * e.Dtype.Size() != range)
                throw Bad($"{where}: shape [{string.Join(",", e.Shape)}] of {e.Dtype.Name()} does not fill its {range}-byte range");
            expected = e.End;
        }
        if (expected != dataLength) throw Bad($"{dataLength - expected} bytes after the last tensor belong to none");
    }

    private static SafetensorsFormatException Bad(string message) => new($"not a valid safetensors file: {message}");

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>Names go into one-line messages: control characters (a newline in a hostile header) are shown escaped, and long names cut.</summary>
    internal static string Printable(string s)
    {
        var text = new StringBuilder();
        foreach (var c in s.Length > 200 ? s[..200] + "…" : s)
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return text.ToString();
    }
}
