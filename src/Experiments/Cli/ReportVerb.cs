using System.CommandLine;
using Norms.Data;
using Norms.Reports;

namespace Norms.Experiments.Cli;

/// <summary>`report OUT_DIR`: re-renders report.md, report.html and the charts from the results saved in OUT_DIR.</summary>
internal static class ReportVerb
{
    public static Command Create()
    {
        var outDir = new Argument<string>("out-dir") { Description = "The --out folder of `run` or `all` (holds NAME/result.json); the report is written there." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding mnist/ and cifar-10/ for the misclassified images (default: $NORMS_DATA, else ~/.cache/norms; never downloads)." };
        var command = new Command("report", "Write report.md, report.html, curves-*.png|svg, NAME/{curves,confusion}.png|svg and NAME/misclassified.png from saved results.");
        command.Arguments.Add(outDir);
        command.Options.Add(dataDir);
        command.SetAction(parse =>
        {
            var outcome = Run(parse.GetValue(outDir)!, parse.GetValue(dataDir));
            foreach (var note in outcome.Notes) Console.Error.WriteLine($"note: {note}");
            Console.Out.WriteLine($"report: {outcome.MarkdownPath}, {outcome.HtmlPath} ({outcome.Files.Count} files)");
            return 0;
        });
        return command;
    }

    /// <summary>The data folder --data-dir, $NORMS_DATA or the cache names, or null when there is none.</summary>
    internal static string? DataRootOrNull(string? option)
    {
        try
        {
            return DataRoot.Resolve(option, Environment.GetEnvironmentVariable);
        }
        catch (DataException)
        {
            return null;
        }
    }

    /// <summary>Writes the report; every problem with the folder is a <see cref="UserError"/>.</summary>
    /// <param name="loadedTestSets">Test splits already in memory, by dataset name; the others are read from the data folder.</param>
    public static ReportOutcome Run(string outDir, string? dataDir, IReadOnlyDictionary<string, ImageSet>? loadedTestSets = null)
    {
        if (string.IsNullOrWhiteSpace(outDir)) throw new UserError("report needs the results folder; e.g. report artifacts");
        // No data folder at all: the report is still written, without misclassified images (a note says so).
        var root = DataRootOrNull(dataDir);
        try
        {
            return ReportWriter.Write(outDir, root, loadedTestSets: loadedTestSets);
        }
        catch (ReportException e)
        {
            throw new UserError(e.Message);
        }
    }
}
