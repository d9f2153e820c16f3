using System.Globalization;

namespace Norms.Studies;

/// <summary>
/// `--shards N`: this worker's index as the batch system gives it, read from the environment passed in (the caller
/// reads the real one). A Slurm job array gives SLURM_ARRAY_TASK_ID, counted from SLURM_ARRAY_TASK_MIN (an array may
/// start at 1; MIN is 0 when absent), and SLURM_ARRAY_TASK_COUNT, which must then be N (else some shards would have no
/// worker, or two workers one shard). A Kubernetes indexed Job gives JOB_COMPLETION_INDEX, 0..completions-1.
/// When both are set, Slurm's are read.
/// </summary>
public static class ShardEnvironment
{
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID";
    public const string SlurmTaskMin = "SLURM_ARRAY_TASK_MIN";
    public const string SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT";
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";

    public static (StudyShard? Shard, string? Problem) Read(int count, IReadOnlyDictionary<string, string?> environment)
    {
        string? Get(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var n = count.ToString(CultureInfo.InvariantCulture);
        if (count < 1 || count > StudyShard.MaxCount)
            return (null, $"--shards takes the number of workers, 1 to {StudyShard.MaxCount.ToString(CultureInfo.InvariantCulture)}, not {n}; e.g. --shards 4");

        if (Get(SlurmTaskId) is { } id)
        {
            if (!Number(id, out var task)) return (null, $"--shards: {SlurmTaskId} is '{id}', not a whole number; run under `sbatch --array=0-{count - 1}`, or pass --shard I/{n}");
            var min = 0L;
            if (Get(SlurmTaskMin) is { } minText && !Number(minText, out min))
                return (null, $"--shards: {SlurmTaskMin} is '{minText}', not a whole number; run under `sbatch --array=0-{count - 1}`, or pass --shard I/{n}");
            if (Get(SlurmTaskCount) is { } countText && (!Number(countText, out var tasks) || tasks != count))
                return (null, $"--shards {n}: the Slurm array has {SlurmTaskCount}={countText} tasks; use --shards {countText} or `sbatch --array=0-{count - 1}`");
            return StudyShard.Checked(task - min, count, $"--shards {n} ({SlurmTaskId}={id}, {SlurmTaskMin}={min.ToString(CultureInfo.InvariantCulture)})");
        }
        if (Get(KubernetesIndex) is { } index)
        {
            if (!Number(index, out var i)) return (null, $"--shards: {KubernetesIndex} is '{index}', not a whole number; run as an indexed Job (completionMode: Indexed), or pass --shard I/{n}");
            return StudyShard.Checked(i, count, $"--shards {n} ({KubernetesIndex}={index})");
        }
        return (null, $"--shards {n} reads this worker's index from {SlurmTaskId} (a Slurm job array) or {KubernetesIndex} (a Kubernetes indexed Job), and neither is set; run under one of them, or pass --shard I/{n}");
    }

    private static bool Number(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && text.Length <= 9;
}
