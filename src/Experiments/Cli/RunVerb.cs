using System.CommandLine;
using Norms.Data;
using Norms.Training;
using Norms.Models;
using Norms.Reports;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>`run NAME...` or `run --spec FILE`: trains built-in experiments or one from a JSON file.</summary>
internal static class RunVerb
{
    /// <param name="args">The process's arguments, recorded in each result's provenance.</param>
    public static Command Create(IReadOnlyList<string> args, EngineOptions engine)
    {
        var names = new Argument<string[]>("names") { Description = $"Built-in experiments: {string.Join(", ", BuiltInExperiments.Names)}.", Arity = ArgumentArity.ZeroOrMore };
        var specFile = new Option<string?>("--spec") { Description = "An experiment JSON file: every field, its type, default and range are in docs/SPEC.md." };
        var options = new TrainingOptions(args, engine);
        var distributed = new DistributedOptions();
        var command = new Command("run", "Train one or more experiments and write OUT/NAME/result.json, metrics.csv and a checkpoint.");
        command.Arguments.Add(names);
        command.Options.Add(specFile);
        options.AddTo(command);
        distributed.AddTo(command);
        command.SetAction(parse =>
        {
            var specs = Resolve(parse.GetValue(names) ?? [], parse.GetValue(specFile));
            var request = options.Read(parse);
            if (distributed.Read(parse, specs.Count, Environment.GetEnvironmentVariable) is not { } job)
            {
                var (all, code) = ExperimentRunner.RunAll(specs, request, Console.Out);
                if (all.Count > 1) Console.Out.Write(ReportTable.Text(all));
                return code;
            }
            // One rank of a job across processes: it joins the group first (every rank must, or the others time out),
            // trains with its share of this machine's threads, and only rank 0 speaks on stdout.
            using var group = job.Join();
            var rankRequest = request with
            {
                Engine = request.Engine with { Threads = Math.Max(1, request.Threads / job.Environment.LocalWorldSize), DataParallel = false },
                Distributed = new DistributedTraining(group, job.SyncBatchNorm),
                Progress = request.Progress && group.Rank == 0,
            };
            var (results, exit) = ExperimentRunner.RunAll(specs, rankRequest, group.Rank == 0 ? Console.Out : TextWriter.Null);
            return exit;
        });
        return command;
    }

    /// <summary>The experiments a `run` names; every mistake is a <see cref="UserError"/>.</summary>
    public static IReadOnlyList<ExperimentSpec> Resolve(IReadOnlyList<string> names, string? specFile)
    {
        if (specFile is not null)
        {
            if (names.Count > 0)
                throw new UserError("give either experiment names or --spec FILE, not both");
            return [ReadSpec(specFile)];
        }
        if (names.Count == 0)
            throw new UserError($"name an experiment ({string.Join(", ", BuiltInExperiments.Names)}) or pass --spec FILE");
        return names.Select(n => BuiltInExperiments.Find(n)
            ?? throw new UserError($"unknown experiment '{n}'; use one of {string.Join(", ", BuiltInExperiments.Names)} (see `list`)")).ToArray();
    }

    private static string OneLine(string s) => string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Largest experiment file read (a real one is under 1 KB); a device or pipe that never ends cannot hang the CLI.</summary>
    private const long MaxSpecBytes = 1 << 20;

    /// <summary>An experiment file, read and validated; every problem is one <see cref="UserError"/>.</summary>
    internal static ExperimentSpec ReadSpec(string file)
    {
        string json;
        try
        {
            json = TensorFile.ReadText(file, MaxSpecBytes);
        }
        catch (FormatException e)
        {
            throw new UserError($"{file}: {e.Message}; an experiment file is a few hundred bytes of JSON");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot read the spec file {file}: {e.Message}; check the path");
        }
        var parsed = ExperimentSpecJson.Parse(json);
        if (!parsed.IsValid)
            // One line, like every user error: the errors follow each other, separated by "; ".
            throw new UserError($"{file} is not a valid experiment: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {OneLine(e.Message)}")));
        return parsed.Value!;
    }
}
