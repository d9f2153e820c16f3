using System.Globalization;
using Norms.Results;

namespace Norms.Reports;

/// <summary>A row of a provenance table: the cells, and the experiments that share them.</summary>
public sealed record ProvenanceRow(IReadOnlyList<string> Experiments, IReadOnlyList<string> Cells);

/// <summary>The report's "How these results were made": the build and machine, and the engine switches, each one row per
/// distinct combination, so a report of one `all` reads as a line or two.</summary>
public sealed record ProvenanceTables(IReadOnlyList<ProvenanceRow> Build, IReadOnlyList<ProvenanceRow> Engine);

/// <summary>
/// What the report says about how its results were made, shared by the Markdown and HTML renderers. Pure: a function
/// of the saved results. Results written before result.json held a provenance show "not recorded".
/// </summary>
public static class ReportProvenance
{
    public const string NotRecorded = "not recorded";

    public static IReadOnlyList<string> BuildHeader { get; } = ["experiments", "commit", "libtorch", ".NET", "CPU (vector ISA)", "command line"];

    /// <summary>Each engine switch: its name (in the table's header and in the sentence) and how its value is printed.</summary>
    private static readonly (string Name, Func<EngineSwitches, string> Cell)[] Switches =
    [
        // The direct 3x3 convolutions are one of the fused kernels (NORMS_FUSED=0 turns both off), so they share its cell.
        ("fused kernels", e => e.FusedKernels && e.DirectConvolutions == true ? "on, direct 3x3 convs" : OnOff(e.FusedKernels)),
        // A job across processes says so in the same cell: its ranks split every batch as the replica threads would.
        ("data parallel", e => e.Distributed is { } d ? $"{d.Ranks} ranks, sync-bn {OnOff(d.SyncBatchNorm)}" : OnOff(e.DataParallel)),
        ("memory layout", e => e.MemoryLayout),
        ("threads", e => e.Threads.ToString(CultureInfo.InvariantCulture)),
        ("evaluation batch", e => e.EvaluationBatch.ToString(CultureInfo.InvariantCulture)),
    ];

    public static IReadOnlyList<string> EngineHeader { get; } = ["experiments", .. Switches.Select(s => s.Name)];

    public static ProvenanceTables Tables(IReadOnlyList<RunResult> runs) => new(Rows(runs, BuildCells), Rows(runs, EngineCells));

    private static IReadOnlyList<string> BuildCells(RunResult r) =>
        r.Provenance is { } p ? [p.Commit, p.Libtorch, p.Dotnet, CpuCell(p), p.CommandLine] : Blank(BuildHeader.Count - 1);

    // The peak is the machine's (ComputePeak); results written before it was recorded show the ISA alone.
    private static string CpuCell(Provenance p) =>
        p.Peak is { } peak ? string.Create(CultureInfo.InvariantCulture, $"{p.Cpu} ({p.VectorIsa}, peak {peak.Gflops:F0} GFLOP/s)") : $"{p.Cpu} ({p.VectorIsa})";

    private static IReadOnlyList<string> EngineCells(RunResult r) =>
        r.Provenance?.Engine is { } e ? [.. Switches.Select(s => s.Cell(e))] : Blank(Switches.Length);

    private static string[] Blank(int cells) => Enumerable.Repeat(NotRecorded, cells).ToArray();

    private static string OnOff(bool on) => on ? "on" : "off";

    /// <summary>One row per distinct set of cells, in the order of each set's first experiment.</summary>
    private static IReadOnlyList<ProvenanceRow> Rows(IReadOnlyList<RunResult> runs, Func<RunResult, IReadOnlyList<string>> cells)
    {
        var rows = new List<(List<string> Experiments, IReadOnlyList<string> Cells)>();
        foreach (var run in runs)
        {
            var c = cells(run);
            var index = rows.FindIndex(row => row.Cells.SequenceEqual(c));
            if (index < 0) rows.Add(([run.Name], c));
            else rows[index].Experiments.Add(run.Name);
        }
        return [.. rows.Select(row => new ProvenanceRow(row.Experiments, row.Cells))];
    }

    /// <summary>The switches whose recorded values differ among <paramref name="runs"/>, in the table's order. Runs without
    /// a record are left out: nothing is known to differ about them (the table says "not recorded").</summary>
    public static IReadOnlyList<string> DifferingSwitches(IEnumerable<RunResult> runs)
    {
        var recorded = runs.Select(r => r.Provenance?.Engine).OfType<EngineSwitches>().ToArray();
        return [.. Switches.Where(s => recorded.Select(s.Cell).Distinct().Count() > 1).Select(s => s.Name)];
    }

    /// <summary>
    /// One sentence for each dataset whose compared results (those with a test accuracy: the ones the analysis ranks)
    /// were made with different engine switches, naming them; none where they agree. The switches change speed and the
    /// last digits (data parallelism also the dropout masks), so a reader weighing small differences should know.
    /// </summary>
    public static IReadOnlyList<string> SwitchSentences(IEnumerable<RunResult> runs) =>
    [
        .. runs.Where(r => r.BestTestAcc is not null).GroupBy(r => r.Dataset)
            .Select(g => (Dataset: g.Key, Names: DifferingSwitches(g)))
            .Where(d => d.Names.Count > 0)
            .Select(d => $"The {d.Dataset} results compared here were not all made with the same engine switches: " +
                         $"{Words(d.Names)} differ{(d.Names.Count == 1 ? "s" : "")} (see How these results were made)."),
    ];

    /// <summary>
    /// One sentence for each dataset whose runs recorded their training speed (provenance.training): the range of their
    /// fractions of the peak of the cores they used, and of their GFLOP/s, so a reader sees how far from the machine's
    /// limit the numbers were made. None for results written before the speed was recorded.
    /// </summary>
    public static IReadOnlyList<string> SpeedSentences(IEnumerable<RunResult> runs) =>
    [
        .. runs.Where(r => r.Provenance?.Training is not null).GroupBy(r => r.Dataset)
            .Select(g =>
            {
                var speeds = g.Select(r => r.Provenance!.Training!).ToArray();
                var fractions = Range(speeds.Select(s => 100 * s.FractionOfPeak), "F1");
                var gflops = Range(speeds.Select(s => s.Gflops), "F1");
                return $"The {g.Key} trainings computed at {fractions} % of the float32 peak of the cores they used ({gflops} GFLOP/s, " +
                       "counting 6 FLOP per multiply-add of the convolutions and linear layers per image).";
            }),
    ];

    private static string Range(IEnumerable<double> values, string format)
    {
        var v = values.ToArray();
        var (lo, hi) = (v.Min().ToString(format, CultureInfo.InvariantCulture), v.Max().ToString(format, CultureInfo.InvariantCulture));
        return lo == hi ? lo : $"{lo}-{hi}";
    }

    private static string Words(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
}
