using Norms.Torch.Interop;

namespace Norms.Torch;

public static partial class LibTorch
{
    private static int s_initialized;

    /// <summary>
    /// The one process-wide engine step, which the command line (or a test assembly, its own edge) takes first, before
    /// anything touches libtorch: settings the runtime reads once, when it loads or first allocates, cannot be passed
    /// with each call. <see cref="EngineOptions.PassiveWait"/> sets OMP_WAIT_POLICY=PASSIVE for libgomp, which reads it
    /// when libtorch loads it; <see cref="EngineOptions.TuneAllocator"/> tunes glibc's malloc (<see cref="AllocatorTuning"/>).
    /// Only the first call acts: later ones cannot change what libgomp has read. Everything else an engine option
    /// says travels with the <see cref="EngineOptions"/> value; intra-op threads are set per run, on its thread
    /// (<see cref="IntraOpThreads"/>).
    /// </summary>
    public static void Initialize(EngineOptions options)
    {
        if (Interlocked.Exchange(ref s_initialized, 1) == 1) return;
        if (options.PassiveWait) OpenMpWaitPolicy.SetPassive();
        if (options.TuneAllocator) AllocatorTuning.Apply();
    }
}
