using Norms.Models;
using Norms.Data;
using Norms.Reports;
using Norms.Training;
using Norms.Results;
using Norms.Torch;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Snapshot.Tests.Report;

/// <summary>
/// A tiny real run, then its report: mnist-bn for 1 epoch on the first 384 training and 256 test images of real MNIST
/// (NORMS_DATA), seed 1, 1 libtorch thread, so it takes a few seconds and is deterministic on one machine.
/// What is rounded so float noise cannot break the snapshot: accuracies to 1 decimal and losses to 2
/// (<see cref="ReportNumbers.Coarse"/>); wall-clock seconds are zeroed before rendering (they differ on every run).
/// Without NORMS_DATA the test passes after saying so, except under CI=true, where it fails.
/// </summary>
public sealed class EndToEndReportTests(ITestOutputHelper output)
{
    [Fact]
    public void Report_of_a_tiny_real_run()
    {
        if (global::Norms.Tests.Prerequisite.DataRoot(output, "a folder with mnist/", global::Norms.Tests.Prerequisite.HasMnist) is not { } root) return;
        var full = DatasetLoader.Load(new DatasetSource.Mnist(), root, downloader: null);
        var data = full with { Train = full.Train.Slice(0, 384), Test = full.Test.Slice(0, 256) };
        var dir = Directory.CreateTempSubdirectory("norms-report-e2e-").FullName;
        try
        {
            var spec = BuiltInExperiments.Find("mnist-bn")! with { Epochs = 1 };
            // The process's provenance is fixed here (the real one changes with every commit and machine); the engine
            // switches are the run's own.
            var machine = new Provenance("0123456789ab", "1.13.0", ".NET 10.0.0", "run mnist-bn --epochs 1 --threads 1", "a test CPU", "AVX2");
            Trainer.Run(spec, data, new RunFolder(Path.Combine(dir, spec.Name)), new TrainingSettings(EngineOptions.Cpu, Provenance: machine))
                .Status.ShouldBe(RunStatus.Completed);

            // The real files, through the same entry point `all` and `report` use.
            var outcome = ReportWriter.Write(dir, root);
            File.Exists(Path.Combine(dir, "mnist-bn", "misclassified.png")).ShouldBeTrue();
            outcome.Notes.ShouldBeEmpty();

            var runs = ReportWriter.LoadResults(dir).Select(r => r with { TotalSeconds = 0, Epochs = [.. r.Epochs.Select(e => e with { Seconds = 0 })] }).ToArray();
            var model = ReportBuilder.Build(runs, new Dictionary<string, ImageSet> { ["mnist"] = full.Test }, numbers: ReportNumbers.Coarse);
            ReportMarkdown.Render(model).ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("mnist-bn-1-epoch").WithFileExtension("md"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
