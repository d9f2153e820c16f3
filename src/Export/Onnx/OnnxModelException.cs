namespace Norms.Export.Onnx;

/// <summary>An .onnx file that cannot be read or run as a lab classifier; the message is one line naming the file.</summary>
public sealed partial class OnnxModelException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The first line of a runtime's message, so a multi-line native error stays a one-line report, without
    /// the C++ source location and function ONNX Runtime puts before some of them (of no use to whoever runs the lab).</summary>
    internal static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        line = SourceLocation().Replace(line, "$1");
        return line.Length == 0 ? "no details" : line;
    }

    // "[ErrorCode:Fail] /onnxruntime_src/.../model_load_utils.h:46 void onnxruntime::...(const ..., int) Opset 27 is ..."
    [System.Text.RegularExpressions.GeneratedRegex(@"^(\[ErrorCode:\w+\] )?/\S+:\d+ [^()]*\([^()]*\) ")]
    private static partial System.Text.RegularExpressions.Regex SourceLocation();
}
