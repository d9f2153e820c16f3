using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Norms.Torch;
using Norms.Torch.Nn;
using Norms.Torch.Optim;
using Norms.Torch.Serialization;
using Norms.Results;
using Norms.Data;

namespace Norms.Training;

/// <summary>What a checkpoint's metadata says besides the tensors: the epochs done, the scheduler's step and the result so far.</summary>
public sealed record CheckpointInfo(int Epoch, long SchedulerStep, RunResult Result);

/// <summary>
/// One experiment's folder, &lt;out&gt;/&lt;name&gt;/: result.json and metrics.csv (rewritten atomically after every epoch),
/// checkpoint.nta (model state and optimizer state; metadata = <see cref="CheckpointInfo"/>) and
/// run.lock (the PID of the process training into it).
/// </summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string ResultFile => System.IO.Path.Combine(Path, "result.json");
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.csv");
    public string CheckpointFile => System.IO.Path.Combine(Path, "checkpoint.nta");
    public string LockFile => System.IO.Path.Combine(Path, "run.lock");

    public void WriteResult(RunResult result)
    {
        Directory.CreateDirectory(Path);
        WriteAtomically(ResultFile, RunResultJson.Serialize(result));
        WriteAtomically(MetricsFile, MetricsCsv(result.Epochs));
    }

    /// <summary>One row per epoch, invariant culture, fixed precision.</summary>
    public static string MetricsCsv(IEnumerable<EpochRecord> epochs)
    {
        var text = new StringBuilder("epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds,train_seconds\n");
        foreach (var e in epochs)
            text.Append(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.TrainLoss:F6},{e.TrainAcc:F3},{e.TestLoss:F6},{e.TestAcc:F3},{e.Lr:0.000000E+00},{e.Seconds:F2},{e.TrainSeconds:F2}\n");
        return text.ToString();
    }

    public void SaveCheckpoint(Module model, Optimizer optimizer, CheckpointInfo info)
    {
        Directory.CreateDirectory(Path);
        // No generator state: every random draw of a run is a pure function of its seed and position (data order,
        // augmentation, dropout), so the model, the optimizer and the step count are all a resume needs.
        var entries = model.StateDict().Select(e => ("model." + e.Name, e.Tensor))
            .Concat(optimizer.StateTensors().Select(e => ("optimizer." + e.Name, e.Tensor)));
        var metadata = JsonSerializer.Serialize(info, RunResultJson.Options);
        AtomicFile.Write(CheckpointFile, stream => TensorArchive.Write(stream, entries, metadata));
    }

    /// <summary>Reads the checkpoint's metadata only (the tensors are loaded and disposed); null when there is no checkpoint.
    /// Anything malformed, including metadata that parses but lacks what a resume needs, is a <see cref="TensorArchiveException"/>.</summary>
    public CheckpointInfo? ReadCheckpointInfo()
    {
        if (!File.Exists(CheckpointFile)) return null;
        var (tensors, metadata) = ReadArchive();
        foreach (var t in tensors.Values) t.Dispose();
        return ParseInfo(metadata);
    }

    /// <summary>Restores model and optimizer state from the checkpoint; returns its metadata. A checkpoint that does not
    /// fit the model (missing, extra or reshaped tensors) is a <see cref="TensorArchiveException"/>. (An "rng" entry of
    /// checkpoints written before runs stopped using libtorch's generator is ignored.)</summary>
    public CheckpointInfo LoadCheckpoint(Module model, Optimizer optimizer)
    {
        var (tensors, metadata) = ReadArchive();
        try
        {
            var info = ParseInfo(metadata);
            model.LoadStateDict(Part(tensors, "model."));
            optimizer.LoadState(Part(tensors, "optimizer."));
            return info;
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or TorchException)
        {
            throw new TensorArchiveException($"{CheckpointFile} does not fit this experiment's model ({FirstLine(e.Message)})");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private (Dictionary<string, Tensor> Tensors, string Metadata) ReadArchive()
    {
        using var stream = File.OpenRead(CheckpointFile);
        return TensorArchive.Read(stream);
    }

    /// <summary>The metadata, checked for what a resume relies on (System.Text.Json leaves missing fields null).</summary>
    private CheckpointInfo ParseInfo(string metadata)
    {
        CheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<CheckpointInfo>(metadata, RunResultJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new TensorArchiveException($"{CheckpointFile} has unreadable metadata ({FirstLine(e.Message)})");
        }
        var problem = info switch
        {
            null => "no metadata",
            { Result: null } => "no result in its metadata",
            { Result.Epochs: null } or { Result.Spec: null } or { Result.Confusion: null } or { Result.Misclassified: null } =>
                "an incomplete result in its metadata",
            { Epoch: < 0 } or { SchedulerStep: < 0 } => "a negative epoch or scheduler step",
            _ when info.Result.Epochs.Count != info.Epoch || info.Result.Epochs.Any(e => e is null) =>
                $"metadata for epoch {info.Epoch} but {info.Result.Epochs.Count} epoch records",
            _ => null,
        };
        return problem is null ? info! : throw new TensorArchiveException($"{CheckpointFile} has {problem}");
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>Temporary files left by a process killed mid-write (result.json.PID.RANDOM.tmp and the like): never read, removed
    /// once this process holds the lock.</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(Path)) return;
        foreach (var name in new[] { "result.json", "metrics.csv", "checkpoint.nta" })
            foreach (var file in AtomicFile.LeftoversOf(Path, name))
                try { File.Delete(file); } catch (IOException) { }
    }

    private static Dictionary<string, Tensor> Part(Dictionary<string, Tensor> all, string prefix) =>
        all.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[prefix.Length..], e => e.Value);

    /// <summary>
    /// Claims the folder for this process: fails (returns the other PID) when run.lock names a live process other than
    /// this one; a lock left by a dead process is stale and taken over. The lock file is created with CreateNew, so of
    /// two processes starting at once exactly one wins. Dispose the returned handle to release it.
    /// </summary>
    public IDisposable? TryLock(out int otherPid)
    {
        Directory.CreateDirectory(Path);
        otherPid = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var stream = new FileStream(LockFile, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    try
                    {
                        stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
                        stream.Flush(flushToDisk: true);
                    }
                    catch (IOException e)
                    {
                        // Created but not written (a full disk): leave no empty lock behind, and report the real cause.
                        try { stream.Dispose(); } catch (IOException) { }
                        try { File.Delete(LockFile); } catch (IOException) { }
                        throw new LockWriteException(e);
                    }
                }
                return new Release(LockFile);
            }
            catch (LockWriteException e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
            }
            catch (IOException) when (File.Exists(LockFile))
            {
                var owner = ReadLockOwner();
                if (owner == Environment.ProcessId) return new Release(LockFile);
                if (owner is { } pid && IsAlive(pid))
                {
                    otherPid = pid;
                    return null;
                }
                // Stale (its process is gone) or half-written by a process that died: remove it and try again.
                try { File.Delete(LockFile); } catch (IOException) { }
            }
        }
        otherPid = ReadLockOwner() ?? 0;
        return null;
    }

    /// <summary>The lock file could be created but not written: a disk problem, not another process.</summary>
    private sealed class LockWriteException(IOException inner) : Exception(inner.Message, inner);

    private int? ReadLockOwner()
    {
        try
        {
            return int.TryParse(File.ReadAllText(LockFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid)
    {
        if (IsZombie(pid)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A killed process whose parent has not reaped it yet still has a PID (state Z in /proc): it trains nothing,
    /// so its lock is stale. Where /proc does not exist this says false and the PID check alone decides.</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed class Release(string file) : IDisposable
    {
        public void Dispose()
        {
            try { File.Delete(file); } catch (IOException) { /* the lock is stale once this process is gone */ }
        }
    }

    /// <summary>Writes a text file of the folder whole (<see cref="AtomicFile"/>): readers see the old or the new file, never half of one.</summary>
    public static void WriteAtomically(string file, string text) => AtomicFile.WriteAllText(file, text);
}
