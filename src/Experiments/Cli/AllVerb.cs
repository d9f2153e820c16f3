using System.CommandLine;
using Norms.Experiments.Training;

namespace Norms.Experiments.Cli;

/// <summary>`all`: every built-in experiment in order, then a results table.</summary>
internal static class AllVerb
{
    public static Command Create()
    {
        var options = new TrainingOptions();
        var command = new Command("all", $"Train every built-in experiment in order ({string.Join(", ", BuiltInExperiments.Names)}) and print a results table.");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (results, exit) = ExperimentRunner.RunAll(BuiltInExperiments.All, options.Read(parse), Console.Out);
            Console.Out.WriteLine();
            Console.Out.Write(ExperimentRunner.ResultsTable(results));
            return exit;
        });
        return command;
    }
}
