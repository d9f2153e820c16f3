using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Norms.Training;
using Norms.Results;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>
/// Gathers the process's part of a <see cref="Provenance"/>, once, at the edge: the commit embedded at build time
/// (SourceRevision.targets), the libtorch the shim was compiled against, the .NET runtime, the command line handed in
/// by Program.Main, and the CPU. The trainer adds the run's engine switches.
/// </summary>
public static class ProvenanceProbe
{
    /// <summary>The assembly metadata key SourceRevision.targets writes the commit under.</summary>
    public const string CommitKey = "NormsCommit";

    public static Provenance Gather(IReadOnlyList<string> args)
    {
        var cpuinfo = CpuInfo();
        var isa = Isa();
        return new(
            Commit(typeof(ProvenanceProbe).Assembly),
            LibTorch.LibtorchVersion,
            RuntimeInformation.FrameworkDescription,
            CommandLineText.Join(args),
            CpuDescription.ModelName(cpuinfo),
            isa,
            Peak: ComputePeak.Of(cpuinfo, Environment.ProcessorCount, isa));
    }

    /// <summary>This machine's float32 peak (null where /proc/cpuinfo gives no clock).</summary>
    public static ComputePeak? Peak() => ComputePeak.Of(CpuInfo(), Environment.ProcessorCount, Isa());

    private static string Isa() => CpuDescription.VectorIsa(new VectorSupport(Avx512F.IsSupported, Avx2.IsSupported, Avx.IsSupported, Sse42.IsSupported,
        Sse41.IsSupported, Sse2.IsSupported, AdvSimd.IsSupported));

    /// <summary>The commit the assembly was built from; "unknown" when the build had no git or no .git.</summary>
    public static string Commit(Assembly assembly) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == CommitKey)?.Value is { Length: > 0 } commit
            ? commit : Provenance.Unknown;

    // Linux only; elsewhere (or unreadable) the model is unknown. The file is small and never blocks.
    private static string? CpuInfo()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
