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
        Assert.Equal(2, (int)result["provenance"]!["engine"]!["distributed"]!["ranks"]!);
        Assert.True((bool)result["provenance"]!["engine"]!["distributed"]!["sync_batch_norm"]!);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(outDir, "mnist-bn", "metrics.csv")).Length);
        Assert.False(File.Exists(Path.Combine(outDir, "mnist-bn", "run.lock")));
        Assert.Single(job.Out, l => l.Contains("completed")); // only rank 0 speaks on stdout
    }

    /// <summary>Rank 1 killed with SIGKILL in epoch 2: rank 0 stops at its next collective with one line (Gloo sees the
    /// connection close; the bound is --dist-timeout 20 s), and launch exits with the worst code, the kill's 137. The same
    /// launch with --resume then continues every rank from epoch 1's checkpoint and completes the run.</summary>
    [Fact]
    public void A_killed_rank_stops_the_job_with_one_line_within_the_timeout()
    {
        if (RealMnist.OrSkip(output) is null) return;
        using var job = CliProcess.Start(["launch", "--nproc", "2", "--", .. Run4Epochs, "--out", outDir]);
        Assert.True(job.WaitForLine(l => l.Contains("epoch 1/4")), "epoch 1 did not complete within a minute");
        var rank1 = Rank1Of(job);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var kill = System.Diagnostics.Process.Start("kill", $"-KILL {rank1}")) kill.WaitForExit();
        var code = job.WaitForExit(60);
        output.WriteLine($"stopped {clock.Elapsed.TotalSeconds:F1} s after the kill\n" + string.Join('\n', job.Out.Concat(job.Err)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 20 + 10);
        Assert.Equal(137, code);
        // Usually after epoch 1; a test host slow to read the epoch-1 line may kill the rank in epoch 3 instead.
        var failed = Assert.Single(job.Err, l => l.StartsWith("error: mnist-bn failed after "));
        var completed = int.Parse(failed["error: mnist-bn failed after ".Length..].Split(' ')[0]);
        Assert.InRange(completed, 1, 3);
        Assert.Contains(job.Err, l => l.StartsWith("launch: rank 1 exited with 137"));
        ResumeCompletes(Run4Epochs, epochsBefore: completed);
    }

    private static readonly string[] Run4Epochs = ["run", "mnist-bn", "--limit-train", "4096", "--limit-test", "100", "--epochs", "4", "--no-progress", "--dist-timeout", "20"];

    /// <summary>SIGTERM to one rank (rank 1, as a scheduler preempting one node would) stops the whole job at the same step
    /// as interrupted: the stop travels in the step's collective, rank 0 writes result.json "interrupted" with epoch 1
    /// kept, and launch --resume completes the run.</summary>
    [Fact]
    public void Sigterm_to_one_rank_stops_the_job_as_interrupted_and_resume_completes_it()
    {
        if (RealMnist.OrSkip(output) is null) return;
        using var job = CliProcess.Start(["launch", "--nproc", "2", "--", .. Run4Epochs, "--out", outDir]);
        Assert.True(job.WaitForLine(l => l.Contains("epoch 1/4")), "epoch 1 did not complete within a minute");
        var rank1 = Rank1Of(job);
        using (var term = System.Diagnostics.Process.Start("kill", $"-TERM {rank1}")) term.WaitForExit();
        var code = job.WaitForExit(60);
        output.WriteLine(string.Join('\n', job.Out.Concat(job.Err)));
        Assert.NotEqual(0, code);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "mnist-bn", "result.json")))!;
        Assert.Equal("interrupted", (string?)result["status"]);
        var kept = result["epochs"]!.AsArray().Count;
        Assert.InRange(kept, 1, 3);
        ResumeCompletes(Run4Epochs, epochsBefore: kept);
    }

    private void ResumeCompletes(string[] run, int epochsBefore)
    {
        using var resumed = CliProcess.Run(["launch", "--nproc", "2", "--", .. run, "--out", outDir, "--resume"]);
        output.WriteLine(string.Join('\n', resumed.Out.Concat(resumed.Err)));
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains(resumed.Out.Concat(resumed.Err), l => l.Contains($"resuming after epoch {epochsBefore} of 4"));
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "mnist-bn", "result.json")))!;
        Assert.Equal("completed", (string?)result["status"]);
        Assert.Equal([1, 2, 3, 4], result["epochs"]!.AsArray().Select(e => (int)e!["epoch"]!));
    }

    /// <summary>The pid of the rank-1 process launch <paramref name="job"/> started.</summary>
    private static int Rank1Of(CliProcess job) =>
        Directory.GetDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
            .Select(int.Parse).Single(pid => IsRank1Of(pid, job.Id));

    private static bool IsRank1Of(int pid, int parent)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            return ppid == parent && File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains("RANK=1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false; // gone, or not ours
        }
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
