using Norms.Results;

namespace Norms.Reports;

/// <summary>The results table: its header, each experiment's cells and which columns hold numbers, one model for every
/// place it is shown: report.md and report.html render it, and the console prints it as plain text after `run` and `all`
/// (<see cref="Text"/>), so all of them show the same text.</summary>
public static class ReportTable
{
    public static IReadOnlyList<string> Header { get; } =
        ["experiment", "dataset", "norm", "L1", "L2", "params", "best train acc", "best test acc", "best test loss", "epochs", "wall time", "status"];

    public static IReadOnlyList<string> Row(ExperimentReport e, ReportNumbers n)
    {
        var r = e.Run;
        var epochs = e.PlannedEpochs is { } p ? $"{r.Epochs.Count}/{p}" : r.Epochs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var status = r.Status.Label();
        if (e.Problem is not null && r.Status == RunStatus.Completed) status += " (cut short)";
        return [r.Name, r.Dataset, r.Norm, ReportNumbers.Factor(r.L1), ReportNumbers.Factor(r.L2), ReportNumbers.Count(r.Params),
            n.Acc(r.BestTrainAcc), n.Acc(r.BestTestAcc), n.Loss(r.BestTestLoss), epochs, ReportNumbers.Duration(r.TotalSeconds), status];
    }

    /// <summary>Columns that hold numbers are right-aligned.</summary>
    public static bool IsNumeric(int column) => column is >= 3 and <= 10;

    /// <summary>The table of <paramref name="runs"/> as plain text (<see cref="TextTable"/>), each run as the report reads it
    /// (<see cref="ReportBuilder.Experiment(RunResult)"/>).</summary>
    public static string Text(IEnumerable<RunResult> runs, ReportNumbers? numbers = null)
    {
        var n = numbers ?? ReportNumbers.Default;
        return TextTable.Render(Header, [.. runs.Select(r => Row(ReportBuilder.Experiment(r), n))]);
    }
}
