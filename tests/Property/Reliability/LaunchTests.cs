using System.Text.Json.Nodes;
using Norms.Property.Tests.Training;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Reliability;

/// <summary>`launch --nproc 2 -- run ...` as a user types it: two real processes over loopback, rank 0 writing the run's
/// files, the job ending by itself (256 train images, 4 steps: a few seconds).</summary>
public sealed class LaunchTests(ITestOutputHelper output) : IDisposable
{
    private readonly string outDir = Directory.CreateTempSubdirectory("norms-launch-").FullName;

    public void Dispose() => Directory.Delete(outDir, recursive: true);

    [Fact]
    public void Two_launched_ranks_complete_one_run_whose_files_rank_0_writes()
    {
        if (RealMnist.OrSkip(output) is null) return;
        using var job = CliProcess.Run("launch", "--nproc", "2", "--", "run", "mnist-bn", "--limit-train", "256", "--limit-test", "100",
            "--epochs", "1", "--out", outDir, "--no-progress", "--dist-timeout", "30");
        output.WriteLine(string.Join('\n', job.Out.Concat(job.Err)));
        Assert.Equal(0, job.ExitCode);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "mnist-bn", "result.json")))!;
        Assert.Equal("completed", (string?)result["status"]);
        Assert.Single(result["epochs"]!.AsArray());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(outDir, "mnist-bn", "metrics.csv")).Length);
        Assert.False(File.Exists(Path.Combine(outDir, "mnist-bn", "run.lock")));
        Assert.Single(job.Out, l => l.Contains("completed")); // only rank 0 speaks on stdout
    }

    [Fact]
    public void Launch_refuses_a_command_that_is_not_run_with_one_line()
    {
        using var job = CliProcess.Run("launch", "--nproc", "2", "--", "list");
        Assert.Equal(2, job.ExitCode);
        Assert.Contains(job.Err, l => l.StartsWith("error: launch starts `run` ranks"));
    }

    [Fact]
    public void Distributed_without_the_job_environment_is_a_user_error_naming_launch()
    {
        using var job = CliProcess.Run("run", "mnist-bn", "--distributed", "--out", outDir);
        Assert.Equal(2, job.ExitCode);
        Assert.Contains(job.Err, l => l.StartsWith("error: --distributed:") && l.Contains("launch --nproc"));
    }
}
