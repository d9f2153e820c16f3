using System.Diagnostics;
using System.Text.Json.Nodes;
using Norms.Data;
using Norms.Models;
using Norms.Torch;
using Norms.Torch.Optim;
using Norms.Results;

namespace Norms.Training;

/// <summary>How a run goes: the engine options (device, threads, kernels, data parallelism, layout) and whether to continue
/// from the checkpoint. <see cref="Provenance"/> is the process's (build, versions, command line, CPU), gathered by the
/// caller; the run adds its engine switches. <see cref="Distributed"/>: this run is one rank of a data-parallel job across
/// processes (null: the whole run here).</summary>
public sealed record TrainingSettings(EngineOptions Engine, bool Resume = false, Provenance? Provenance = null, DistributedTraining? Distributed = null)
{
    public Device Device => Engine.Device;
    public int Threads => Engine.Threads;
}

/// <summary>
/// Trains one experiment: seeded model and optimizer, each epoch's order and augmentation derived from (seed, epoch)
/// (so a resumed run sees the same data as an uninterrupted one), the next batch built on a worker thread while the
/// engine runs the current step, one dispose scope per step, a test pass (and, with spec validation, a pass over the held-back
/// slice, <see cref="ValidationSlice"/>) after every epoch, then result.json, metrics.csv and the checkpoint rewritten. A non-finite loss stops the run as diverged;
/// cancellation stops it as interrupted; both keep the history of the completed epochs.
/// As one rank of a job across processes (<see cref="TrainingSettings.Distributed"/>): rank 0's weights are broadcast,
/// each step trains this rank's shard of the global batch and sums the gradients over the ranks
/// (<see cref="GradientSync"/>), the ranks share every evaluation pass, and only rank 0 writes files.
/// </summary>
public static class Trainer
{
    public static RunResult Run(ExperimentSpec spec, Dataset data, RunFolder folder, TrainingSettings settings,
        ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        // What runs outside the replicas (an unsplit model, PreciseBN's pass, the optimizer) runs on one replica's threads;
        // one rank of a job across processes has no replicas and its share of the threads.
        using var threads = IntraOpThreads.OnThisThread(settings.Distributed is null ? DataParallel.UnsplitThreads(settings.Engine) : settings.Threads);
        // The validation slice is held back from the training set as given (after --limit-train); the stats stay the whole set's.
        var (train, validation) = ValidationSlice.Apply(data.Train, spec.Seed, spec.Validation);
        var test = data.Test;
        var augmentation = TrainingAugmentation.For(spec, data.Name);
        var stepsPerEpoch = BatchOrder.StepsPerEpoch(train.Count, spec.BatchSize);
        if (stepsPerEpoch == 0) throw new ArgumentException("the training set is empty");
        if (ExperimentSpecValidation.PreciseBnExceedsTraining(spec.PreciseBn, train.Count) is { } tooMany) throw new ArgumentException(tooMany);

        using var model = ModelCompiler.Compile(spec.ToModelSpec(), settings.Engine, spec.Seed);
        using var optimizer = OptimizerFactory.Create(spec, model.Parameters());
        var distributed = settings.Distributed;
        if (distributed is not null && GlobalBatchShards.Problem(train.Count, spec.BatchSize, distributed.WorldSize) is { } unshardable)
            throw new UnshardableBatchException(unshardable);
        // One process is one replica of a distributed job: its threads run the model whole.
        using var replicas = distributed is null ? DataParallel.TryCreate(model) : null;
        using var meeting = distributed is { SyncBatchNorm: true } ? distributed.Group.ReplicaGroup() : null;
        var writes = distributed?.WritesFiles ?? true;
        var parameters = model.Parameters().ToArray();
        var (schedule, perBatch) = OptimizerFactory.Schedule(spec, stepsPerEpoch);
        var weights = model.RegularizedWeights().ToArray();
        var evaluationBatch = Evaluation.BatchSizeFor(model.Analysis);
        var multAdds = model.Analysis.MultAddsPerSample; // the training speed's FLOP count (provenance.training)
        // A resumed run keeps this provenance, not the checkpoint's: result.json says which process wrote it.
        var provenance = (settings.Provenance ?? Provenance.Unrecorded) with
        {
            Engine = new EngineSwitches(settings.Engine.FusedKernels, replicas is not null, EngineSwitches.Layout(model.ChannelsLast), settings.Threads, evaluationBatch,
                distributed is null ? null : new DistributedSwitches(distributed.WorldSize, distributed.SyncBatchNorm),
                settings.Engine.FusedKernels && settings.Engine.DirectConvolutions),
        };
        var result = new RunResult(spec.Name, spec.Dataset, spec.Model.Name, spec.Norm.ShortName, spec.L1, spec.L2, model.ParameterCount(),
            spec.Seed, settings.Device.ToString(), settings.Threads, train.Count, test.Count, augmentation is not Augmentation.None,
            RunStatus.Running, null, [], null, null, null, null, [], [], 0, RunResult.SpecNode(spec), provenance, validation?.Count);

        long schedulerStep = 0;
        var firstEpoch = 1;
        if (settings.Resume && File.Exists(folder.CheckpointFile))
        {
            var saved = folder.ReadCheckpointInfo() ?? throw new ResumeMismatchException($"{folder.CheckpointFile} has no metadata");
            CheckResumable(saved.Result, result, folder);
            var info = folder.LoadCheckpoint(model, optimizer);
            schedulerStep = info.SchedulerStep;
            firstEpoch = info.Epoch + 1;
            result = result with
            {
                Epochs = info.Result.Epochs, Confusion = info.Result.Confusion, Misclassified = info.Result.Misclassified,
                TotalSeconds = info.Result.TotalSeconds,
            };
            observer?.Note($"{spec.Name}: resuming after epoch {info.Epoch} of {spec.Epochs}");
        }
        if (distributed is not null)
        {
            // Every rank resumes from the same checkpoint, or none does: the ranks must agree on where the schedule stands.
            if (!GradientSync.RanksAgree(distributed.Group, firstEpoch, schedulerStep))
                throw new ResumeMismatchException($"the ranks would start at different epochs (this one, rank {distributed.Rank}, at {firstEpoch}): they see different checkpoints in {folder.Path}; put --out on a folder every rank shares, or start over without --resume");
            // Every rank starts from rank 0's weights and statistics (built or resumed alike, they should already agree).
            GradientSync.BroadcastState(distributed.Group, model.StateDict().Select(s => s.Tensor));
        }
        var scheduler = new LrScheduler(optimizer, schedule, schedulerStep);
        result = result.WithBests();
        if (writes) folder.WriteResult(result with { Status = firstEpoch > spec.Epochs ? RunStatus.Completed : RunStatus.Running });

        var size = train.PixelsPerImage;
        var history = result.Epochs.ToList();
        try
        {
            for (var epoch = firstEpoch; epoch <= spec.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                observer?.EpochStarted(spec, epoch, stepsPerEpoch);
                var order = BatchOrder.Permutation(train.Count, spec.Seed, epoch);
                var dropoutStream = DropoutStreams.ForEpoch(spec.Seed, epoch);
                var epochNumber = epoch;
                using var batches = new BatchPrefetcher(stepsPerEpoch, spec.BatchSize, size, (step, pixels, labels) =>
                {
                    var n = Math.Min(spec.BatchSize, train.Count - step * spec.BatchSize);
                    BatchBuilder.Fill(train, order.AsSpan(step * spec.BatchSize, n), pixels.AsSpan(0, n * size), labels.AsSpan(0, n),
                        data.Stats, augmentation, augment: true, spec.Seed, epochNumber, step);
                    return n;
                });
                model.Train();
                double lossSum = 0;
                long correct = 0;
                var seen = 0;
                for (var step = 0; step < stepsPerEpoch; step++)
                {
                    RunResult Interrupted() => Finish(folder, result with { Epochs = history }, RunStatus.Interrupted,
                        $"interrupted during epoch {epochNumber}; run again with --resume to continue after epoch {epochNumber - 1}", writes, multAdds);
                    // A distributed job's ranks agree on stopping inside the step's collective, so they stop at the same step.
                    if (distributed is null && cancellation.IsCancellationRequested)
                        return Interrupted();
                    var (pixels, labels, n) = batches.Take(step);
                    double loss;
                    long hits;
                    using (LibTorch.NewDisposeScope())
                    {
                        var x = Tensor.FromSpan<float>(pixels.AsSpan(0, n * size), [n, train.Channels, train.Height, train.Width], settings.Device);
                        var y = Tensor.FromSpan<long>(labels.AsSpan(0, n), [n], settings.Device);
                        optimizer.ZeroGrad();
                        var position = new DropoutKey(dropoutStream, (long)step * spec.BatchSize);
                        if (distributed is null)
                            (loss, hits) = TrainingStep.Run(model, replicas, x, y, weights, spec.L1, position);
                        else
                        {
                            var (offset, count) = GlobalBatchShards.Of(n, distributed.Rank, distributed.WorldSize);
                            using var xs = x.Slice(0, offset, offset + count);
                            using var ys = y.Slice(0, offset, offset + count);
                            var (shardLoss, shardHits) = TrainingStep.RunShard(model, xs, ys, offset, n, distributed.Rank, meeting,
                                settings.Threads, weights, spec.L1, position);
                            var totals = GradientSync.Run(distributed.Group, parameters, shardLoss, shardHits, cancellation.IsCancellationRequested);
                            if (totals.Stop) return Interrupted();
                            (loss, hits) = (totals.Loss, totals.Hits);
                        }
                        RunResult Diverged(string what) => Finish(folder, result with { Epochs = history }, RunStatus.Diverged,
                            $"{what} at epoch {epochNumber}, step {step + 1}; lower the learning rate (max_lr) or the regularization", writes, multAdds);
                        if (!double.IsFinite(loss))
                            return Diverged($"the training loss became {loss}");
                        // The fused step checks every gradient before it changes anything (one read pass, no allocation).
                        if (!optimizer.Step())
                            return Diverged("a gradient became NaN or infinite");
                        if (perBatch) scheduler.Step();
                    }
                    lossSum += loss * n;
                    correct += hits;
                    seen += n;
                    observer?.StepCompleted(step + 1, lossSum / seen, 100.0 * correct / seen);
                }
                if (!perBatch) scheduler.Step();
                var trainSeconds = clock.Elapsed.TotalSeconds;
                // A job's ranks share every evaluation pass (DDP's sharded evaluation, reduced), all with rank 0's running
                // statistics (DDP broadcasts its buffers; with synchronized batch norm they are every rank's already).
                var shards = distributed?.Group;
                if (shards is not null) GradientSync.BroadcastState(shards, model.NamedBuffers().Select(b => b.Tensor));
                var evaluation = Evaluation.Run(model, test, data.Stats, settings.Device, replicas, evaluationBatch, shards);
                var held = validation is null ? null : Evaluation.Run(model, validation, data.Stats, settings.Device, replicas, evaluationBatch, shards);
                // After every epoch, so a study can read the gap's course; the model's own statistics come back unchanged.
                var precise = spec.PreciseBn > 0
                    ? PreciseBatchNorm.Evaluate(model, train, spec.PreciseBn, spec.BatchSize, test, data.Stats, settings.Device, evaluationBatch, shards)
                    : null;
                var record = new EpochRecord(epoch, lossSum / seen, 100.0 * correct / seen, evaluation.Loss, evaluation.Accuracy,
                    optimizer.LearningRate, clock.Elapsed.TotalSeconds, trainSeconds, held?.Loss, held?.Accuracy,
                    precise?.Precise.Loss, precise?.Precise.Accuracy, precise?.BatchStatistics.Loss, precise?.BatchStatistics.Accuracy);
                history.Add(record);
                result = (result with
                {
                    Epochs = history.ToArray(), Confusion = evaluation.Confusion, Misclassified = evaluation.Misclassified,
                    TotalSeconds = result.TotalSeconds + clock.Elapsed.TotalSeconds,
                }).WithBests();
                if (writes)
                {
                    // Predictions first: a run killed before its checkpoint retrains this epoch and writes the same bytes.
                    folder.WritePredictions(evaluation.Predictions);
                    folder.SaveCheckpoint(model, optimizer, new CheckpointInfo(epoch, scheduler.StepCount, result));
                    folder.WriteResult(result);
                }
                observer?.EpochCompleted(spec, record);
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or RunFailedException))
        {
            // Whatever stopped it (an engine error, memory, a file), the completed epochs stay recorded with the cause.
            var failed = (result with { Status = RunStatus.Failed, Message = Failure.Describe(e), Epochs = history.ToArray() }).WithBests();
            try
            {
                if (writes) folder.WriteResult(failed);
            }
            catch (Exception write) when (write is IOException or UnauthorizedAccessException)
            {
                // The folder refuses writes too (a full disk): the previous result.json stands, whole.
            }
            throw new RunFailedException(failed, e);
        }
        // The job ends together: no rank reports success before rank 0 has written the last epoch.
        distributed?.Group.Barrier();
        return Finish(folder, result, RunStatus.Completed, null, writes, multAdds);
    }

    private static RunResult Finish(RunFolder folder, RunResult result, RunStatus status, string? message, bool writes, long multAdds)
    {
        var final = (result with { Status = status, Message = message, Epochs = result.Epochs.ToArray(), Provenance = WithSpeed(result, multAdds) }).WithBests();
        if (writes) folder.WriteResult(final);
        return final;
    }

    /// <summary>The provenance with the training speed of the run's epochs: every epoch trained the run's images once, on
    /// its threads in each of its processes (a distributed job's ranks each trained a share, at the same time).</summary>
    private static Provenance? WithSpeed(RunResult result, long multAdds)
    {
        if (result.Provenance is not { } p) return null;
        var processes = p.Engine?.Distributed?.Ranks ?? 1;
        return p with
        {
            Training = TrainingSpeed.Of(multAdds, (long)result.TrainSamples * result.Epochs.Count, result.Epochs.Sum(e => e.TrainSeconds),
                result.Threads * processes, p.Peak),
        };
    }

    private static void CheckResumable(RunResult saved, RunResult current, RunFolder folder)
    {
        string? Difference()
        {
            if (!JsonNode.DeepEquals(saved.Spec, current.Spec)) return "the experiment's settings differ";
            if (saved.TrainSamples != current.TrainSamples || saved.TestSamples != current.TestSamples)
                return $"it used {saved.TrainSamples}/{saved.TestSamples} train/test images, this run {current.TrainSamples}/{current.TestSamples}";
            return null;
        }
        if (Difference() is { } why)
            throw new ResumeMismatchException(
                $"cannot resume {folder.Path}: {why}; use the same settings as the interrupted run, or leave out --resume to start over");
    }
}
