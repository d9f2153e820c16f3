using System.CommandLine;
using Norms.Data;
using Norms.Models;
using Norms.Reports;
using Norms.Training;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>`all`: every built-in experiment in order, then a results table.</summary>
internal static class AllVerb
{
    /// <param name="args">The process's arguments, recorded in each result's provenance.</param>
    public static Command Create(IReadOnlyList<string> args, EngineOptions engine)
    {
        var options = new TrainingOptions(args, engine);
        var command = new Command("all", $"Train every built-in experiment in order ({string.Join(", ", BuiltInExperiments.Names)}) and print a results table; then write the report into --out (as `report`).");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var request = options.Read(parse);
            var datasets = new Dictionary<string, Dataset>();
            var (results, exit) = ExperimentRunner.RunAll(BuiltInExperiments.All, request, Console.Out, datasets: datasets);
            Console.Out.WriteLine();
            Console.Out.Write(ReportTable.Text(results));
            // The report shows test images of the datasets already in memory instead of reading them again, and the
            // train splits are handed back first: reading CIFAR-10 a second time was the peak of `all`'s memory.
            var testSets = datasets.ToDictionary(p => p.Key, p => p.Value.Test);
            datasets.Clear();
            HeapCompaction.ReturnFreedMemory();
            // The report covers every result in --out (this run's and any earlier ones), rendered from the saved files.
            var report = ReportVerb.Run(request.OutDir, request.DataRoot, testSets);
            foreach (var note in report.Notes) Console.Error.WriteLine($"note: {note}");
            Console.Out.WriteLine($"report: {report.MarkdownPath}, {report.HtmlPath}");
            return exit;
        });
        return command;
    }
}
