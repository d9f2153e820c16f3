using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// Sets OMP_WAIT_POLICY=PASSIVE in the process environment before libtorch (and with it libgomp, which reads
/// the variable once when it loads) is loaded, unless the user set the variable or switched the speed-ups off
/// (NORMS_FUSED=0 or NORMS_OMP_PASSIVE=0).
/// <para>
/// Why: by default libgomp's idle threads spin for a while between parallel regions. On a machine with as
/// many threads as cores that are also busy with other work, a spinning thread holds a core the other
/// thread needs and every parallel region waits for a preempted peer: a 2-thread Mnist8k step measured 1.4 s
/// with spinning and 62 ms passive on the loaded 2-core build machine (docs/PERFORMANCE.md).
/// </para>
/// .NET's Environment.SetEnvironmentVariable does not reach the native environment, hence libc's setenv.
/// </summary>
internal static partial class OpenMpWaitPolicy
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    // A module initializer is the one hook that runs before any code of this assembly, so before its first
    // P/Invoke loads libtorch: exactly the case CA2255 leaves to library authors who need it.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("NORMS_FUSED") == "0" || Environment.GetEnvironmentVariable("NORMS_OMP_PASSIVE") == "0") return;
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }
}
