using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>Process-wide engine settings and diagnostics.</summary>
public static partial class LibTorch
{
    /// <summary>Records every libtorch op the calling thread runs until disposed (libtorch's legacy autograd
    /// profiler), then writes them to <paramref name="tracePath"/> as a Chrome trace. One at a time.</summary>
    public static IDisposable Profile(string tracePath)
    {
        Status.Check(nt_profiler_start(tracePath));
        return new ProfileSession();
    }

    private sealed class ProfileSession : IDisposable
    {
        private bool _stopped;

        public void Dispose()
        {
            if (_stopped) return;
            _stopped = true;
            Status.Check(nt_profiler_stop());
        }
    }

    /// <summary>Seeds libtorch's default generators (CPU and CUDA), as torch.manual_seed.</summary>
    public static void ManualSeed(ulong seed) => Status.Check(nt_random_manual_seed(seed));

    /// <summary>libtorch's intra-op thread count. Debian's build starts at 1; set it explicitly.</summary>
    public static int Threads
    {
        get
        {
            Status.Check(nt_threads_get(out var n));
            return n;
        }
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be at least 1");
            Status.Check(nt_threads_set(value));
        }
    }

    public static bool CudaIsAvailable
    {
        get
        {
            Status.Check(nt_device_cuda_available(out var v));
            return v;
        }
    }

    public static int CudaDeviceCount
    {
        get
        {
            Status.Check(nt_device_cuda_count(out var n));
            return n;
        }
    }

    /// <summary>The libtorch version the shim was compiled against (its TORCH_VERSION; "unknown" when its headers
    /// have none). Debian's 1.13.1 package reports "1.13.0": its headers were not bumped for the patch release.</summary>
    public static string LibtorchVersion
    {
        get
        {
            Status.Check(nt_version_libtorch(out var text));
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(text) ?? "unknown";
        }
    }

    /// <summary>Tensors whose handle is alive, as counted by the binding.</summary>
    public static long LiveTensors => TensorHandle.Live;

    /// <summary>at::Tensor objects alive in the shim: must equal <see cref="LiveTensors"/> (tests check it).</summary>
    public static long NativeLiveTensors => nt_diag_live_tensors();

    /// <summary>Tensors that were freed by the finalizer because nobody disposed them: a leak in the caller.</summary>
    public static long FinalizedTensors => TensorHandle.Finalized;

    /// <summary>Starts a scope that disposes every tensor created inside it on this thread.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Disables autograd on this thread until disposed (torch.no_grad()).</summary>
    public static IDisposable NoGrad() => new GradMode(false);

    /// <summary>Enables autograd on this thread until disposed (torch.enable_grad()).</summary>
    public static IDisposable EnableGrad() => new GradMode(true);

    public static bool IsGradEnabled
    {
        get
        {
            Status.Check(nt_autograd_is_grad_enabled(out var v));
            return v;
        }
    }

    /// <summary>The default CPU generator's state, to save with a checkpoint.</summary>
    public static Tensor GetRngState() => Tensor.Result(nt_random_get_state(out var r), r);

    public static void SetRngState(Tensor state) => Tensor.Done(nt_random_set_state(state.H), state);

    private sealed class GradMode : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;

        public GradMode(bool enabled) => Status.Check(nt_autograd_set_grad_enabled(enabled, out _previous));

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Status.Check(nt_autograd_set_grad_enabled(_previous, out _));
        }
    }
}
