using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Norms.Models;

/// <summary>Renders a <see cref="ModelSummary"/> for people (a torchinfo-style table) or for programs (JSON).</summary>
public static class SummaryFormat
{
    private const int NameWidth = 44;
    private const int ShapeWidth = 22;
    private const int ParamWidth = 12;
    private static readonly string Rule = new('=', NameWidth + ShapeWidth + ParamWidth);

    public static string Text(ModelSummary s)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Rule);
        sb.AppendLine(Row("Layer (type)", "Output Shape", "Param #"));
        sb.AppendLine(Rule);
        foreach (var r in s.Rows)
        {
            var name = r.Depth == 0 ? $"{s.Model} ({s.Norm})" : $"{Indent(r.Depth)}{r.Label} ({r.Type})";
            var parameters = r.IsLeaf && r.Params > 0 ? N(r.Params) : "--";
            sb.AppendLine(Row(name, Shape(r.OutputShape), parameters));
        }
        sb.AppendLine(Rule);
        sb.AppendLine($"Total params: {N(s.TotalParams)}");
        sb.AppendLine($"Trainable params: {N(s.TrainableParams)}");
        sb.AppendLine($"Non-trainable params: {N(s.NonTrainableParams)}");
        sb.AppendLine($"Total mult-adds: {N(s.MultAdds)} ({F(s.MultAdds / 1e6)} M)");
        sb.AppendLine(Rule);
        sb.AppendLine($"Batch size: {N(s.BatchSize)} (memory in float32, 1 MB = 10^6 bytes)");
        sb.AppendLine($"Input size (MB): {F(s.InputMegabytes)}");
        sb.AppendLine($"Forward/backward pass size (MB): {F(s.ForwardBackwardMegabytes)} ({N(s.ActivationsPerSample)} activations per image, x2 for gradients)");
        sb.AppendLine($"Params size (MB): {F(s.ParamsMegabytes)}");
        sb.AppendLine($"Estimated Total Size (MB): {F(s.EstimatedTotalMegabytes)}");
        sb.AppendLine(Rule);
        return sb.ToString();
    }

    /// <summary>The summary as JSON. Each layer's "params" are its own (0 for containers, whose
    /// children are listed after them), so the leaf rows' params add up to "total_params".</summary>
    public static string Json(ModelSummary s)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", s.Model);
            w.WriteString("norm", s.Norm);
            w.WriteNumber("batch_size", s.BatchSize);
            Shape(w, "input_shape", s.InputShape);
            Shape(w, "output_shape", s.OutputShape);
            w.WriteNumber("total_params", s.TotalParams);
            w.WriteNumber("trainable_params", s.TrainableParams);
            w.WriteNumber("non_trainable_params", s.NonTrainableParams);
            w.WriteNumber("mult_adds", s.MultAdds);
            w.WriteNumber("activations_per_image", s.ActivationsPerSample);
            w.WriteNumber("input_size_mb", Math.Round(s.InputMegabytes, 4));
            w.WriteNumber("forward_backward_mb", Math.Round(s.ForwardBackwardMegabytes, 4));
            w.WriteNumber("params_size_mb", Math.Round(s.ParamsMegabytes, 4));
            w.WriteNumber("estimated_total_mb", Math.Round(s.EstimatedTotalMegabytes, 4));
            w.WriteStartArray("layers");
            foreach (var r in s.Rows.Where(r => r.Depth > 0))
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteString("path", r.Path);
                w.WriteString("type", r.Type);
                w.WriteNumber("depth", r.Depth);
                w.WriteBoolean("leaf", r.IsLeaf);
                Shape(w, "output_shape", r.OutputShape);
                w.WriteNumber("params", r.Params);
                w.WriteNumber("mult_adds", r.MultAdds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Shape(Utf8JsonWriter w, string name, ValueList<long> shape)
    {
        w.WriteStartArray(name);
        foreach (var d in shape)
            w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    // torchinfo's tree: depth 1 hangs off the model with "├─", deeper rows are indented under their parent.
    private static string Indent(int depth) => depth == 1 ? "├─" : string.Concat(Enumerable.Repeat("│    ", depth - 1)) + "└─";

    private static string Row(string name, string shape, string parameters) =>
        Fit(name, NameWidth) + Fit(shape, ShapeWidth) + parameters.PadLeft(ParamWidth);

    private static string Fit(string text, int width) => text.Length >= width ? text[..(width - 2)] + "  " : text.PadRight(width);

    private static string Shape(ValueList<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
