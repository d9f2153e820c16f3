using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// Sets OMP_WAIT_POLICY=PASSIVE in the process environment, for libgomp, which reads the variable once when it loads
/// (with libtorch, at the first call into the shim): hence <see cref="LibTorch.Initialize"/>, before any such call.
/// Whether to (the user's own OMP_WAIT_POLICY wins, NORMS_FUSED=0 and NORMS_OMP_PASSIVE=0 switch it off) is the
/// command line's reading of the environment (<see cref="EngineOptions.FromEnvironment"/>).
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

    internal static void SetPassive()
    {
        if (!OperatingSystem.IsLinux()) return;
        setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }
}
