using System.Diagnostics;
using Norms.Training;
using Norms.Models;
using Norms.Torch;
using Norms.Torch.Optim;
using TorchApi = Norms.Torch.Torch;

namespace Norms.Training.Bench;

/// <summary>What one bench run measured (one JSON line; names as the PyTorch reference's bench).</summary>
public sealed record BenchResult(
    string Engine, string Dataset, string Norm, long Params, int BatchSize, int Threads, int Steps, int Warmup,
    double MsPerStep, double CpuMsPerStep, bool Fused, bool ChannelsLast, bool DataParallel, long LiveTensorsBefore, long LiveTensorsAfter, long PeakRssKb);

/// <summary>
/// Times training steps exactly as pytorch_reference.py's bench does: synthetic randn inputs and randint
/// labels made once, train mode (dropout on), each step = zero_grad(set_to_none) + forward + NLL loss +
/// backward + SGD(lr 0.01, momentum 0.9). Warm-up steps are not timed. Every tensor a step creates is
/// disposed inside that step, so the live-handle count after the run equals the one before.
/// </summary>
public static class StepBenchmark
{
    public static BenchResult Run(string dataset, string normName, int batchSize, int steps, int warmup, int threads, ulong seed = 1,
        string? profilePath = null)
    {
        var modelName = dataset == "mnist" ? Architectures.Mnist8kName : Architectures.Cifar50kName;
        var norm = Architectures.NormFor(modelName, normName)
            ?? throw new ArgumentException($"unknown norm '{normName}'");
        var spec = Architectures.ByName(modelName, norm)!;
        TorchApi.Threads = threads;
        var liveBefore = TorchApi.LiveTensors;
        double ms, cpuMs;
        long parameters;
        bool channelsLast, dataParallel;
        TorchApi.ManualSeed(seed); // the bench's random batch only
        using (var model = ModelCompiler.Compile(spec, Device.Cpu, seed))
        using (var replicas = DataParallel.TryCreate(model, threads))
        using (var optimizer = new Norms.Torch.Optim.Sgd(model.Parameters(), learningRate: 0.01, momentum: 0.9))
        using (var x = Tensor.Randn([batchSize, spec.Input.Channels, spec.Input.Height, spec.Input.Width]))
        using (var y = Tensor.RandInt(0, spec.Classes, [batchSize]))
        {
            parameters = model.ParameterCount();
            channelsLast = model.ChannelsLast;
            dataParallel = replicas is not null;
            model.Train();
            for (var i = 0; i < warmup; i++)
                Step(model, replicas, optimizer, x, y, seed, i);
            // Wall clock, and the process's CPU time (all threads): the latter is steadier on a loaded machine.
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            using (profilePath is null ? null : TorchApi.Profile(profilePath))
                for (var i = 0; i < steps; i++)
                    Step(model, replicas, optimizer, x, y, seed, warmup + i);
            ms = clock.Elapsed.TotalMilliseconds / steps;
            process.Refresh();
            cpuMs = (process.TotalProcessorTime - cpu0).TotalMilliseconds / steps;
        }
        return new BenchResult($"norms libtorch {TorchApi.LibtorchVersion}", dataset, normName, parameters, batchSize, threads, steps, warmup,
            ms, cpuMs, FusedKernels.Enabled, channelsLast, dataParallel, liveBefore, TorchApi.LiveTensors, PeakRss.Kilobytes());
    }

    // Each step's dropout masks are those of step i of the run's first epoch, as the trainer keys them.
    private static void Step(CompiledModel model, DataParallel? replicas, Optimizer optimizer, Tensor x, Tensor y, ulong seed, int i)
    {
        optimizer.ZeroGrad(setToNone: true);
        TrainingStep.Backward(model, replicas, x, y, weights: [], l1: 0, new DropoutKey(DropoutStreams.ForEpoch(seed, 1), (long)i * x.Shape[0]));
        optimizer.Step();
    }
}
