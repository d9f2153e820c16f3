namespace Norms.Export.Onnx;

/// <summary>A model the ONNX export refuses, with a one-line message saying which layer and what to do instead.</summary>
public sealed class OnnxExportException(string message) : Exception(message)
{
    internal static OnnxExportException NoRunningStats(string module) =>
        new($"cannot export to ONNX: the batch norm {module} keeps no running statistics (track_running_stats: false), so in " +
            "evaluation it normalizes each test batch by that batch's own statistics and has no inference form; " +
            "train with track_running_stats true (the default)");
}
