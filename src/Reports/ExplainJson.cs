using System.Text;
using System.Text.Json;
using Norms.Explain;

namespace Norms.Reports;

/// <summary>The `explain` verb's JSON: exactly input, batch_norm, layer_norm, group_norm, instance_norm.</summary>
public static class ExplainJson
{
    public static string Render(Explanation e)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("input");
            w.WriteStartArray("shape");
            foreach (var d in e.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartObject("batch_norm");
            Flat(w, "mean", e.BatchNorm.Means);
            Flat(w, "var", e.BatchNorm.Vars);
            Tail(w, e.BatchNorm);

            w.WriteStartObject("layer_norm");
            Flat(w, "mean", e.LayerNorm.Means);
            Flat(w, "var", e.LayerNorm.Vars);
            Tail(w, e.LayerNorm);

            w.WriteStartObject("group_norm");
            w.WriteNumber("groups", e.Groups);
            Nested(w, "mean", e.GroupNorm.PerSample(e.GroupNorm.Means));
            Nested(w, "var", e.GroupNorm.PerSample(e.GroupNorm.Vars));
            Tail(w, e.GroupNorm);

            w.WriteStartObject("instance_norm");
            Nested(w, "mean", e.InstanceNorm.PerSample(e.InstanceNorm.Means));
            Nested(w, "var", e.InstanceNorm.PerSample(e.InstanceNorm.Vars));
            Tail(w, e.InstanceNorm);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Tail(Utf8JsonWriter w, ExplainedNorm norm)
    {
        Flat(w, "output", norm.Output);
        w.WritePropertyName("engine_max_abs_diff");
        Number(w, norm.EngineMaxAbsDiff);
        w.WriteEndObject();
    }

    private static void Flat(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) Number(w, v);
        w.WriteEndArray();
    }

    private static void Nested(Utf8JsonWriter w, string name, IEnumerable<IEnumerable<double>> rows)
    {
        w.WriteStartArray(name);
        foreach (var row in rows)
        {
            w.WriteStartArray();
            foreach (var v in row) Number(w, v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    // JSON has no NaN/Infinity (eps = 0 over a constant group divides by zero): such values are null.
    private static void Number(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }
}
