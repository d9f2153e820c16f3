using System.CommandLine;
using System.Globalization;
using Norms.Studies;
using Norms.Torch;
using Spectre.Console;

namespace Norms.Experiments.Cli;

/// <summary>`study run SPEC|NAME`, `study status DIR`, `study list`: seeded runs over axes in one resumable folder.</summary>
internal static class StudyVerb
{
    public static Command Create(IReadOnlyList<string> args, EngineOptions engine)
    {
        var command = new Command("study", "Many seeded runs over axes in one resumable folder: run, status, list.");
        command.Subcommands.Add(RunCommand(args, engine));
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(ReportCommand());
        command.Subcommands.Add(ListCommand());
        return command;
    }

    private static Command RunCommand(IReadOnlyList<string> args, EngineOptions engine)
    {
        var spec = new Argument<string>("spec") { Description = $"A study spec file (docs/SPEC.md, \"Studies\") or a built-in study: {string.Join(", ", BuiltInStudies.All.Keys)}." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the runs in the order they train, their steps and an estimated time (from a few measured steps of each kind), and stop." };
        var seeds = SeedsOption("the spec's \"seeds\"");
        var jobs = JobsOption();
        var sharding = new ShardOptions();
        var options = new TrainingOptions(args, engine);
        var command = new Command("run", "Train the study's missing or unfinished runs into OUT/STUDY/runs/ID/ (completed ones are skipped, interrupted ones resume) and write OUT/STUDY/study.json.");
        command.Arguments.Add(spec);
        command.Options.Add(dryRun);
        command.Options.Add(seeds);
        command.Options.Add(jobs);
        sharding.AddTo(command);
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (json, source) = StudyRunner.Read(parse.GetValue(spec)!);
            var (study, specJson) = StudyRunner.WithSeeds(StudyRunner.Parse(json, source), parse.GetValue(seeds), source);
            // The spec's own training slice, unless the command line names one.
            var request = options.Read(parse) is var read && read.LimitTrain is null ? read with { LimitTrain = study.LimitTrain } : read;
            if (request.Seed is not null) throw new UserError("a study's seeds come from its spec (\"seeds\"); leave out --seed");
            var flags = new StudyFlags(request.Epochs, request.BatchSize, request.LimitTrain, request.LimitTest, request.Dataset);
            var jobCount = Jobs(parse.GetValue(jobs), request.Threads);
            var shard = sharding.Read(parse);
            if (parse.GetValue(dryRun))
            {
                var folder = Path.Combine(request.OutDir, study.Name);
                var plan = study.Halving.Count > 0 ? StudyRunner.HalvingPlan(study, flags, folder) : null;
                var all = StudySchedule.Order(StudyRunner.Mine(plan?.Runs ?? StudyRunner.Expand(study, flags), shard), study.Seeds);
                // What `study run` would train: a run it skips is not estimated (a halving study skips diverged runs too).
                var files = RunFiles.Read(folder, all.Select(r => r.Id));
                var runs = StudyRunner.ToTrain(all, files, skipDiverged: study.Halving.Count > 0);
                var ended = all.Any(r => files.Status(r.Id) == "diverged") && study.Halving.Count > 0 ? "completed or diverged" : "completed";
                if (runs.Count < all.Count) Console.Out.WriteLine($"study {study.Name}: {all.Count - runs.Count} of {all.Count} run(s) {ended} in {folder}, skipped; the rest:");
                var dryJobs = jobCount ?? StudyRunner.AutoJobs(runs, request);
                var (estimates, method) = StudyEstimate.Of(runs, request, dryJobs, Console.Error);
                AnsiConsole.Write(RunsTable(["epochs", "batch", "steps", "estimate"], estimates.Select(e => (e.Run.Id, e.Run.Axes.AsEnumerable(), e.Run.Seed,
                    (IReadOnlyList<string>)[e.Run.Spec.Epochs.ToString(CultureInfo.InvariantCulture), e.Run.Spec.BatchSize.ToString(CultureInfo.InvariantCulture),
                        e.Steps?.ToString("N0", CultureInfo.InvariantCulture) ?? "-", e.Seconds is { } s ? StudyProgress.Duration(TimeSpan.FromSeconds(s)) : "-"]))));
                Console.Out.WriteLine($"{StudyEstimate.Total(estimates, dryJobs)} ({method}{(jobCount is null && dryJobs > 1 ? $", {dryJobs} runs at once by --jobs auto" : "")}); nothing trained (--dry-run)");
                if (plan is not null) Console.Out.WriteLine(StudyRunner.LaterRungs(study, plan));
                return 0;
            }
            return StudyRunner.Run(study, specJson, flags, request, Console.Out, jobCount, shard);
        });
        return command;
    }

    private static Command StatusCommand()
    {
        var dir = StudyDir();
        var command = new Command("status", "A table of the study's runs and their status: pending, running, completed, interrupted, diverged or failed.");
        command.Arguments.Add(dir);
        command.SetAction(parse =>
        {
            var folder = StudyRunner.Folder(parse.GetValue(dir)!);
            var file = StudyRunner.Load(folder);
            // The spec's runs as it expands now: after a built-in experiment changed, study.json's list is stale.
            var (study, runs) = StudyRunner.Expansion(folder, file);
            var files = RunFiles.Read(folder, runs.Select(r => r.Id));
            var statuses = runs.Select(r => (Run: r, Status: files.Status(r.Id))).ToList();
            AnsiConsole.Write(RunsTable(["status"], statuses.Select(s => (s.Run.Id, s.Run.Axes.AsEnumerable(), s.Run.Seed, (IReadOnlyList<string>)[s.Status]))));
            Console.Out.WriteLine($"study {study.Name}: " + string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{g.Count()} {g.Key}")));
            var stale = file.Runs.Select(r => r.Id).Except(runs.Select(r => r.Id)).Count();
            if (stale > 0)
                Console.Out.WriteLine($"note: study.json lists {stale} run(s) its spec no longer expands to (a built-in experiment it starts from changed, " +
                    "or the spec was edited); their folders are kept, and `study run` or `study report` rewrites study.json");
            return 0;
        });
        return command;
    }

    private static Command ReportCommand()
    {
        var dir = StudyDir();
        var command = new Command("report", "Write the study's statistics into study.json and its report: OUT/STUDY/study-report.md, study-report.html and charts/.");
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding mnist/ and cifar-10/, for the test labels of McNemar's view (default: $NORMS_DATA, else ~/.cache/norms; never downloads)." };
        command.Arguments.Add(dir);
        command.Options.Add(dataDir);
        command.SetAction(parse =>
        {
            var report = StudyRunner.Report(StudyRunner.Folder(parse.GetValue(dir)!), ReportVerb.DataRootOrNull(parse.GetValue(dataDir)));
            Console.Out.WriteLine($"report: {report}");
            return 0;
        });
        return command;
    }

    /// <summary>--seeds N: seeds 1..N for every cell (raising N adds runs to the same study folder).</summary>
    public static Option<int?> SeedsOption(string fallback) =>
        new("--seeds") { Description = $"Seeds 1..N for every cell (default: {fallback}); raising N later adds runs to the same study." };

    /// <summary>--jobs N|auto: N runs at once, the threads split between them; auto (the default) lets
    /// <see cref="Training.Scheduling.JobsRule"/> choose from the runs.</summary>
    public static Option<string> JobsOption() =>
        new("--jobs")
        {
            Description = "Runs trained at once, the threads (--threads) split between them; auto (the default): one after another when most runs " +
                          "split their batches between two replica threads, else one a thread. With more than one, progress is printed as lines.",
            DefaultValueFactory = _ => Auto,
        };

    public const string Auto = "auto";

    /// <summary>The --jobs value checked: null for auto, else at least 1; more jobs than threads would leave a job without
    /// one, so it is clamped.</summary>
    public static int? Jobs(string? text, int threads)
    {
        if (text is null or Auto) return null;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var jobs) || jobs < 1)
            throw new UserError($"--jobs takes a whole number >= 1 or auto, not '{text}'; e.g. --jobs 2");
        if (jobs <= threads) return jobs;
        Console.Error.WriteLine($"note: --jobs {jobs} is more than the {threads} thread(s); using --jobs {threads}, one thread each");
        return threads;
    }

    private static Argument<string> StudyDir() =>
        new("dir") { Description = "The study folder (OUT/STUDY), or an --out holding exactly one study." };

    /// <summary>One row per run: id, axis values, seed, then <paramref name="columns"/>.</summary>
    private static Table RunsTable(IReadOnlyList<string> columns,
        IEnumerable<(string Id, IEnumerable<KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>> Axes, ulong Seed, IReadOnlyList<string> Cells)> rows)
    {
        var table = new Table().AddColumns(["id", "axes", "seed", .. columns]);
        foreach (var (id, axes, seed, cells) in rows)
            table.AddRow([id, Markup.Escape(string.Join(", ", axes.Select(a => $"{a.Key}={AxisJson.Value(a.Value)}"))), seed.ToString(CultureInfo.InvariantCulture), .. cells]);
        return table;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "The built-in studies.");
        command.SetAction(_ =>
        {
            foreach (var (name, json) in BuiltInStudies.All) Console.Out.WriteLine($"{name}: {json}");
            return 0;
        });
        return command;
    }
}
