using System.Text.Json.Nodes;
using Norms.Data;
using Norms.Results;
using Norms.Studies;
using Norms.Training;
using Norms.Training.Scheduling;

namespace Norms.Experiments.Cli;

/// <summary>
/// The edge of `study run`: reads the spec, expands it, claims the study folder (refusing another study's),
/// writes study.json, trains what is missing or unfinished through <see cref="ExperimentRunner"/> (every run resumes:
/// a completed run is skipped by its own checkpoint, an interrupted one continues), and writes study.json again with
/// each run's status. Several workers may share one study folder, on one machine or many: each run is trained by the
/// worker that claims its folder (run.lock), the others skip it, and study.json is rewritten under study.lock
/// (<see cref="StudyFileLock"/>). With a <see cref="StudyShard"/>, a worker takes only the runs of its shard.
/// </summary>
internal static class StudyRunner
{
    /// <summary>The largest study spec read (a real one is under a few KB).</summary>
    private const long MaxSpecBytes = 1 << 20;

    /// <summary>A built-in study's JSON, or the file's text.</summary>
    public static (string Json, string Source) Read(string specOrName)
    {
        if (BuiltInStudies.All.TryGetValue(specOrName, out var builtIn)) return (builtIn, $"the built-in study '{specOrName}'");
        if (!File.Exists(specOrName))
            throw new UserError($"'{specOrName}' is neither a built-in study ({string.Join(", ", BuiltInStudies.All.Keys)}) nor a study spec file; check the path (docs/SPEC.md, \"Studies\")");
        try
        {
            return (TensorFile.ReadText(specOrName, MaxSpecBytes), specOrName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new UserError($"cannot read the study spec {specOrName}: {e.Message}; check the path");
        }
    }

    public static (StudySpec Spec, JsonObject Json) Parse(string json, string source)
    {
        var parsed = StudySpecJson.Parse(json);
        if (!parsed.IsValid)
            throw new UserError($"{source} is not a valid study: " + string.Join("; ", parsed.Errors.Select(e => e.ToString().ReplaceLineEndings(" "))));
        return (parsed.Value!, JsonNode.Parse(json)!.AsObject());
    }

    /// <summary>The study with <c>--seeds N</c> applied (seeds 1..N in place of the spec's); raising it adds runs to the
    /// same study folder.</summary>
    public static (StudySpec Spec, JsonObject Json) WithSeeds((StudySpec Spec, JsonObject Json) study, int? seeds, string source)
    {
        if (seeds is null) return study;
        if (seeds < 1) throw new UserError($"--seeds must be >= 1, got {seeds}; e.g. --seeds 3");
        var json = (JsonObject)study.Json.DeepClone();
        json["seeds"] = seeds.Value;
        return Parse(json.ToJsonString(), source);
    }

    /// <summary>Rewrites study.json from the run folders and writes the study report (study-report.md, study-report.html
    /// and charts/; the test labels for McNemar's view and the misclassified images are read from <paramref name="dataRoot"/>,
    /// never downloaded, and left out with a note without it); returns what it wrote, in words.</summary>
    public static string Report(string folder, string? dataRoot)
    {
        var file = Load(folder);
        var (study, runs) = Expansion(folder, file);
        var (files, summary) = Write(folder, study, file.Spec, file.Flags, runs, dataRoot, Console.Error);
        var statuses = runs.Select(r => (r.Id, files.Status(r.Id))).ToList();
        try
        {
            var outcome = Norms.Reports.StudyReportWriter.Write(folder, study.Name, summary, statuses, dataRoot);
            return $"{outcome.MarkdownPath}, {outcome.HtmlPath} ({outcome.Charts} chart files in {Path.Combine(outcome.Folder, Norms.Reports.StudyChartModels.Folder)})";
        }
        catch (Norms.Reports.ReportException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>The study in <paramref name="folder"/> as its study.json's spec expands now, under the recorded flags: the
    /// same ids `study run` made (with halving, the rungs the results so far have reached). Not study.json's list of runs,
    /// which is as the last `study run` or `study report` wrote it.</summary>
    public static (StudySpec Spec, IReadOnlyList<StudyRun> Runs) Expansion(string folder, StudyFile file)
    {
        var (study, _) = Parse(file.Spec.ToJsonString(), Path.Combine(folder, StudyFile.FileName));
        return (study, ExpandIn(study, file.Flags, folder));
    }

    public static IReadOnlyList<StudyRun> Expand(StudySpec spec, StudyFlags flags)
    {
        var expansion = StudyGrid.Expand(spec, flags);
        if (!expansion.IsValid)
            throw new UserError($"study {spec.Name}: " + string.Join("; ", expansion.Errors.Take(5)) + (expansion.Errors.Count > 5 ? $"; and {expansion.Errors.Count - 5} more" : ""));
        return expansion.Runs;
    }

    /// <summary>The runs of the study in <paramref name="folder"/>: the grid's, or with halving the rungs its results have
    /// reached (<see cref="SuccessiveHalving"/>); every problem is a <see cref="UserError"/>.</summary>
    public static IReadOnlyList<StudyRun> ExpandIn(StudySpec spec, StudyFlags flags, string folder) =>
        spec.Halving.Count == 0 ? Expand(spec, flags) : HalvingPlan(spec, flags, folder).Runs;

    /// <summary>How a run ended, for halving: its final validation accuracy when completed, none when diverged or failed,
    /// null while it has not ended.</summary>
    private static RunOutcome? Outcome(RunFiles files, string id) => files.Status(id) switch
    {
        "completed" => new RunOutcome(files.Readable.GetValueOrDefault(id)?.Epochs.LastOrDefault()?.ValAcc),
        "diverged" or "failed" => new RunOutcome(null),
        _ => null,
    };

    public static HalvingPlan HalvingPlan(StudySpec spec, StudyFlags flags, string folder)
    {
        if (flags.Epochs is not null)
            throw new UserError($"study {spec.Name} sets each rung's epochs (\"halving\"); leave out --epochs and --quick (for a smoke run, --limit-train and --limit-test)");
        var runsFolder = Path.Combine(folder, "runs");
        var ids = Directory.Exists(runsFolder) ? Directory.EnumerateDirectories(runsFolder).Select(d => Path.GetFileName(d)!).ToList() : [];
        var files = RunFiles.Read(folder, ids);
        try
        {
            var plan = SuccessiveHalving.Plan(spec, flags, spec.Halving, id => Outcome(files, id));
            if (plan.Runs.FirstOrDefault(r => r.Spec.Validation == 0) is not null)
                throw new UserError($"study {spec.Name} picks each rung's best cells by validation accuracy; hold back a validation slice, e.g. \"overrides\": {{ \"validation\": 5000 }}");
            return plan;
        }
        catch (ArgumentException e)
        {
            throw new UserError($"study {spec.Name}: {e.Message}");
        }
    }

    /// <summary>What a halving study's dry run cannot list yet: the rungs after those reached, which wait for results.</summary>
    public static string LaterRungs(StudySpec spec, HalvingPlan plan)
    {
        var rungs = plan.Choices.Count + 1; // rung 0, and one more for each choice made (the last rung's pick reaches past the end)
        var later = spec.Halving.Skip(rungs).Select(r => $"{r.Keep} cell(s) × {r.Seeds} seed(s) × {r.Epochs} epoch(s)").ToList();
        return later.Count == 0
            ? $"study {spec.Name}: all {spec.Halving.Count} rungs listed"
            : $"study {spec.Name}: rung(s) {rungs + 1} to {spec.Halving.Count} follow once the runs above have ended, picked by validation accuracy: {string.Join(", then ", later)}";
    }

    /// <summary>Trains the study's missing and unfinished runs (of <paramref name="shard"/>, the whole study by default);
    /// with halving, rung after rung until the last or a run that stops; returns the exit code as `run` gives it.</summary>
    /// <param name="jobs">Runs at once; null: <see cref="AutoJobs"/> chooses for each round's runs.</param>
    public static int Run(StudySpec spec, JsonObject specJson, StudyFlags flags, TrainingRequest request, TextWriter output, int? jobs = 1,
        StudyShard? shard = null)
    {
        var folder = Path.Combine(request.OutDir, spec.Name);
        if (spec.Halving.Count == 0) return Round(spec, specJson, flags, request, output, jobs, shard, Expand(spec, flags), folder);
        if (shard is not null)
            throw new UserError($"study {spec.Name} is a halving study: each rung waits for the whole previous one, so it is not sharded; leave out --shard/--shards");
        var (reached, printed, worst) = (-1, 0, 0);
        while (true)
        {
            var plan = HalvingPlan(spec, flags, folder);
            foreach (var choice in plan.Choices.Skip(printed))
                output.Write(Kept(spec, choice));
            printed = plan.Choices.Count;
            if (plan.Runs.Count == reached) return worst; // nothing new: the last rung is done, or a run of this one stopped
            reached = plan.Runs.Count;
            // A diverged or failed run has ended for halving (it ranks last); a stop signal or a mistake ends the study.
            var exit = Round(spec, specJson, flags, request, output, jobs, null, plan.Runs, folder, skipDiverged: true);
            if (exit is not (0 or ExperimentRunner.FailedExit or ExperimentRunner.DivergedExit)) return exit;
            worst = Math.Max(worst, exit);
        }
    }

    /// <summary>What a rung kept, a line for the rung and one for each kept cell, best first, labelled as the study
    /// report labels cells, with its mean validation accuracy ("none" for a cell whose runs diverged or failed); the last
    /// rung lists all its cells, the pick first.</summary>
    internal static string Kept(StudySpec spec, RungChoice choice)
    {
        var text = new System.Text.StringBuilder(choice.Last
            ? $"study {spec.Name}: rung {choice.Rung} of {spec.Halving.Count}, the last, ranks its {choice.Ranked.Count} cell(s) by validation accuracy; the first is the study's pick:\n"
            : $"study {spec.Name}: rung {choice.Rung + 1} of {spec.Halving.Count} keeps {choice.Kept} of {choice.Ranked.Count} cell(s) by validation accuracy:\n");
        foreach (var (cell, acc, place) in choice.Ranked.Take(choice.Last ? choice.Ranked.Count : choice.Kept).Select((c, i) => (c.Cell, c.MeanValAcc, i + 1)))
        {
            var accuracy = acc is { } v ? v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %" : "none";
            text.Append($"  {place}. {accuracy}  {Norms.Reports.StudyChartModels.Label(AxisJson.Axes(cell))}\n");
        }
        return text.ToString();
    }

    /// <summary>The runs of these that `study run` trains: all but the completed, and with halving
    /// (<paramref name="skipDiverged"/>) the diverged too, which have ended for their rung.</summary>
    internal static List<StudyRun> ToTrain(IEnumerable<StudyRun> runs, RunFiles files, bool skipDiverged) =>
        [.. runs.Where(r => files.Status(r.Id) is var s && s != "completed" && !(skipDiverged && s == "diverged"))];

    /// <summary>"8 cell(s) × 3 seed(s)" for a grid; where cells have different numbers of seeds (halving's rungs so far,
    /// rung 0 at one seed and the last at three) it says so rather than print a product that is not the run count.</summary>
    internal static string Shape(IReadOnlyList<StudyRun> runs)
    {
        var perCell = runs.GroupBy(r => r.CellKey).Select(g => g.Count()).ToList();
        return perCell.Distinct().Count() <= 1
            ? $"{perCell.Count} cell(s) × {(perCell.Count == 0 ? 0 : perCell[0])} seed(s)"
            : $"{perCell.Count} cell(s), {perCell.Min()} to {perCell.Max()} seed(s) each";
    }

    private static int Round(StudySpec spec, JsonObject specJson, StudyFlags flags, TrainingRequest request, TextWriter output, int? jobsAsked,
        StudyShard? shard, IReadOnlyList<StudyRun> runs, string folder, bool skipDiverged = false)
    {
        var (before, _) = StudyFileLock.Holding(folder, () =>
        {
            Claim(folder, spec, specJson);
            return WriteUnlocked(folder, spec, specJson, flags, runs);
        }, Console.Error);
        output.WriteLine($"study {spec.Name}: {runs.Count} run(s) ({Shape(runs)}) in {folder}");
        var mine = Mine(runs, shard);
        if (shard is { } s) output.WriteLine($"study {spec.Name}: shard {s}: {mine.Count} of the {runs.Count} run(s)");
        // A completed run is left as it is (its files untouched); the others start or resume from their checkpoint.
        // The flags are in each run's spec already (and in its id), so the request carries none of them.
        // Halving does not train a diverged run again: it is a function of its spec and seed, and would diverge again.
        var todo = ToTrain(StudySchedule.Order(mine, spec.Seeds), before, skipDiverged);
        if (todo.Count < mine.Count) output.WriteLine($"study {spec.Name}: {SkippedWords(mine.Select(r => before.Status(r.Id)).ToList(), skipDiverged)} skipped");
        var runRequest = request with { OutDir = Path.Combine(folder, "runs"), Epochs = null, BatchSize = null, Dataset = null, Resume = true };
        var jobs = jobsAsked ?? AutoJobs(todo, request);
        if (jobs > 1) output.WriteLine($"study {spec.Name}: {jobs} runs at once, {Math.Max(1, request.Threads / jobs)} thread(s) each" +
            (jobsAsked is null ? " (--jobs auto: most of these runs cannot split their batches between replica threads; --jobs 1 trains them one after another)" : ""));
        // A few measured steps of each kind of epoch, so the ETA is in seconds from the start (a second or two a kind).
        var calibration = todo.Count == 0 ? null : StudyEstimate.PerEpoch(StudyEstimate.Of(todo, request, jobs, TextWriter.Null).Runs);
        var progress = new StudyProgress(spec.Name, [.. todo.Select(r => (r.Spec, r.Spec.Epochs - (before.Readable.GetValueOrDefault(r.Id)?.Epochs.Count ?? 0)))],
            System.Diagnostics.Stopwatch.StartNew(), jobs, calibration);
        if (todo.Count > 0) output.WriteLine(progress.Status());
        var planned = todo.ToDictionary(r => r.Id, r => before.Status(r.Id));
        var (_, exit) = todo.Count == 0 ? (null, 0)
            : ExperimentRunner.RunAll([.. todo.Select(r => r.Spec)], runRequest, output, jobs: jobs, study: progress,
                settled: run => SettledMeanwhile(folder, run.Name, planned.GetValueOrDefault(run.Name)));
        if (todo.Count > 0) output.WriteLine(progress.Status());
        Write(folder, spec, specJson, flags, runs);
        return exit;
    }

    /// <summary>What a round leaves untrained, in words: its completed runs, and with halving its diverged ones (which
    /// would diverge again), counted apart so that a diverged run is never called completed.</summary>
    internal static string SkippedWords(IReadOnlyList<string?> statuses, bool skipDiverged)
    {
        var completed = statuses.Count(s => s == "completed");
        var diverged = skipDiverged ? statuses.Count(s => s == "diverged") : 0;
        return diverged == 0 ? $"{completed} completed run(s)"
            : completed == 0 ? $"{diverged} diverged run(s)"
            : $"{completed} completed and {diverged} diverged run(s)";
    }

    /// <summary>--jobs auto for <paramref name="runs"/> (<see cref="JobsRule"/>) at the request's threads and engine switches.</summary>
    public static int AutoJobs(IReadOnlyList<StudyRun> runs, TrainingRequest request) =>
        JobsRule.Choose([.. runs.Select(r => r.Spec)], request.Engine);

    /// <summary>The runs of <paramref name="shard"/> (all of them without one), in expansion order.</summary>
    public static IReadOnlyList<StudyRun> Mine(IReadOnlyList<StudyRun> runs, StudyShard? shard) =>
        shard is { } s ? [.. runs.Where(r => s.Owns(r.Id))] : runs;

    /// <summary>Why a run this worker has just claimed needs no training: another worker completed it since this one made
    /// its plan, or it diverged there (training it again would diverge the same way: a run is a function of its spec and
    /// seed). Null to train it.</summary>
    private static string? SettledMeanwhile(string folder, string id, string? plannedStatus)
    {
        var now = RunFiles.Read(folder, [id]).Status(id);
        return now == "completed" ? "was completed by another worker"
            : now == "diverged" && plannedStatus != "diverged" ? "diverged in another worker"
            : null;
    }

    /// <summary>Refuses a folder that holds another study (a different spec, seeds aside), with the way out.</summary>
    private static void Claim(string folder, StudySpec spec, JsonObject specJson)
    {
        var file = Path.Combine(folder, StudyFile.FileName);
        if (!File.Exists(file)) return;
        var existing = StudyFileJson.Deserialize(File.ReadAllText(file))
            ?? throw new UserError($"{file} is not a study file this version reads; move the folder away or use another --out");
        if (!StudyFileJson.SameStudy(existing.Spec, specJson))
            throw new UserError($"{folder} holds study '{existing.Name}' with another spec; use another --out, or change only \"seeds\" to add runs to it");
    }

    /// <summary>study.json with each run's status as its result.json says, and the statistics of those results; returns
    /// what it read and computed, so callers need not read the run folders again.</summary>
    /// <param name="dataRoot">Where the test labels for McNemar's view are read (<see cref="StudyEvidence"/>); null leaves it out.</param>
    public static (RunFiles Files, StudySummary Summary) Write(string folder, StudySpec spec, JsonObject specJson, StudyFlags flags, IReadOnlyList<StudyRun> runs,
        string? dataRoot = null, TextWriter? notes = null) =>
        StudyFileLock.Holding(folder, () => WriteUnlocked(folder, spec, specJson, flags, runs, dataRoot, notes), Console.Error);

    /// <summary><see cref="Write"/> for a caller that holds study.lock.</summary>
    private static (RunFiles Files, StudySummary Summary) WriteUnlocked(string folder, StudySpec spec, JsonObject specJson, StudyFlags flags,
        IReadOnlyList<StudyRun> runs, string? dataRoot = null, TextWriter? notes = null)
    {
        var files = RunFiles.Read(folder, runs.Select(r => r.Id));
        var entries = runs.Select(r => StudyFileJson.Entry(r, files.Status(r.Id))).ToList();
        var evidence = TestPredictions.None;
        if (dataRoot is not null)
        {
            (evidence, var why) = StudyEvidence.Read(folder, runs, files.Readable, flags, dataRoot);
            foreach (var note in why) notes?.WriteLine($"note: {note}");
        }
        var summary = StudyStatistics.Summarize(runs, files.Readable, spec.Targets, evidence);
        // The runs listed are every rung reached, so their files are all the choices need.
        if (spec.Halving.Count > 0) summary = summary with { Rungs = SuccessiveHalving.Plan(spec, flags, spec.Halving, id => Outcome(files, id)).Choices };
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, StudyFile.FileName), StudyFileJson.Serialize(new StudyFile(StudyFile.CurrentSchema, spec.Name,
            specJson, flags, entries, StudySummaryJson.Cells(summary), StudySummaryJson.Comparisons(summary), StudySummaryJson.EvaluationModes(summary),
            StudySummaryJson.Rungs(summary))));
        return (files, summary);
    }

    /// <summary>The study folder DIR names: a folder with study.json, or an --out holding exactly one study.</summary>
    public static string Folder(string dir)
    {
        if (File.Exists(Path.Combine(dir, StudyFile.FileName))) return dir;
        if (!Directory.Exists(dir)) throw new UserError($"{dir} does not exist; pass the study folder (<out>/<study>) that `study run` wrote");
        var studies = Directory.EnumerateDirectories(dir).Where(d => File.Exists(Path.Combine(d, StudyFile.FileName))).ToArray();
        return studies.Length switch
        {
            1 => studies[0],
            0 => throw new UserError($"no study in {dir} (no study.json in it or one level below); run one with `study run SPEC --out {dir}`"),
            _ => throw new UserError($"{dir} holds {studies.Length} studies ({string.Join(", ", studies.Select(Path.GetFileName))}); name one, e.g. {studies[0]}"),
        };
    }

    public static StudyFile Load(string folder)
    {
        var file = Path.Combine(folder, StudyFile.FileName);
        return StudyFileJson.Deserialize(File.ReadAllText(file))
            ?? throw new UserError($"{file} is not a study file this version reads; rerun `study run` to rewrite it");
    }
}
