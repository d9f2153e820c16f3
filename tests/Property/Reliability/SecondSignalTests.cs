using System.Diagnostics;
using Norms.Training;
using Norms.Results;
using Norms.Property.Tests.Data;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Reliability;

/// <summary>
/// A second signal while a run is stopping ends the process at once, with 128 + that signal's number, and leaves only whole
/// files behind. Each epoch here is a single step of 1,024 images (about a second on one thread on the 2-core host): a first
/// signal sent during epoch 2 has to wait for that step (then the test pass and the checkpoint) before the run can stop,
/// and the second signal, sent as soon as the first is acknowledged, lands inside that wait. Had the second one been
/// ignored, the run would go on to finish epoch 2 and complete (exit 0).
/// </summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class SecondSignalTests(ITestOutputHelper log) : IDisposable
{
    private const string Name = "mnist-bn";
    private const int Epochs = 2;
    private const int Images = 1024;
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("TERM", 143)]
    public void A_second_signal_during_the_stop_ends_the_process_at_once_and_leaves_whole_files(string signal, int exit) =>
        EndsAtOnce(signal, exit);

    [SighupDeliverableFact]
    public void A_second_sighup_during_the_stop_ends_the_process_at_once_and_leaves_whole_files() => EndsAtOnce("HUP", 129);

    [SigintDeliverableFact]
    public void A_second_sigint_during_the_stop_ends_the_process_at_once_and_leaves_whole_files() => EndsAtOnce("INT", 130);

    private void EndsAtOnce(string signal, int exit)
    {
        var data = SyntheticData.WriteIdxFolder(Path.Combine(temp.Path, "data"), Images, 64);
        var outDir = Path.Combine(temp.Path, "out");
        string[] Args(bool resume) =>
        [
            "run", Name, "--dataset", "idx:" + data, "--out", outDir, "--epochs", Epochs.ToString(), "--batch-size", Images.ToString(),
            "--threads", "1", "--seed", "5", "--no-progress", .. resume ? new[] { "--resume" } : [],
        ];
        var folder = new RunFolder(Path.Combine(outDir, Name));
        using (var run = CliProcess.Start(Args(resume: false)))
        {
            Assert.True(run.WaitForLine(l => l.Contains($"epoch 1/{Epochs}")), "the run never finished epoch 1:\n" + string.Join('\n', run.Err));
            // The run checks for a stop request right after printing that line, before epoch 2's step starts: be well
            // past that check, and early in the step (a second or so here).
            Thread.Sleep(100);
            var clock = Stopwatch.StartNew();
            run.Signal(signal);
            var sent = clock.ElapsedMilliseconds;
            Assert.True(run.WaitForErrorLine(l => l.Contains("stopping after the current step")),
                $"the first signal, sent after {sent} ms, was not acknowledged within {clock.ElapsedMilliseconds} ms:\n" + string.Join('\n', run.Out.Concat(run.Err)));
            var acknowledged = clock.ElapsedMilliseconds;
            run.Signal(signal);
            var code = run.WaitForExit();
            log.WriteLine($"first {signal} sent after {sent} ms, acknowledged after {acknowledged} ms, exit {code} after {clock.ElapsedMilliseconds} ms");
            Assert.Equal(exit, code);
            Assert.Contains(run.Err, l => l.Contains("again: stopped at once"));
        }
        // Whole files of the last completed epoch: result.json parses and still says running (the clean stop never got to
        // write "interrupted"), metrics.csv has whole rows, and the checkpoint (checksummed, read in full) loads.
        var result = RunResultJson.Deserialize(File.ReadAllText(folder.ResultFile));
        Assert.Equal(RunStatus.Running, result.Status);
        MetricsFileCheck.IsWhole(folder.MetricsFile);
        var saved = folder.ReadCheckpointInfo()!.Epoch;
        Assert.InRange(saved, 1, Epochs);
        Assert.InRange(result.Epochs.Count, 1, saved); // result.json is written after the checkpoint

        using var resumed = CliProcess.Run(Args(resume: true));
        Assert.True(resumed.ExitCode == 0, string.Join('\n', resumed.Err));
        Assert.Contains(resumed.Out, l => l.Contains($"resuming after epoch {saved}"));
        var final = RunResultJson.Deserialize(File.ReadAllText(folder.ResultFile));
        Assert.Equal(RunStatus.Completed, final.Status);
        Assert.Equal(Epochs, final.Epochs.Count);
    }
}
