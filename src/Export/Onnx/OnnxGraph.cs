using System.Buffers.Binary;

namespace Norms.Export.Onnx;

/// <summary>
/// An ONNX graph being written: nodes in execution order, float32 and int64 initializers, one float32 input and one
/// output, and the model's header (IR version, opset, producer). <see cref="ToModelBytes"/> encodes it as an
/// onnx.ModelProto with the field numbers of onnx/onnx.proto. Knows nothing of the lab's networks.
/// </summary>
internal sealed class OnnxGraph
{
    /// <param name="input">the graph input's name, claimed first so no node or initializer can take it.</param>
    public OnnxGraph(string input) => Claim(input);

    // onnx.TensorProto.DataType
    private const int Float32 = 1;
    private const int Int64 = 7;

    // onnx.AttributeProto.AttributeType
    private const int AttrFloat = 1;
    private const int AttrInt = 2;
    private const int AttrInts = 7;

    private readonly List<ProtoWriter> nodes = [];
    private readonly List<ProtoWriter> initializers = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> sharedConstants = new(StringComparer.Ordinal);
    private readonly List<(string Key, string Value)> metadata = [];

    /// <summary>A float32 constant; <paramref name="values"/> in row-major order of <paramref name="dims"/>.</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return AddInitializer(name, Float32, raw, dims);
    }

    /// <summary>An int64 constant (shapes and axes).</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        var raw = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        return AddInitializer(name, Int64, raw, dims);
    }

    /// <summary>An int64 1-d constant used by many nodes (e.g. the axes of a reduction), written once.</summary>
    public string SharedInt64(string name, params long[] values)
    {
        if (sharedConstants.TryGetValue(name, out var existing)) return existing;
        var added = Int64Initializer(name, values, values.Length);
        sharedConstants[name] = added;
        return added;
    }

    /// <summary>A node; returns its (first) output's name. Each output name must be new in the graph.</summary>
    public string Node(string opType, string name, string[] inputs, string output, params OnnxAttribute[] attributes)
    {
        Claim(output);
        var node = new ProtoWriter();
        foreach (var input in inputs) node.String(1, input);
        node.String(2, output);
        node.String(3, name);
        node.String(4, opType);
        foreach (var a in attributes) node.Message(5, Attribute(a));
        nodes.Add(node);
        return output;
    }

    public void Metadata(string key, string value) => metadata.Add((key, value));

    /// <summary>The whole model: <paramref name="input"/> float32 of <paramref name="inputDims"/> (a null dimension
    /// is symbolic, named <paramref name="batchDim"/>), <paramref name="output"/> float32 of <paramref name="outputDims"/>.</summary>
    public byte[] ToModelBytes(string graphName, string input, long?[] inputDims, string output, long?[] outputDims,
        string batchDim, long irVersion, long opset, string producer, string producerVersion, string doc)
    {
        var graph = new ProtoWriter();
        foreach (var n in nodes) graph.Message(1, n);
        graph.String(2, graphName);
        foreach (var t in initializers) graph.Message(5, t);
        graph.Message(11, ValueInfo(input, inputDims, batchDim));
        graph.Message(12, ValueInfo(output, outputDims, batchDim));

        var model = new ProtoWriter()
            .Int(1, irVersion)
            .String(2, producer)
            .String(3, producerVersion)
            .String(6, doc)
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Int(2, opset)); // "" is the default domain, ai.onnx
        foreach (var (key, value) in metadata)
            model.Message(14, new ProtoWriter().String(1, key).String(2, value));
        return model.ToArray();
    }

    private string AddInitializer(string name, int dataType, byte[] raw, long[] dims)
    {
        Claim(name);
        var tensor = new ProtoWriter();
        foreach (var d in dims) tensor.Int(1, d);
        tensor.Int(2, dataType).String(8, name).Bytes(9, raw);
        initializers.Add(tensor);
        return name;
    }

    private static ProtoWriter Attribute(OnnxAttribute a)
    {
        var w = new ProtoWriter().String(1, a.Name);
        switch (a)
        {
            case OnnxAttribute.FloatValue f: w.Float(2, f.Value).Int(20, AttrFloat); break;
            case OnnxAttribute.IntValue i: w.Int(3, i.Value).Int(20, AttrInt); break;
            case OnnxAttribute.IntsValue l: w.PackedInts(8, l.Values).Int(20, AttrInts); break;
            default: throw new ArgumentException($"unknown attribute {a.GetType().Name}");
        }
        return w;
    }

    private static ProtoWriter ValueInfo(string name, long?[] dims, string batchDim)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
            shape.Message(1, d is { } v ? new ProtoWriter().Int(1, v) : new ProtoWriter().String(2, batchDim));
        var tensorType = new ProtoWriter().Int(1, Float32).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    private void Claim(string name)
    {
        if (!names.Add(name))
            throw new InvalidOperationException($"the ONNX graph already has a value named '{name}' (a layer named like the graph's input or output, or like another layer's step?); rename the layer");
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, d) => a * d);
        if (count != expected)
            throw new ArgumentException($"{name}: {count} values for dims [{string.Join(", ", dims)}]");
    }
}

/// <summary>A node attribute: a float, an int or a list of ints (all this export needs).</summary>
internal abstract record OnnxAttribute(string Name)
{
    public sealed record FloatValue(string Name, float Value) : OnnxAttribute(Name);
    public sealed record IntValue(string Name, long Value) : OnnxAttribute(Name);
    public sealed record IntsValue(string Name, long[] Values) : OnnxAttribute(Name);

    public static OnnxAttribute Float(string name, double value) => new FloatValue(name, (float)value);
    public static OnnxAttribute Int(string name, long value) => new IntValue(name, value);
    public static OnnxAttribute Ints(string name, params long[] values) => new IntsValue(name, values);
}
