using Norms.Results;

namespace Norms.Experiments.Cli;

/// <summary>Which vector instruction sets .NET reports as usable here (System.Runtime.Intrinsics), as plain flags so
/// naming them is a pure function.</summary>
public sealed record VectorSupport(bool Avx512F, bool Avx2, bool Avx, bool Sse42, bool Sse41, bool Sse2, bool AdvSimd);

/// <summary>The CPU as a result records it: its model name and its widest vector instruction set. Pure: the CLI hands in
/// /proc/cpuinfo's text and the intrinsics' flags.</summary>
public static class CpuDescription
{
    /// <summary>The first "model name" of /proc/cpuinfo (x86 Linux; Arm kernels often have none), else "unknown".</summary>
    public static string ModelName(string? cpuinfo)
    {
        foreach (var line in (cpuinfo ?? "").Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "model name" && line[(colon + 1)..].Trim() is { Length: > 0 } name)
                return name;
        }
        return Results.Provenance.Unknown;
    }

    /// <summary>The widest set first: "AVX-512" (foundation), "AVX2", "AVX", "SSE4.2", "SSE4.1", "SSE2"; Arm "AdvSIMD"; else "none".</summary>
    public static string VectorIsa(VectorSupport s) =>
        s.Avx512F ? "AVX-512" : s.Avx2 ? "AVX2" : s.Avx ? "AVX" : s.Sse42 ? "SSE4.2" : s.Sse41 ? "SSE4.1" : s.Sse2 ? "SSE2"
        : s.AdvSimd ? "AdvSIMD" : "none";
}
