using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// A CPU random generator of one's own (libtorch's CPUGeneratorImpl): seeded with s it draws what
/// torch.manual_seed(s) makes the default generator draw, but nothing else in the process touches it, so
/// two runs in one process (a study's jobs, tests in parallel) cannot interleave their draws.
/// </summary>
public sealed class Generator : IDisposable
{
    public Generator(ulong seed)
    {
        Status.Check(nt_generator_new(seed, out var pointer));
        Handle = new GeneratorHandle(pointer);
        Seed = seed;
    }

    public ulong Seed { get; }

    internal GeneratorHandle Handle { get; }

    public void Dispose() => Handle.Dispose();
}
