using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Norms.Models;

/// <summary>
/// The model an experiment trains, its JSON "model": a built-in architecture's name (a JSON string, <see cref="BuiltInModel"/>)
/// or a network written inline (a JSON object, <see cref="InlineModel"/>). A string converts to a built-in model, so
/// <c>new ExperimentSpec(..., "mnist8k", ...)</c> reads as before. <see cref="Name"/> is what results and reports call it.
/// </summary>
[JsonConverter(typeof(ExperimentModelJsonConverter))]
public abstract record ExperimentModel
{
    /// <summary>What a result records as its model: the built-in name, or <see cref="InlineModel.CustomName"/>.</summary>
    public abstract string Name { get; }

    public static implicit operator ExperimentModel(string name) => new BuiltInModel(name);

    public sealed override string ToString() => Name;
}

/// <summary>A name from <see cref="Architectures.Names"/> (validation refuses any other).</summary>
public sealed record BuiltInModel(string BuiltIn) : ExperimentModel
{
    public override string Name => BuiltIn;
}

/// <summary>A network given in the experiment file itself.</summary>
public sealed record InlineModel(NetworkSpec Network) : ExperimentModel
{
    /// <summary>The model name an inline network's results record.</summary>
    public const string CustomName = "custom";

    public override string Name => CustomName;
}

/// <summary>
/// An inline network as the JSON "model" object holds it: <see cref="ModelSpec"/> without the name and the regularization
/// (the experiment's l1 and l2 give that). JSON: "input": [C, H, W], "classes", "norm" (the default of every block; the
/// experiment's top-level "norm" replaces it), "dropout" (the default of every block, 0 when left out; the experiment's
/// "dropout" replaces it), "layers" (<see cref="Layer"/>). Written in that order; "norm" is left out when unset (after
/// <see cref="ExperimentSpecJson.Parse"/> the experiment's "norm" holds it).
/// </summary>
public sealed record NetworkSpec(
    [property: JsonPropertyOrder(0)] InputShape Input,
    [property: JsonPropertyOrder(1)] int Classes,
    [property: JsonPropertyOrder(4)] ValueList<Layer> Layers,
    [property: JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NormSpec? Norm = null,
    [property: JsonPropertyOrder(3)] double Dropout = 0)
{
    /// <summary>The model spec this network trains as, with the norm, dropout and regularization the experiment settles.</summary>
    public ModelSpec ToModelSpec(NormSpec norm, double dropout, Regularization regularization) =>
        new(InlineModel.CustomName, Input, Classes, Layers, norm, dropout, regularization);
}

/// <summary>"model": a string is a built-in name, an object an inline <see cref="NetworkSpec"/>. Errors inside the object
/// keep their place in the whole file ("$.model.layers[2].conv.in", see <see cref="NestedJson"/>).</summary>
public sealed class ExperimentModelJsonConverter : JsonConverter<ExperimentModel>
{
    public override ExperimentModel? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new BuiltInModel(reader.GetString()!),
        JsonTokenType.StartObject => NestedJson.Read<NetworkSpec>(ref reader, options) is { } network ? new InlineModel(network) : null,
        _ => throw new JsonException("The JSON value could not be converted to a model."),
    };

    public override void Write(Utf8JsonWriter writer, ExperimentModel value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case BuiltInModel b:
                writer.WriteStringValue(b.BuiltIn);
                break;
            case InlineModel m:
                JsonSerializer.Serialize(writer, m.Network, (JsonTypeInfo<NetworkSpec>)options.GetTypeInfo(typeof(NetworkSpec)));
                break;
            default:
                throw new NotSupportedException($"unknown model {value.GetType().Name}");
        }
    }
}

/// <summary>
/// A value read by a nested <see cref="JsonSerializer"/> call inside a converter, with its errors' paths kept whole.
/// A nested read reports paths from its own root ("$[1].conv.in"); its error is passed up without a path (so the enclosing
/// read sets its own, "$.layers") and with the nested part in <see cref="Exception.Data"/>; <see cref="FullPath"/> joins them.
/// A missing "kind" (System.Text.Json's NotSupportedException) becomes such a JsonException too.
/// </summary>
public static partial class NestedJson
{
    private const string SuffixKey = "Norms.JsonPathSuffix";

    public static T? Read<T>(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
        }
        catch (JsonException e)
        {
            throw Carry(e.Message, FullPath(e), e);
        }
        catch (NotSupportedException e)
        {
            throw Carry(e.Message, PathInMessageRegex().Match(e.Message) is { Success: true } m ? m.Groups["path"].Value.TrimEnd('.') : "$", e);
        }
    }

    /// <summary>The whole path of an error: where the outermost read saw it plus what nested reads added.</summary>
    public static string FullPath(JsonException e) => (string.IsNullOrEmpty(e.Path) ? "$" : e.Path) + (e.Data[SuffixKey] as string ?? "");

    private static JsonException Carry(string message, string relative, Exception inner)
    {
        var carried = new JsonException(PathSuffixRegex().Replace(message, ""), inner);
        carried.Data[SuffixKey] = relative.StartsWith('$') ? relative[1..] : relative;
        return carried;
    }

    [GeneratedRegex(@"Path: (?<path>\$[^ |]*)")]
    private static partial Regex PathInMessageRegex();

    [GeneratedRegex(@"\s*Path: .*$")]
    private static partial Regex PathSuffixRegex();
}

/// <summary>An <see cref="InputShape"/> as JSON [channels, height, width].</summary>
public sealed class InputShapeJsonConverter : JsonConverter<InputShape>
{
    public override InputShape Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var dims = NestedJson.Read<int[]>(ref reader, options);
        if (dims is not { Length: 3 })
            throw new JsonException("The JSON value could not be converted to an input shape: expected [channels, height, width].");
        return new InputShape(dims[0], dims[1], dims[2]);
    }

    public override void Write(Utf8JsonWriter writer, InputShape value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Channels);
        writer.WriteNumberValue(value.Height);
        writer.WriteNumberValue(value.Width);
        writer.WriteEndArray();
    }
}

/// <summary>A <see cref="ValueList{T}"/> as a JSON array.</summary>
public sealed class ValueListJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ValueList<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ValueListJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class ValueListJsonConverter<T> : JsonConverter<ValueList<T>>
    {
        public override ValueList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(NestedJson.Read<List<T>>(ref reader, options) ?? []);

        public override void Write(Utf8JsonWriter writer, ValueList<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.AsEnumerable(), options);
    }
}
