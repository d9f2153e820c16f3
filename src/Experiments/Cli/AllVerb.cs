using System.CommandLine;
using Norms.Models;
using Norms.Studies;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>
/// `all`: the seeds' study (the built-in study "seeds": every built-in experiment × --seeds N) into OUT/seeds, then its
/// report. The same as `study run seeds --seeds N` followed by `study report OUT/seeds`.
/// </summary>
internal static class AllVerb
{
    /// <summary>The fewest seeds that support a paired comparison with an interval (n - 1 = 2 degrees of freedom).</summary>
    public const int DefaultSeeds = 3;

    /// <summary>--quick's seeds: two, so the statistics path (pairs, intervals, verdicts) always runs.</summary>
    public const int QuickSeeds = 2;

    /// <param name="args">The process's arguments, recorded in each result's provenance.</param>
    public static Command Create(IReadOnlyList<string> args, EngineOptions engine)
    {
        var options = new TrainingOptions(args, engine);
        var seeds = StudyVerb.SeedsOption($"{DefaultSeeds}, with --quick {QuickSeeds}");
        var command = new Command("all", $"The seeds' study: every built-in experiment ({string.Join(", ", BuiltInExperiments.Names)}) × --seeds N into OUT/seeds (resumable, as `study run seeds`), then its report.");
        var jobs = StudyVerb.JobsOption();
        command.Options.Add(seeds);
        command.Options.Add(jobs);
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var request = options.Read(parse);
            if (request.Seed is not null) throw new UserError("`all` trains seeds 1..N; use --seeds N instead of --seed");
            var count = parse.GetValue(seeds) ?? (request.Quick ? QuickSeeds : DefaultSeeds);
            var (study, specJson) = StudyRunner.WithSeeds(StudyRunner.Parse(BuiltInStudies.Seeds, "the built-in study 'seeds'"), count, "--seeds");
            var flags = new StudyFlags(request.Epochs, request.BatchSize, request.LimitTrain, request.LimitTest, request.Dataset);
            var exit = StudyRunner.Run(study, specJson, flags, request, Console.Out, StudyVerb.Jobs(parse.GetValue(jobs), request.Threads));
            var report = StudyRunner.Report(Path.Combine(request.OutDir, study.Name), request.DataRoot);
            Console.Out.WriteLine($"report: {report}");
            return exit;
        });
        return command;
    }
}
