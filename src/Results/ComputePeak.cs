using System.Globalization;

namespace Norms.Results;

/// <summary>
/// This machine's float32 arithmetic peak, the ceiling a training speed is measured against: cores × clock × FLOP per
/// cycle of a core, the last from the widest vector instruction set the CPU offers (<see cref="FlopsPerCycleOf"/>). The
/// hardware's ceiling, not the kernels': libtorch 1.13's own ATen kernels dispatch at most AVX2 (its "CPU capability
/// usage"), while oneDNN's convolutions use AVX-512 where the CPU has it, so on an AVX-512 host no libtorch 1.13 step
/// gets near this number; that gap is part of what the fraction shows. The clock is /proc/cpuinfo's "cpu MHz" (the
/// nominal clock on the virtual machines measured here; boost clocks are not visible), and the cores are the logical
/// CPUs this process may use: where two of them are hyperthreads of one physical core, the true ceiling is half this.
/// </summary>
/// <param name="Cores">Logical CPUs available to the process.</param>
/// <param name="ClockGhz">The highest "cpu MHz" of /proc/cpuinfo, in GHz.</param>
/// <param name="Isa">The vector instruction set the FLOP count assumes (the provenance's vector ISA).</param>
/// <param name="FlopsPerCycle">float32 FLOP per cycle of one core for <paramref name="Isa"/>.</param>
public sealed record ComputePeak(int Cores, double ClockGhz, string Isa, int FlopsPerCycle)
{
    /// <summary>The whole machine's peak, GFLOP/s.</summary>
    public double Gflops => Math.Round(Cores * ClockGhz * FlopsPerCycle, 1);

    /// <summary>The peak of the cores <paramref name="threads"/> threads can occupy (at most all of them), GFLOP/s.</summary>
    public double GflopsOf(int threads) => Math.Clamp(threads, 1, Cores) * ClockGhz * FlopsPerCycle;

    /// <summary>
    /// float32 FLOP per cycle of one core: two fused multiply-add pipes × lanes × 2 (a multiply and an add). AVX-512 16 lanes
    /// (64; Xeons with one 512-bit FMA unit do half), AVX2 8 lanes with FMA (32), AVX 8 lanes without FMA, one multiply and
    /// one add port (16), SSE 4 lanes the same way (8), Arm AdvSIMD two 128-bit FMA pipes (16). Unknown: 2 (scalar FMA).
    /// </summary>
    public static int FlopsPerCycleOf(string isa) => isa switch
    {
        "AVX-512" => 64,
        "AVX2" => 32,
        "AVX" => 16,
        "SSE4.2" or "SSE4.1" or "SSE2" => 8,
        "AdvSIMD" => 16,
        _ => 2,
    };

    /// <summary>The peak of a machine with <paramref name="cores"/> logical CPUs, <paramref name="isa"/> and the clock read
    /// from <paramref name="cpuinfo"/> (/proc/cpuinfo's text); null when the text gives no clock (not Linux, an Arm kernel
    /// without "cpu MHz"). Pure: the caller reads the file.</summary>
    public static ComputePeak? Of(string? cpuinfo, int cores, string isa) =>
        ClockGhzOf(cpuinfo) is { } ghz && cores > 0 ? new ComputePeak(cores, ghz, isa, FlopsPerCycleOf(isa)) : null;

    /// <summary>The highest "cpu MHz" line's value in GHz, rounded to the MHz; null without one.</summary>
    public static double? ClockGhzOf(string? cpuinfo)
    {
        double? best = null;
        foreach (var line in (cpuinfo ?? "").Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Trim() != "cpu MHz") continue;
            if (double.TryParse(line[(colon + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz) && mhz > 0 && double.IsFinite(mhz))
                best = Math.Max(best ?? 0, mhz);
        }
        return best is { } m ? Math.Round(m) / 1000 : null;
    }
}

/// <summary>
/// How fast a run's training passes computed, against the peak of the cores its threads could use: the convolutions' and
/// linear layers' arithmetic of a training step, 3 × 2 × the forward pass's mult-adds per image (forward, the gradient of
/// the input and the gradient of the weights each cost one forward's multiply-adds; norms, pooling, activations and the
/// optimizer add memory traffic, not FLOPs, and are not counted), over the epochs' train_seconds (the test passes left out).
/// </summary>
/// <param name="Gflops">Training FLOP per second of the run's epochs, in GFLOP/s.</param>
/// <param name="FractionOfPeak">Gflops over the peak of min(threads × processes, cores) cores.</param>
public sealed record TrainingSpeed(double Gflops, double FractionOfPeak)
{
    /// <summary>FLOP of training on one image, from the forward pass's mult-adds per image.</summary>
    public static double FlopsPerImage(long multAddsPerImage) => 6.0 * multAddsPerImage;

    /// <summary>The speed of training <paramref name="images"/> images in <paramref name="seconds"/> on
    /// <paramref name="threads"/> threads of a machine with <paramref name="peak"/>; null without time or without a peak.</summary>
    public static TrainingSpeed? Of(long multAddsPerImage, long images, double seconds, int threads, ComputePeak? peak)
    {
        if (peak is null || !(seconds > 0) || images <= 0) return null;
        var gflops = FlopsPerImage(multAddsPerImage) * images / seconds / 1e9;
        return new TrainingSpeed(Math.Round(gflops, 2), Math.Round(gflops / peak.GflopsOf(threads), 4));
    }
}
