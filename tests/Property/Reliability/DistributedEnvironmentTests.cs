using Norms.Experiments.Cli;

namespace Norms.Property.Tests.Reliability;

/// <summary>The job's coordinates from the environment: torchrun's variables, or launch's FileStore in place of
/// MASTER_PORT; a missing piece is one user error naming the fix.</summary>
public sealed class DistributedEnvironmentTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    private static readonly (string, string)[] Torchrun = [("RANK", "1"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "1"), ("MASTER_ADDR", "127.0.0.1")];

    [Fact]
    public void Torchruns_variables_meet_at_rank_0s_tcp_store()
    {
        var e = DistributedEnvironment.Read(Env([.. Torchrun, ("MASTER_PORT", "29500")]));
        Assert.Equal((1, 2, 29500, (string?)null), (e.Rank, e.WorldSize, e.MasterPort, e.StoreFile));
        Assert.Equal("127.0.0.1:29500", e.Meeting);
    }

    [Fact]
    public void Launchs_store_file_needs_no_port()
    {
        var e = DistributedEnvironment.Read(Env([.. Torchrun, (DistributedEnvironment.StoreFileVariable, "/tmp/x/store")]));
        Assert.Equal("/tmp/x/store", e.StoreFile);
        Assert.Equal("/tmp/x/store", e.Meeting);
        Assert.Equal("127.0.0.1", e.BindAddress);
    }

    [Fact]
    public void Without_either_the_port_is_named_in_one_line()
    {
        var error = Assert.Throws<UserError>(() => DistributedEnvironment.Read(Env(Torchrun)));
        Assert.StartsWith("--distributed: MASTER_PORT is not set;", error.Message);
    }
}
