using System.Runtime.InteropServices;
using Norms.Torch.Interop;

namespace Norms.Torch;

/// <summary>An engine failure that is not the caller's argument: out of memory, an internal assert.</summary>
public class TorchException(string message) : Exception(message);

/// <summary>libtorch rejected an argument: a shape, dtype, device or value. The message is libtorch's, without its backtrace.</summary>
public class TorchArgumentException(string message) : ArgumentException(message);

/// <summary>libtorch rejected an index as out of range.</summary>
public sealed class TorchIndexException(string message) : ArgumentOutOfRangeException(null, message);

/// <summary>This libtorch lacks the feature asked for: data parallelism across processes without c10d/Gloo
/// ("this libtorch has no Gloo").</summary>
public sealed class TorchUnsupportedException(string message) : TorchException(message);

internal static class Status
{
    /// <summary>Turns a shim status into the typed .NET exception; <see cref="NativeStatus.Ok"/> is success.</summary>
    public static void Check(NativeStatus status)
    {
        if (status == NativeStatus.Ok) return;
        var message = Marshal.PtrToStringUTF8(NativeMethods.nt_error_message()) ?? "unknown libtorch error";
        throw status switch
        {
            NativeStatus.ArgumentError => new TorchArgumentException(message),
            NativeStatus.IndexError => new TorchIndexException(message),
            NativeStatus.Unsupported => new TorchUnsupportedException(message),
            _ => new TorchException(message),
        };
    }
}
