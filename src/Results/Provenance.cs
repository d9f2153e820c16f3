using System.Text.Json.Serialization;

namespace Norms.Results;

/// <summary>
/// How a result was made: the build (<see cref="Commit"/>: the project's commit, "-dirty" when the tree had changes,
/// "unknown" when built without git), the engine and runtime versions, the command line as given, the CPU, and the
/// engine switches of the run. The process parts are gathered once by the CLI and passed down; <see cref="Engine"/> is
/// filled in by <see cref="Trainer.Run"/>, where the switches are known. A resumed run records the process that wrote
/// the file (the one that resumed it), not the one that started the run.
/// </summary>
/// <param name="CommandLine">The arguments as given, joined by spaces, quoted where a shell would need it.</param>
/// <param name="VectorIsa">The widest x86 or Arm vector instruction set .NET can use here, e.g. "AVX-512", "AVX2", "AdvSIMD".</param>
/// <param name="Engine">Null only before <see cref="Trainer.Run"/> fills it in (and in files written by hand).</param>
/// <param name="Peak">The machine's float32 peak (<see cref="ComputePeak"/>); null where the CPU's clock is unknown, and in
/// files written before it was recorded (left out of the JSON then).</param>
/// <param name="Training">How fast the run's training passes computed against <see cref="Peak"/>, filled in by
/// <see cref="Trainer.Run"/> when the run ends; null without a peak or a completed epoch.</param>
public sealed record Provenance(
    string Commit,
    string Libtorch,
    string Dotnet,
    string CommandLine,
    string Cpu,
    string VectorIsa,
    EngineSwitches? Engine = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ComputePeak? Peak = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TrainingSpeed? Training = null)
{
    public const string Unknown = "unknown";

    /// <summary>What a run records when its caller gave no provenance (a library call, a test): every process part unknown.</summary>
    public static Provenance Unrecorded { get; } = new(Unknown, Unknown, Unknown, Unknown, Unknown, Unknown);
}

/// <summary>
/// The engine switches in effect for one run. They change speed and the last digits of the numbers (another summation
/// order), and data parallelism changes which dropout masks each sample gets; so a comparison of results should know them.
/// </summary>
/// <param name="FusedKernels">Our fused ReLU + dropout kernel (NORMS_FUSED=0: libtorch's stock ops).</param>
/// <param name="DataParallel">Whether each batch was actually split between two replica threads.</param>
/// <param name="MemoryLayout">"channels-last" or "channels-first" (<see cref="Layout"/>).</param>
/// <param name="Threads">libtorch's thread count for the run.</param>
/// <param name="EvaluationBatch">Images per batch of the test pass.</param>
/// <param name="Distributed">The job across processes this run was one of (null: one process; left out of the file then,
/// so files of single-process runs read as before).</param>
/// <param name="DirectConvolutions">Whether small 3x3 convolutions could run on the shim's direct kernels (NORMS_DIRECT_CONV=0:
/// oneDNN's throughout); null in files written before the switch existed, all of which ran oneDNN's.</param>
public sealed record EngineSwitches(bool FusedKernels, bool DataParallel, string MemoryLayout, int Threads, int EvaluationBatch,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    DistributedSwitches? Distributed = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    bool? DirectConvolutions = null)
{
    public static string Layout(bool channelsLast) => channelsLast ? "channels-last" : "channels-first";
}

/// <summary>A data-parallel job across processes: how many ranks shared each batch, and whether batch norm's statistics
/// were synchronized across them (--sync-bn on) or each rank's own (off: ghost batch norm, k = batch / ranks).</summary>
public sealed record DistributedSwitches(int Ranks, bool SyncBatchNorm);
