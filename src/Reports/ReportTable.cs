using Norms.Results;

namespace Norms.Reports;

/// <summary>The results table's cells, shared by the Markdown and HTML renderers so both show the same text.</summary>
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
}
