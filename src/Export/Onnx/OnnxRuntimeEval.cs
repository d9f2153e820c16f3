using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Norms.Export.Onnx;

/// <summary>
/// An .onnx classifier run by ONNX Runtime on the CPU: one float32 input [N, C, H, W] (pixels in [0, 1], as
/// <see cref="OnnxExport"/> writes it, N free) and one float32 output [N, classes]. Loading checks those shapes, so
/// <see cref="Run"/> only fails on a wrong batch. Every failure to load or run is an <see cref="OnnxModelException"/>
/// with a one-line message. Dispose it to free the native session.
/// </summary>
public sealed class OnnxRuntimeEval : IDisposable
{
    private readonly InferenceSession session;
    private readonly string label;

    private OnnxRuntimeEval(InferenceSession session, string label)
    {
        this.session = session;
        this.label = label;
        try
        {
            (InputName, var input) = Single(session.InputMetadata, "input");
            (OutputName, var output) = Single(session.OutputMetadata, "output");
            var dims = input.Dimensions;
            if (input.ElementDataType != TensorElementType.Float || dims.Length != 4 || dims[1] <= 0 || dims[2] <= 0 || dims[3] <= 0)
                throw Fail($"its input '{InputName}' is {Describe(input)}; a classifier here takes float32 [N, C, H, W] with C, H and W fixed");
            var outDims = output.Dimensions;
            if (output.ElementDataType != TensorElementType.Float || outDims.Length != 2 || outDims[1] <= 0)
                throw Fail($"its output '{OutputName}' is {Describe(output)}; a classifier here gives float32 [N, classes]");
            (Channels, Height, Width, Classes) = (dims[1], dims[2], dims[3], outDims[1]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public string InputName { get; }
    public string OutputName { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }

    /// <summary>Opens <paramref name="path"/> with <paramref name="threads"/> intra-op threads.</summary>
    public static OnnxRuntimeEval Load(string path, int threads = 1)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxModelException($"{path}: cannot read it: {OnnxModelException.FirstLine(e.Message)}", e);
        }
        return FromBytes(bytes, path, threads);
    }

    /// <summary>Opens a model held in memory; <paramref name="label"/> names it in messages.</summary>
    public static OnnxRuntimeEval FromBytes(byte[] model, string label = "the ONNX model", int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // The runtime would also print its errors; they reach the user once, as the exception's message.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"{label} is not a model ONNX Runtime can load: {OnnxModelException.FirstLine(e.Message)}", e);
        }
        return new OnnxRuntimeEval(session, label);
    }

    /// <summary>Log-probabilities, [batch, <see cref="Classes"/>] row-major, of <paramref name="pixels"/>, which holds
    /// <paramref name="batch"/> images of [C, H, W] in row-major order.</summary>
    public float[] Run(float[] pixels, int batch)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var perImage = (long)Channels * Height * Width;
        if (pixels.LongLength != batch * perImage)
            throw new ArgumentException($"{batch} images of {Channels}x{Height}x{Width} need {batch * perImage} values, got {pixels.LongLength}");
        try
        {
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, [batch, Channels, Height, Width]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [InputName], [input], [OutputName]);
            var result = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            if (result.Length != (long)batch * Classes)
                throw Fail($"it gave {result.Length} values for {batch} images of {Classes} classes");
            return result;
        }
        catch (OnnxRuntimeException e)
        {
            throw Fail($"ONNX Runtime could not run it: {OnnxModelException.FirstLine(e.Message)}");
        }
    }

    public void Dispose() => session.Dispose();

    private OnnxModelException Fail(string why) => new($"{label}: {why}");

    private (string, NodeMetadata) Single(IReadOnlyDictionary<string, NodeMetadata> values, string what) =>
        values.Count == 1 ? (values.Keys.Single(), values.Values.Single())
            : throw Fail($"it has {values.Count} {what}s; a classifier here has one");

    private static string Describe(NodeMetadata m) =>
        $"{m.ElementDataType} [{string.Join(", ", m.Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
