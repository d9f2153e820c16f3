namespace Norms.Torch;

/// <summary>
/// How the engine runs, as one value the command line reads once (flags and environment) and passes down: to the
/// model compiler (kernels, layout), the data-parallel group, the trainer, evaluation and the bench. Nothing below
/// the command line reads an environment variable or sets a process-wide engine switch; the one process-wide step
/// is <see cref="LibTorch.Initialize"/>, for what the runtime must know before libtorch loads.
/// </summary>
/// <param name="Device">Where tensors live.</param>
/// <param name="Threads">Intra-op threads a run uses on its thread (from 2, data parallelism shares them out).</param>
/// <param name="FusedKernels">ReLU + dropout in one kernel (<see cref="Functional.ReluDropout"/>); off means libtorch's
/// stock ops throughout, so data parallelism is off with it.</param>
/// <param name="DataParallel">Split each step's batch between two replica threads when the threads allow it.</param>
/// <param name="Layout">The memory layout models are built with: chosen per model, or forced either way.</param>
/// <param name="PassiveWait">Set OMP_WAIT_POLICY=PASSIVE before libgomp loads (<see cref="LibTorch.Initialize"/>).</param>
/// <param name="TuneAllocator">Keep freed activation buffers in the process (<see cref="LibTorch.Initialize"/>).</param>
/// <param name="DirectConvolutions">Small 3x3 convolutions by the shim's own kernels (<see cref="Functional.Conv3x3"/>)
/// instead of oneDNN's; only with <paramref name="FusedKernels"/>.</param>
public sealed record EngineOptions(
    Device Device,
    int Threads = 1,
    bool FusedKernels = true,
    bool DataParallel = true,
    LayoutPreference Layout = LayoutPreference.Auto,
    bool PassiveWait = true,
    bool TuneAllocator = true,
    bool DirectConvolutions = true)
{
    /// <summary>The tuned engine on the CPU at one thread: what a caller that chose nothing gets.</summary>
    public static EngineOptions Cpu { get; } = new(Device.Cpu);

    /// <summary>
    /// The switches the environment sets, from <paramref name="variable"/> (the caller's lookup, e.g.
    /// Environment.GetEnvironmentVariable: this function reads nothing itself). NORMS_FUSED=0 switches every
    /// speed-up off (stock kernels, channels-first, no data parallelism, libgomp's and glibc's defaults);
    /// NORMS_CHANNELS_LAST=0/1 forces the layout; NORMS_DATA_PARALLEL=0, NORMS_OMP_PASSIVE=0, NORMS_MALLOC_TUNE=0 and
    /// NORMS_DIRECT_CONV=0 switch one each off; an OMP_WAIT_POLICY of the user's own is left as it is.
    /// </summary>
    public static EngineOptions FromEnvironment(Func<string, string?> variable, Device device, int threads)
    {
        bool Off(string name) => variable(name) == "0";
        var stock = Off("NORMS_FUSED");
        return new EngineOptions(
            device,
            threads,
            FusedKernels: !stock,
            DataParallel: !stock && !Off("NORMS_DATA_PARALLEL"),
            Layout: stock ? LayoutPreference.ChannelsFirst
                : variable("NORMS_CHANNELS_LAST") switch
                {
                    "0" => LayoutPreference.ChannelsFirst,
                    "1" => LayoutPreference.ChannelsLast,
                    _ => LayoutPreference.Auto,
                },
            PassiveWait: !stock && !Off("NORMS_OMP_PASSIVE") && variable("OMP_WAIT_POLICY") is null,
            TuneAllocator: !stock && !Off("NORMS_MALLOC_TUNE"),
            DirectConvolutions: !stock && !Off("NORMS_DIRECT_CONV"));
    }
}

/// <summary>The memory layout models are built with: chosen per model, or forced either way.</summary>
public enum LayoutPreference
{
    Auto,
    ChannelsFirst,
    ChannelsLast,
}
