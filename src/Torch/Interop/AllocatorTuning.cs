using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// Keeps freed activation buffers in the process instead of handing them back to the kernel.
/// <para>
/// Why: glibc serves allocations above M_MMAP_THRESHOLD (128 KiB, adapting up to a point) with a fresh mmap and
/// returns them with munmap on free, and trims the heap top above M_TRIM_THRESHOLD. A training step allocates and
/// frees the same few-MB activations and gradients every step, so every step paid page faults and zeroing for all of
/// them (a quarter to a half of a small CNN's step on this machine, measured with perf: kernel time in the page-fault
/// path). With a 32 MiB mmap threshold (glibc's maximum) and no trimming, the second step on reuses the heap's
/// pages. Peak RSS grows by at most the largest step's working set, which the process needs anyway.
/// </para>
/// Set once by <see cref="LibTorch.Initialize"/> (off with NORMS_FUSED=0 or NORMS_MALLOC_TUNE=0). libtorch allocates
/// with glibc's malloc, the process's one allocator, so libc's mallopt reaches it.
/// </summary>
internal static partial class AllocatorTuning
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);

    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    }
}
