using System.Globalization;
using System.Net;

namespace Norms.Experiments.Cli;

/// <summary>
/// Where this process stands in a job across processes, as torchrun (or <see cref="LaunchVerb"/>) says it in the
/// environment: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE (optional: WORLD_SIZE), MASTER_ADDR, MASTER_PORT.
/// <see cref="StoreFile"/> (NORMS_STORE_FILE, which launch sets) meets through a c10d FileStore instead of rank 0's TCP
/// store: on one machine no port has to be chosen, so none can be taken by another program between choosing and binding.
/// Read here, at the edge, once; what trains gets the values.
/// </summary>
internal sealed record DistributedEnvironment(int Rank, int WorldSize, int LocalRank, int LocalWorldSize, string MasterAddress, int MasterPort,
    string? StoreFile = null)
{
    public const string StoreFileVariable = "NORMS_STORE_FILE";

    public const string Fix = "start it with `launch --nproc N -- run ...` or torchrun, which set RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT";

    /// <summary>The job's coordinates from <paramref name="variable"/> (Environment.GetEnvironmentVariable at the edge);
    /// every missing or bad value is a <see cref="UserError"/> naming the fix.</summary>
    public static DistributedEnvironment Read(Func<string, string?> variable)
    {
        int Number(string name, int min, int max, int? fallback = null)
        {
            var text = variable(name);
            if (string.IsNullOrWhiteSpace(text))
                return fallback ?? throw new UserError($"--distributed: {name} is not set; {Fix}");
            if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                throw new UserError($"--distributed: {name}={text} is not a whole number in {min}..{max}; {Fix}");
            return value;
        }
        var world = Number("WORLD_SIZE", 1, 4096);
        var rank = Number("RANK", 0, world - 1);
        var localWorld = Number("LOCAL_WORLD_SIZE", 1, world, fallback: world);
        var localRank = Number("LOCAL_RANK", 0, localWorld - 1);
        var address = variable("MASTER_ADDR")?.Trim();
        if (string.IsNullOrEmpty(address)) throw new UserError($"--distributed: MASTER_ADDR is not set; {Fix}");
        var storeFile = variable(StoreFileVariable)?.Trim();
        if (!string.IsNullOrEmpty(storeFile))
            return new DistributedEnvironment(rank, world, localRank, localWorld, address, 0, storeFile);
        return new DistributedEnvironment(rank, world, localRank, localWorld, address, Number("MASTER_PORT", 1, 65535));
    }

    /// <summary>Where the ranks meet, in words.</summary>
    public string Meeting => StoreFile is null ? $"{MasterAddress}:{MasterPort}" : StoreFile;

    /// <summary>Where Gloo's own connections listen: loopback when the master is (a job on this machine), else this host's
    /// name's address (null), as torch.distributed does.</summary>
    public string? BindAddress => IPAddress.TryParse(MasterAddress, out var ip) && IPAddress.IsLoopback(ip) || MasterAddress == "localhost"
        ? MasterAddress : null;
}
