using System.Text.Json.Nodes;
using Norms.Reports;
using Norms.Results;

namespace Norms.Property.Tests.Recording;

/// <summary>A run that was one rank of a job across processes says so in result.json and in the report's engine table;
/// a single-process run's file has no such field (files read as before).</summary>
public sealed class DistributedProvenanceTests
{
    private static RunResult Run(EngineSwitches engine) =>
        new("mnist-bn", "mnist", "mnist8k", "bn", 0, 0, 7946, 1, "cpu", 1, 512, 256, true, RunStatus.Completed, null,
            [], 98.5, 0.05, 97.0, 1, [], [], 1, new JsonObject(), Provenance.Unrecorded with { Engine = engine });

    private static readonly EngineSwitches Single = new(true, false, "channels-last", 2, 334);

    [Fact]
    public void A_single_process_run_writes_no_distributed_field_and_a_job_writes_its_ranks_and_sync_bn()
    {
        var single = JsonNode.Parse(RunResultJson.Serialize(Run(Single)))!["provenance"]!["engine"]!.AsObject();
        Assert.False(single.ContainsKey("distributed"));
        var job = Run(Single with { Distributed = new DistributedSwitches(4, false) });
        var written = JsonNode.Parse(RunResultJson.Serialize(job))!["provenance"]!["engine"]!["distributed"]!;
        Assert.Equal(4, (int)written["ranks"]!);
        Assert.False((bool)written["sync_batch_norm"]!);
        Assert.Equal(job.Provenance, RunResultJson.Deserialize(RunResultJson.Serialize(job)).Provenance);
    }

    [Fact]
    public void The_engine_table_reads_ranks_and_sync_bn_in_the_data_parallel_cell()
    {
        var rows = ReportProvenance.Tables([Run(Single with { Distributed = new DistributedSwitches(2, true) })]).Engine;
        Assert.Contains("2 ranks, sync-bn on", rows.Single().Cells);
        Assert.Contains("off", ReportProvenance.Tables([Run(Single)]).Engine.Single().Cells);
    }
}
