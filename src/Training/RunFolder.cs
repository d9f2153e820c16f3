using System.Globalization;
using System.Text;
using Norms.Data;
using Norms.Torch.Nn;
using Norms.Torch.Optim;
using Norms.Results;

namespace Norms.Training;

/// <summary>
/// One experiment's folder, &lt;out&gt;/&lt;name&gt;/: result.json and metrics.csv (rewritten atomically after every epoch),
/// predictions.bin (the last completed epoch's predicted class of every test image, one byte each, in test-set order: what
/// McNemar's test compares between two runs), checkpoint.nta (<see cref="Checkpoint"/>) and run.lock (<see cref="RunLock"/>: the worker training into it, with a heartbeat).
/// </summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string ResultFile => System.IO.Path.Combine(Path, "result.json");
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.csv");
    public string CheckpointFile => System.IO.Path.Combine(Path, "checkpoint.nta");
    public string LockFile => System.IO.Path.Combine(Path, "run.lock");
    public string PredictionsFile => System.IO.Path.Combine(Path, PredictionsFileName);
    public const string PredictionsFileName = "predictions.bin";

    /// <summary>The test set's predicted classes (<see cref="EvaluationResult.Predictions"/>), written whole.</summary>
    public void WritePredictions(byte[] predictions)
    {
        Directory.CreateDirectory(Path);
        AtomicFile.WriteAllBytes(PredictionsFile, predictions);
    }

    public void WriteResult(RunResult result)
    {
        Directory.CreateDirectory(Path);
        WriteAtomically(ResultFile, RunResultJson.Serialize(result));
        WriteAtomically(MetricsFile, MetricsCsv(result.Epochs, validation: result.ValidationSamples is > 0));
    }

    /// <summary>One row per epoch, invariant culture, fixed precision. With <paramref name="validation"/> (a run holding back a
    /// validation slice), val_loss and val_acc close each row; without, the columns are those of runs before validation existed.</summary>
    public static string MetricsCsv(IEnumerable<EpochRecord> epochs, bool validation = false)
    {
        var text = new StringBuilder("epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds,train_seconds");
        text.Append(validation ? ",val_loss,val_acc\n" : "\n");
        foreach (var e in epochs)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.TrainLoss:F6},{e.TrainAcc:F3},{e.TestLoss:F6},{e.TestAcc:F3},{e.Lr:0.000000E+00},{e.Seconds:F2},{e.TrainSeconds:F2}");
            if (validation)
                text.Append(CultureInfo.InvariantCulture, $",{e.ValLoss:F6},{e.ValAcc:F3}");
            text.Append('\n');
        }
        return text.ToString();
    }

    public void SaveCheckpoint(Module model, Optimizer optimizer, CheckpointInfo info)
    {
        Directory.CreateDirectory(Path);
        new Checkpoint(CheckpointFile).Save(model, optimizer, info);
    }

    /// <inheritdoc cref="Checkpoint.ReadInfo"/>
    public CheckpointInfo? ReadCheckpointInfo() => new Checkpoint(CheckpointFile).ReadInfo();

    /// <inheritdoc cref="Checkpoint.Load"/>
    public CheckpointInfo LoadCheckpoint(Module model, Optimizer optimizer) => new Checkpoint(CheckpointFile).Load(model, optimizer);

    /// <summary>Temporary files left by a process killed mid-write (result.json.PID.RANDOM.tmp and the like): never read,
    /// removed once this process holds the lock.</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(Path)) return;
        foreach (var name in new[] { "result.json", "metrics.csv", "checkpoint.nta", PredictionsFileName })
            foreach (var file in AtomicFile.LeftoversOf(Path, name))
                try { File.Delete(file); } catch (IOException) { }
    }

    /// <summary>Claims the folder for this process (<see cref="RunLock.TryTake"/>); dispose the returned handle to release it.</summary>
    public IDisposable? TryLock(out LockOwner? owner, TimeProvider? clock = null)
    {
        Directory.CreateDirectory(Path);
        return RunLock.TryTake(LockFile, out owner, clock);
    }

    /// <summary>Writes a text file of the folder whole (<see cref="AtomicFile"/>): readers see the old or the new file, never half of one.</summary>
    public static void WriteAtomically(string file, string text) => AtomicFile.WriteAllText(file, text);
}
