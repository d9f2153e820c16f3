using System.Collections;
using System.CommandLine;
using Norms.Studies;

namespace Norms.Experiments.Cli;

/// <summary>`study run`'s --shard I/N and --shards N: which runs this worker takes. The rules are
/// <see cref="StudyShard"/>'s and <see cref="ShardEnvironment"/>'s; here the options and the process's environment are
/// read and a problem becomes a <see cref="UserError"/>.</summary>
internal sealed class ShardOptions
{
    private readonly Option<string?> shard = new("--shard")
    {
        Description = "Train only shard I of N (e.g. --shard 0/4): the runs whose id hashes to I. Workers with the other indices, on any machine, take the rest; all may share one --out.",
    };

    private readonly Option<int?> shards = new("--shards")
    {
        Description = "Train one shard of N, its index read from the batch system: SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) of a Slurm job array, or JOB_COMPLETION_INDEX of a Kubernetes indexed Job (docs/CLUSTER.md).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(shard);
        command.Options.Add(shards);
    }

    /// <summary>The shard asked for, or null for the whole study.</summary>
    public StudyShard? Read(ParseResult parse) => Resolve(parse.GetValue(shard), parse.GetValue(shards), Environment());

    internal static StudyShard? Resolve(string? shard, int? shards, IReadOnlyDictionary<string, string?> environment)
    {
        if (shard is not null && shards is not null)
            throw new UserError($"give --shard I/N or --shards N, not both: --shard names this worker's index, --shards reads it from the batch system");
        var (resolved, problem) = shard is not null ? StudyShard.Parse(shard)
            : shards is { } count ? ShardEnvironment.Read(count, environment)
            : (null, null);
        if (problem is not null) throw new UserError(problem);
        return resolved;
    }

    private static Dictionary<string, string?> Environment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables()) variables[(string)e.Key] = e.Value as string;
        return variables;
    }
}
