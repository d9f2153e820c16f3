using Norms.Data;
using Norms.Training;
using Norms.Results;
using Norms.Models;
using Norms.Torch.Serialization;

namespace Norms.Experiments.Cli;

/// <summary>The edge between the CLI and <see cref="Trainer"/>: checks the experiments, loads data, claims the run folder,
/// turns SIGINT, SIGTERM and SIGHUP into an interrupted run and data, folder and resume problems into <see cref="UserError"/>s.
/// What the console shows of a run is <see cref="RunProgress"/>'s; the closing table is <see cref="Reports.ReportTable.Text"/>.</summary>
public static class ExperimentRunner
{
    /// <summary>Exit codes besides 0: 2 when a run failed through a mistake the user can fix (its folder in use, an
    /// unreadable checkpoint, missing data, a full disk), 1 when one failed otherwise (an engine error, memory), 3 when one
    /// diverged; the first of these that applies. An interrupted run exits with 128 + the signal's number
    /// (<see cref="StopSignals.ExitCode"/>) and stops the rest.</summary>
    public const int MistakeExit = 2;
    public const int FailedExit = 1;
    public const int DivergedExit = 3;

    /// <summary>Runs the experiments in order; returns their results and the exit code (0 when all completed). Every
    /// experiment is checked before the first one trains; a run that fails prints one line and the next one starts.</summary>
    /// <param name="datasets">Where loaded datasets are kept by name, so a caller can reuse them (the report's test
    /// images in `all`); a fresh one when null.</param>
    /// <param name="settled">For workers sharing an --out (`study run`): asked once a run's folder is claimed, why the run
    /// needs no training any more (another worker finished it meanwhile), or null to train it. With it, a run whose folder
    /// another worker holds is skipped with one line, not failed; its result is left out of the results.</param>
    public static (IReadOnlyList<RunResult> Results, int ExitCode) RunAll(IReadOnlyList<ExperimentSpec> specs, TrainingRequest request,
        TextWriter output, CancellationToken cancellation = default, Dictionary<string, Dataset>? datasets = null,
        int jobs = 1, StudyProgress? study = null, Func<ExperimentSpec, string?>? settled = null)
    {
        var checkedSpecs = specs.Select(s => Checked(request.Apply(s))).ToArray();
        using var signals = new StopSignals(cancellation);
        var mistakes = 0;
        datasets ??= [];
        var unloadable = new Dictionary<string, string>();

        RunResult? RunPlanned(ExperimentSpec planned, TrainingRequest runRequest, bool lines)
        {
            RunResult? result;
            try
            {
                Dataset data;
                lock (datasets) data = Limit(Data(planned.Source!, runRequest, datasets, unloadable), runRequest);
                if (ExperimentSpecValidation.ValidationLeavesNoTraining(planned.Validation, data.Train.Count) is { } noTraining)
                    throw new UserError($"{planned.Name}: {noTraining}");
                if (ExperimentSpecValidation.PreciseBnExceedsTraining(planned.PreciseBn, data.Train.Count - planned.Validation) is { } tooMany)
                    throw new UserError($"{planned.Name}: {tooMany}");
                result = RunOne(WholeSetAtMost(planned, data, Console.Error), data, runRequest, output, signals.Token, study, lines, settled);
            }
            catch (UserError e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                if (runRequest.Debug) Console.Error.WriteLine(e);
                Interlocked.Increment(ref mistakes);
                result = RunResult.FailedBeforeStart(planned, e.Message);
            }
            catch (RunFailedException e)
            {
                Console.Error.WriteLine($"error: {planned.Name} failed after {e.Result.Epochs.Count} completed epoch(s): {e.Result.Message}");
                if (runRequest.Debug) Console.Error.WriteLine(e.InnerException);
                result = e.Result;
            }
            study?.RunFinished();
            return result;
        }

        var results = jobs <= 1 || checkedSpecs.Length <= 1
            ? Sequential(checkedSpecs, spec => RunPlanned(spec, request, lines: false))
            : Parallel(checkedSpecs, jobs, ForEachJob(request, jobs), RunPlanned, signals.Token);
        if (results.Any(r => r.Status == RunStatus.Interrupted)) return (results, signals.ExitCode);
        var exit = mistakes > 0 ? MistakeExit
            : results.Any(r => r.Status == RunStatus.Failed) ? FailedExit
            : results.Any(r => r.Status == RunStatus.Diverged) ? DivergedExit : 0;
        return (results, exit);
    }

    /// <summary>The request each of <paramref name="jobs"/> concurrent runs gets: the threads split between them (at least one each).</summary>
    internal static TrainingRequest ForEachJob(TrainingRequest request, int jobs) =>
        request with { Engine = request.Engine with { Threads = Math.Max(1, request.Threads / jobs) } };

    /// <summary>The runs one after another; a skipped run (null) has no result.</summary>
    private static List<RunResult> Sequential(IEnumerable<ExperimentSpec> specs, Func<ExperimentSpec, RunResult?> run)
    {
        var results = new List<RunResult>();
        foreach (var spec in specs)
        {
            if (run(spec) is not { } result) continue;
            results.Add(result);
            if (result.Status == RunStatus.Interrupted) break; // a stop signal stops the rest
        }
        return results;
    }

    /// <summary>
    /// <paramref name="jobs"/> worker threads take the runs in order, each training one at a time with its share of the
    /// threads (the intra-op count is per thread, <see cref="Norms.Torch.IntraOpThreads"/>). Progress is printed as lines,
    /// since several runs' bars cannot share one terminal line. A stop signal interrupts the runs in flight and starts no
    /// more. The results come back in the runs' order, whatever order they finished in.
    /// </summary>
    private static List<RunResult> Parallel(ExperimentSpec[] specs, int jobs, TrainingRequest perJob,
        Func<ExperimentSpec, TrainingRequest, bool, RunResult?> run, CancellationToken stop)
    {
        var slots = new RunResult?[specs.Length];
        var next = -1;
        Exception? crash = null;
        var workers = Enumerable.Range(0, Math.Min(jobs, specs.Length)).Select(_ => new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested && Volatile.Read(ref crash) is null)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= specs.Length) return;
                    slots[i] = run(specs[i], perJob, true);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref crash, e, null);
            }
        }) { IsBackground = true, Name = "study job" }).ToList();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        if (crash is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(crash);
        return slots.OfType<RunResult>().ToList();
    }

    /// <summary>The experiment validated (every error on one line, a <see cref="UserError"/>), its dataset canonical.</summary>
    private static ExperimentSpec Checked(ExperimentSpec spec)
    {
        var errors = ExperimentSpecValidation.Validate(spec);
        if (errors.Count > 0)
            throw new UserError($"{RunNameShown(spec)}: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")));
        return spec with { Dataset = spec.Source!.ToString() };
    }

    private static string RunNameShown(ExperimentSpec spec) => RunName.Problem(spec.Name) is null ? spec.Name : "the experiment";

    /// <summary>A batch larger than the training set becomes one batch of the whole set, as PyTorch's DataLoader gives
    /// (and no buffer is sized for images that do not exist).</summary>
    internal static ExperimentSpec WholeSetAtMost(ExperimentSpec spec, Dataset data, TextWriter notes)
    {
        var training = data.Train.Count - spec.Validation; // what is left to train on once the validation slice is held back
        if (spec.BatchSize <= training || training <= 0) return spec;
        notes.WriteLine($"note: {spec.Name}: batch size {spec.BatchSize} is more than the {training} training images; using one batch of {training}");
        return spec with { BatchSize = training };
    }

    private static Dataset Data(DatasetSource source, TrainingRequest request, Dictionary<string, Dataset> datasets, Dictionary<string, string> unloadable)
    {
        var name = source.ToString();
        if (datasets.TryGetValue(name, out var data)) return data;
        if (unloadable.TryGetValue(name, out var why)) throw new UserError(why);
        try
        {
            datasets[name] = data = Load(source, request.DataRoot);
        }
        catch (UserError e)
        {
            unloadable[name] = e.Message; // the next experiment on it would fail the same way: say so without trying again
            throw;
        }
        // Reading leaves decompression buffers behind as garbage; hand them back to the OS now, so the
        // next dataset's load (CIFAR-10 after MNIST in `all`) does not stack on them (peak RSS).
        HeapCompaction.ReturnFreedMemory();
        return data;
    }

    private static RunResult? RunOne(ExperimentSpec spec, Dataset data, TrainingRequest request, TextWriter output, CancellationToken cancellation,
        StudyProgress? study, bool lines, Func<ExperimentSpec, string?>? settled)
    {
        var folder = new RunFolder(Path.Combine(request.OutDir, spec.Name));
        try
        {
            return RunLocked(spec, data, request, output, cancellation, folder, study, lines, settled);
        }
        catch (Exception e) when (Unwrapped(e) is var cause && cause is IOException or UnauthorizedAccessException && cause is not TensorArchiveException)
        {
            // Every file is written to a temporary name and renamed, so the previous result.json, metrics.csv and checkpoint stand.
            throw new UserError(Failure.IsDiskFull(cause)
                ? $"{folder.Path}: no space left on the device; free some space or use another --out, then run again with --resume (the files of the last completed epoch are intact)"
                : $"cannot write to {folder.Path} ({Failure.FirstLine(cause.Message)}); check the folder's permissions and free space, or use another --out");
        }
    }

    private static Exception Unwrapped(Exception e) => e is RunFailedException { InnerException: { } inner } ? inner : e;

    /// <summary>Claims the folder and trains; null when the run is skipped (<paramref name="settled"/>: another worker holds
    /// it, or finished it before this one claimed it).</summary>
    private static RunResult? RunLocked(ExperimentSpec spec, Dataset data, TrainingRequest request, TextWriter output, CancellationToken cancellation,
        RunFolder folder, StudyProgress? study, bool lines, Func<ExperimentSpec, string?>? settled)
    {
        // Of a distributed job's ranks only rank 0 writes the folder, so only it claims it.
        var writes = request.Distributed?.WritesFiles ?? true;
        LockOwner? other = null;
        using var claim = writes ? folder.TryLock(out other) : null;
        if (writes && claim is null)
        {
            if (settled is null)
                throw new UserError($"{folder.Path} is in use by {other?.Describe(DateTimeOffset.UtcNow) ?? "another process"} (another run of {spec.Name} into the same --out); wait for it to finish or use another --out");
            output.WriteLine($"run {spec.Name} is being trained by {(other is null ? "another worker" : $"{other.Host}:{other.Pid}")}; skipped");
            return null;
        }
        // The folder is ours now, but another worker may have finished the run between this one's plan and its claim.
        if (writes && settled?.Invoke(spec) is { } why)
        {
            output.WriteLine($"run {spec.Name} {why}; skipped");
            return null;
        }
        if (writes) folder.RemoveLeftovers();
        var settings = new TrainingSettings(request.Engine, request.Resume, request.Provenance, request.Distributed);
        RunResult result;
        try
        {
            result = RunProgress.Show(spec, data, request, output, observer => Trainer.Run(spec, data, folder, settings, observer, cancellation), study, lines);
        }
        catch (Exception e) when (e is ResumeMismatchException or UnshardableBatchException)
        {
            throw new UserError(e.Message);
        }
        catch (Exception e) when (e is TensorArchiveException or System.Text.Json.JsonException)
        {
            throw new UserError($"{folder.CheckpointFile} is unreadable ({e.Message}); delete it or leave out --resume to start over");
        }
        RunProgress.Finished(spec, result, folder, output);
        return result;
    }

    /// <summary>A dataset from <paramref name="dataRoot"/> (downloaded when missing); a data problem is a <see cref="UserError"/>.</summary>
    internal static Dataset Load(DatasetSource source, string dataRoot)
    {
        try
        {
            using var downloader = new Downloader();
            return DatasetLoader.Load(source, dataRoot, downloader);
        }
        catch (DataException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static Dataset Limit(Dataset data, TrainingRequest request) => data with
    {
        Train = request.LimitTrain is { } lt && lt < data.Train.Count ? data.Train.Slice(0, lt) : data.Train,
        Test = request.LimitTest is { } ls && ls < data.Test.Count ? data.Test.Slice(0, ls) : data.Test,
    };
}
