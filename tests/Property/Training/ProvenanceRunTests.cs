using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Norms.Experiments.Cli;
using Norms.Training;
using Norms.Results;
using Norms.Models;
using Norms.Torch;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Training;

/// <summary>A short real run (real MNIST, 512/256 images, one epoch, one thread) writes how it was made into result.json:
/// the process's part as the CLI gathers it, and the run's engine switches as the trainer met them.</summary>
[Collection(TrainingCollection.Name)]
public sealed class ProvenanceRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string outDir = Directory.CreateTempSubdirectory("norms-provenance-").FullName;

    public void Dispose() => Directory.Delete(outDir, recursive: true);

    [Fact]
    public void A_short_real_run_writes_its_provenance_into_result_json_and_reads_it_back()
    {
        if (RealMnist.OrSkip(output) is not { } data) return;
        var spec = BuiltInExperiments.Find("mnist-bn")! with { Epochs = 1 };
        var gathered = ProvenanceProbe.Gather(["run", "mnist-bn", "--epochs", "1", "--out", "my results"]);
        var folder = new RunFolder(Path.Combine(outDir, spec.Name));
        Assert.Equal(RunStatus.Completed, Trainer.Run(spec, data, folder, new TrainingSettings(EngineOptions.Cpu, Provenance: gathered)).Status);

        var p = JsonNode.Parse(File.ReadAllText(folder.ResultFile))!["provenance"]!.AsObject();
        Assert.Equal(ProvenanceProbe.Commit(typeof(ProvenanceProbe).Assembly), (string?)p["commit"]);
        Assert.Matches(@"^([0-9a-f]{12}(-dirty)?|unknown)$", (string?)p["commit"]);
        Assert.Equal(LibTorch.LibtorchVersion, (string?)p["libtorch"]);
        Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)p["libtorch"]);
        Assert.Equal(RuntimeInformation.FrameworkDescription, (string?)p["dotnet"]);
        Assert.Equal("run mnist-bn --epochs 1 --out 'my results'", (string?)p["command_line"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)p["cpu"]));
        Assert.Contains((string?)p["vector_isa"], new[] { "AVX-512", "AVX2", "AVX", "SSE4.2", "SSE4.1", "SSE2", "AdvSIMD", "none" });

        // What the trainer decided for this model at one thread: read from the model the trainer compiles.
        using var model = ModelCompiler.Compile(spec.ToModelSpec(), EngineOptions.Cpu, spec.Seed);
        var engine = p["engine"]!.AsObject();
        Assert.Equal(EngineOptions.Cpu.FusedKernels, (bool)engine["fused_kernels"]!);
        Assert.True((bool)engine["data_parallel"]!); // one thread is split too, the replicas taking turns
        Assert.Equal(model.ChannelsLast ? "channels-last" : "channels-first", (string?)engine["memory_layout"]);
        Assert.Equal(1, (int)engine["threads"]!);
        Assert.Equal(Evaluation.BatchSizeFor(model.Analysis), (int)engine["evaluation_batch"]!);

        // The machine's peak as gathered, and the run's training speed against one core of it, both read back.
        Assert.Equal(gathered.Peak!.Gflops, (double)p["peak"]!["gflops"]!);
        Assert.InRange((double)p["training"]!["fraction_of_peak"]!, 1e-4, 1);
        var read = RunResultJson.Deserialize(File.ReadAllText(folder.ResultFile)).Provenance;
        Assert.NotNull(read!.Training);
        Assert.Equal(gathered with { Engine = read.Engine, Training = read.Training }, read);
    }
}
