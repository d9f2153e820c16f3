using System.Text.Json;
using Norms.Reference;

namespace Norms.Data;

/// <summary>Reads a small NCHW tensor written as JSON: {"shape": [N, C, H, W], "data": [row-major numbers]}.</summary>
public static class TensorFile
{
    /// <summary>Most values a tensor for `explain` may hold (a worked example; the printout of larger ones is unreadable anyway).</summary>
    public const int MaxValues = 1 << 20;

    /// <summary>Largest file read (JSON of <see cref="MaxValues"/> numbers fits easily).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Reads at most <see cref="MaxFileBytes"/> of a file (a device or pipe that never ends cannot hang or exhaust
    /// memory); longer content is a <see cref="FormatException"/>.</summary>
    public static string ReadText(string path, long maxBytes = MaxFileBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes) throw new FormatException($"the file holds more than {maxBytes} bytes; use a smaller file");
        }
        buffer.Position = 0;
        // Like File.ReadAllText: UTF-8, a byte order mark honoured and dropped.
        using var reader = new StreamReader(buffer, new System.Text.UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Parses the JSON text; a mistake throws <see cref="FormatException"/> with a one-line message naming the fix.</summary>
    public static Nchw Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the file is not valid JSON ({FirstLine(e.Message)}); write {{\"shape\": [N, C, H, W], \"data\": [...]}}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("the file must hold a JSON object {\"shape\": [N, C, H, W], \"data\": [...]}");
            var shape = Numbers(root, "shape");
            if (shape.Length != 4 || shape.Any(d => d < 1 || d > int.MaxValue || d != Math.Floor(d)))
                throw new FormatException($"\"shape\" must be 4 positive integers [N, C, H, W], got [{string.Join(", ", shape)}]");
            var dims = shape.Select(d => (int)d).ToArray();
            // Multiply in double: four dimensions up to 2^31 can wrap a long round to a small number (even 0).
            var declared = (double)dims[0] * dims[1] * dims[2] * dims[3];
            if (declared > MaxValues)
                throw new FormatException($"shape [{string.Join(", ", dims)}] declares {declared.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)} values, more than the {MaxValues} explain accepts; use a smaller tensor");
            var expected = (long)declared;
            var data = Numbers(root, "data");
            if (data.Length != expected)
                throw new FormatException($"shape [{string.Join(", ", dims)}] needs {expected} values but \"data\" has {data.Length}; fix the shape or the data");
            if (data.Any(v => !double.IsFinite(v)))
                throw new FormatException("\"data\" must hold finite numbers");
            return new Nchw(dims[0], dims[1], dims[2], dims[3], data);
        }
    }

    private static double[] Numbers(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new FormatException($"missing \"{name}\" array; write {{\"shape\": [N, C, H, W], \"data\": [...]}}");
        if (array.GetArrayLength() > MaxValues)
            throw new FormatException($"\"{name}\" holds {array.GetArrayLength()} values, more than the {MaxValues} explain accepts; use a smaller tensor");
        return [.. array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d)
            ? d
            : throw new FormatException($"\"{name}\" must hold only numbers, found {Excerpt(v.GetRawText())}"))];
    }

    /// <summary>A one-line, short quote of hostile text for a message.</summary>
    private static string Excerpt(string s)
    {
        var line = FirstLine(s);
        return line.Length <= 40 ? line : line[..40] + "...";
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
