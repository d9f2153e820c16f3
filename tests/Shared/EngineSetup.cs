using System.Runtime.CompilerServices;
using Norms.Torch;

namespace Norms.Tests;

/// <summary>Each test assembly's edge (this file is linked into all three), as Program.Main is the command line's: the one process-wide engine step
/// (LibTorch.Initialize: libgomp's wait policy, glibc's allocator) before any test calls into libtorch.</summary>
internal static class EngineSetup
{
    // A module initializer runs before any code of this assembly, so before the first call into the shim.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() =>
        global::Norms.Torch.LibTorch.Initialize(EngineOptions.FromEnvironment(Environment.GetEnvironmentVariable, Device.Cpu, threads: 1));
}
