using System.Text.Json.Nodes;
using Norms.Models;
using Norms.Property.Tests.Export;
using Norms.Property.Tests.Norms;
using Norms.Property.Tests.Reliability;
using Norms.Studies;
using Norms.Torch;
using Norms.Training;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Models;

/// <summary>
/// A model with a ghost batch norm: its spec's JSON (absent when unset, so run ids stay), never split between replicas
/// (its running statistics are updated group by group in order) and so laid out as an unsplit model, its training steps
/// leave no tensor alive, and `run --spec` trains one on a slice of the real data and records ghost_batch.
/// </summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class GhostBatchModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly Data.DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static ModelSpec Mnist(int? k) => Architectures.Mnist8k(new BatchNorm(GhostBatch: k), dropout: 0);

    private const string Experiment = """
        {
          "name": "mnist-gbn",
          "dataset": "mnist",
          "model": "mnist8k",
          "norm": { "kind": "batch", "ghost_batch": 8 },
          "optimizer": { "kind": "sgd", "lr": 0.01, "momentum": 0.9 },
          "schedule": { "kind": "onecycle", "max_lr": 0.1 },
          "epochs": 1
        }
        """;

    [Fact]
    public void The_json_holds_ghost_batch_only_when_set_and_validates_it_at_the_norm()
    {
        var parsed = ExperimentSpecJson.Parse(Experiment);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Equal(new BatchNorm(GhostBatch: 8), parsed.Value!.Norm);
        var json = ExperimentSpecJson.Serialize(parsed.Value);
        Assert.Contains("\"ghost_batch\": 8", json, StringComparison.Ordinal);
        Assert.Equal(parsed.Value, ExperimentSpecJson.Parse(json).Value);
        var plain = ExperimentSpecJson.Serialize(parsed.Value with { Norm = new BatchNorm() });
        Assert.DoesNotContain("ghost", plain, StringComparison.Ordinal);
        var one = ExperimentSpecJson.Parse(Experiment.Replace("\"ghost_batch\": 8", "\"ghost_batch\": 1", StringComparison.Ordinal));
        Assert.Contains(one.Errors, e => e.Path == "$.norm" && e.Message.Contains("ghost_batch must be in [2, 1,000,000]", StringComparison.Ordinal)
            && e.Message.Contains("use e.g. 8", StringComparison.Ordinal));
        var fractional = ExperimentSpecJson.Parse(Experiment.Replace("\"ghost_batch\": 8", "\"ghost_batch\": 8.5", StringComparison.Ordinal));
        Assert.Contains(fractional.Errors, e => e.Path == "$.norm.ghost_batch" && e.Message.Contains("a whole number", StringComparison.Ordinal));
    }

    [Fact]
    public void A_study_axis_sets_it_and_each_size_is_its_own_run()
    {
        var study = StudySpecJson.Parse("""{ "name": "ghost", "base": "mnist-bn", "axes": { "norm.ghost_batch": [4, 8] }, "seeds": 1 }""");
        Assert.True(study.IsValid, string.Join("; ", study.Errors));
        var expansion = StudyGrid.Expand(study.Value!, StudyFlags.None);
        Assert.True(expansion.IsValid, string.Join("; ", expansion.Errors));
        Assert.Equal([new BatchNorm(GhostBatch: 4), new BatchNorm(GhostBatch: 8)], expansion.Runs.Select(r => r.Spec.Norm));
        var plain = expansion.Runs[0].Spec with { Norm = new BatchNorm() };
        Assert.Equal(3, new[] { expansion.Runs[0].Id, expansion.Runs[1].Id, RunIdentity.Id(plain, StudyFlags.None) }.Distinct().Count());
    }

    [Fact]
    public void Data_parallelism_never_splits_it_and_it_is_laid_out_as_an_unsplit_model()
    {
        var twoThreads = EngineOptions.Cpu with { Threads = 2 };
        Assert.True(DataParallel.Splits(twoThreads));
        using (var plain = ModelCompiler.Compile(Mnist(null), twoThreads, seed: 3))
        using (var replicas = DataParallel.TryCreate(plain))
        {
            Assert.NotNull(replicas);
            Assert.True(plain.ChannelsLast); // the data-parallel layout of an all-batch-norm model
        }
        using var ghost = ModelCompiler.Compile(Mnist(8), twoThreads, seed: 3);
        Assert.False(DataParallel.CanSplit(ghost));
        Assert.Null(DataParallel.TryCreate(ghost));
        using var oneThread = ModelCompiler.Compile(Mnist(8), EngineOptions.Cpu, seed: 3);
        Assert.Equal(oneThread.ChannelsLast, ghost.ChannelsLast); // the unsplit rule, by size: channels-first for mnist8k
        Assert.False(ghost.ChannelsLast);
    }

    [Fact]
    public void Training_steps_match_at_one_and_two_threads_and_leave_no_tensor_alive()
    {
        LibTorch.ManualSeed(11);
        using var x = Tensor.Randn([21, 1, 28, 28]);
        using var y = Tensor.RandInt(0, 10, [21]);
        float[][] Steps(EngineOptions engine)
        {
            using var model = ModelCompiler.Compile(Mnist(8), engine, seed: 3);
            var weights = model.RegularizedWeights().ToArray();
            using var replicas = DataParallel.TryCreate(model);
            var live = LibTorch.LiveTensors;
            for (var i = 0; i < 2; i++)
            {
                model.ZeroGrad();
                using (LibTorch.NewDisposeScope())
                    TrainingStep.Run(model, replicas, x, y, weights, 0, new DropoutKey(1, i * 21));
            }
            // Two steps of groups 8, 13 (a remainder of 5 is its own group: 8, 8, 5): three updates each.
            Assert.Equal(6, model.NamedBuffers().First(b => b.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Tensor.ToInt64());
            float[][] grads;
            using (LibTorch.NewDisposeScope()) // the gradients' handles are this test's
                grads = [.. model.Parameters().Select(p => p.Grad!.ToArray<float>())];
            model.ZeroGrad();
            Assert.Equal(live, LibTorch.LiveTensors);
            return grads;
        }
        var one = Steps(EngineOptions.Cpu);
        var two = Steps(EngineOptions.Cpu with { Threads = 2 });
        for (var i = 0; i < one.Length; i++)
            Approx.AllClose(one[i], two[i], 0, 0, $"gradient {i}"); // both unsplit, same layout, same thread: the same numbers
    }

    [Fact]
    public void Run_of_a_spec_with_ghost_batch_trains_and_records_it()
    {
        if (TinyRuns.DataRootOrSkip("mnist", output) is not { } root) return;
        var file = Path.Combine(temp.Path, "gbn.json");
        File.WriteAllText(file, Experiment);
        var outDir = Path.Combine(temp.Path, "out");
        var r = InProcessCli.Run("run", "--spec", file, "--limit-train", "256", "--limit-test", "64", "--epochs", "1",
            "--threads", "2", "--out", outDir, "--no-progress", "--data-dir", root);
        Assert.True(r.Exit == 0, r.Err);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "mnist-gbn", "result.json")))!;
        Assert.Equal(8, (int?)result["spec"]!["norm"]!["ghost_batch"]);
        Assert.Equal("completed", (string?)result["status"]);
        output.WriteLine(result["provenance"]?["engine"]?.ToJsonString() ?? "(no engine provenance)");
        Assert.False((bool?)result["provenance"]!["engine"]!["data_parallel"]);
    }
}
