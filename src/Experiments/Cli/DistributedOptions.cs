using System.CommandLine;
using System.Globalization;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>`run`'s flags for one rank of a job across processes: --distributed, --sync-bn, --dist-timeout.</summary>
internal sealed class DistributedOptions
{
    /// <summary>How long joining and each collective wait for the other ranks by default: far above a test pass that rank 0
    /// runs while the others wait (seconds on Cifar50k), short enough that a dead rank is noticed within minutes.</summary>
    public const int DefaultTimeoutSeconds = 300;

    private readonly Option<bool> distributed = new("--distributed") { Description = "Be one rank of a data-parallel job across processes (torchrun's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; `launch` sets them). Rank 0 writes the results." };
    private readonly Option<string> syncBn = new("--sync-bn") { Description = "With --distributed: on (default) = batch norm statistics over the global batch (SyncBatchNorm); off = each rank's own (DDP's default, ghost batch norm with k = the per-rank batch).", DefaultValueFactory = _ => "on" };
    private readonly Option<int> timeout = new("--dist-timeout") { Description = $"With --distributed: seconds to wait for the other ranks, joining and at each step (default {DefaultTimeoutSeconds}).", DefaultValueFactory = _ => DefaultTimeoutSeconds };

    public void AddTo(Command command)
    {
        command.Options.Add(distributed);
        command.Options.Add(syncBn);
        command.Options.Add(timeout);
    }

    /// <summary>The job this process is a rank of, or null without --distributed; every mistake is a <see cref="UserError"/>.</summary>
    public DistributedJob? Read(ParseResult parse, int experiments, Func<string, string?> variable)
    {
        var sync = parse.GetValue(syncBn)?.Trim().ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            var other => throw new UserError($"--sync-bn takes on or off, not '{other}'"),
        };
        var seconds = parse.GetValue(timeout);
        if (!parse.GetValue(distributed))
        {
            if (parse.GetResult(syncBn) is { Implicit: false } || parse.GetResult(timeout) is { Implicit: false })
                throw new UserError("--sync-bn and --dist-timeout only apply with --distributed; add it, or leave them out");
            return null;
        }
        if (seconds < 1) throw new UserError($"--dist-timeout must be >= 1 second, got {seconds.ToString(CultureInfo.InvariantCulture)}; e.g. --dist-timeout 300");
        if (experiments != 1) throw new UserError($"--distributed trains one experiment, not {experiments}; name one");
        if (!ProcessGroup.IsAvailable)
            throw new UserError("--distributed: this libtorch has no Gloo (c10d); install libgloo-dev and rebuild (dotnet build), or run without --distributed");
        return new DistributedJob(DistributedEnvironment.Read(variable), sync, TimeSpan.FromSeconds(seconds));
    }
}

/// <summary>What --distributed asks for: the job's coordinates, batch norm's synchronization, the wait bound.</summary>
internal sealed record DistributedJob(DistributedEnvironment Environment, bool SyncBatchNorm, TimeSpan Timeout)
{
    /// <summary>Joins the job's process group (rank 0 hosts the TCP store); a failure to meet is a <see cref="UserError"/>.</summary>
    public ProcessGroup Join()
    {
        var e = Environment;
        try
        {
            return e.StoreFile is { } file
                ? ProcessGroup.JoinFile(file, e.Rank, e.WorldSize, Timeout, e.BindAddress)
                : ProcessGroup.JoinTcp(e.MasterAddress, e.MasterPort, e.Rank, e.WorldSize, Timeout, e.BindAddress);
        }
        catch (TorchException ex)
        {
            throw new UserError($"rank {e.Rank} of {e.WorldSize} could not join the job at {e.Meeting} within {Timeout.TotalSeconds:0} s " +
                $"({Failure(ex.Message)}); check that every rank was started and that the port is free");
        }
        catch (TorchArgumentException ex)
        {
            throw new UserError($"rank {e.Rank} of {e.WorldSize} could not join the job at {e.Meeting} ({Failure(ex.Message)}); check that every rank was started and that the port is free");
        }
    }

    private static string Failure(string message) => message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? message;
}
