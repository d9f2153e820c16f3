using System.Diagnostics;
using Norms.Training;
using Norms.Models;
using Norms.Torch;
using Norms.Torch.Optim;
using Norms.Results;

namespace Norms.Training.Bench;

/// <summary>What one bench run measured (one JSON line; names as the PyTorch reference's bench).</summary>
public sealed record BenchResult(
    string Engine, string Dataset, string Norm, long Params, int BatchSize, int Threads, int Steps, int Warmup,
    double MsPerStep, double CpuMsPerStep, bool Fused, bool ChannelsLast, bool DataParallel, long LiveTensorsBefore, long LiveTensorsAfter, long PeakRssKb,
    long MultAddsPerImage)
{
    /// <summary>The step's training speed against <paramref name="peak"/> (<see cref="TrainingSpeed"/>'s FLOP count).</summary>
    public TrainingSpeed? Speed(ComputePeak? peak) => TrainingSpeed.Of(MultAddsPerImage, BatchSize, MsPerStep / 1000, Threads, peak);
}

/// <summary>
/// Times training steps exactly as pytorch_reference.py's bench does: synthetic N(0, 1) inputs and uniform
/// labels made once, train mode (dropout on), each step = zero_grad(set_to_none) + forward + NLL loss +
/// backward + SGD(lr 0.01, momentum 0.9). Warm-up steps are not timed. Every tensor a step creates is
/// disposed inside that step, so the live-handle count after the run equals the one before.
/// </summary>
public static class StepBenchmark
{
    public static BenchResult Run(string dataset, string normName, int batchSize, int steps, int warmup, EngineOptions engine, ulong seed = 1,
        string? profilePath = null)
    {
        var modelName = dataset == "mnist" ? Architectures.Mnist8kName : Architectures.Cifar50kName;
        var norm = Architectures.NormFor(modelName, normName)
            ?? throw new ArgumentException($"unknown norm '{normName}'");
        return Run(Architectures.ByName(modelName, norm)!, dataset, normName, batchSize, steps, warmup, engine, seed, profilePath);
    }

    /// <summary>Times <paramref name="steps"/> training steps of the network <paramref name="spec"/> (any model, any norm);
    /// <paramref name="dataset"/> and <paramref name="normName"/> only label the result.</summary>
    public static BenchResult Run(ModelSpec spec, string dataset, string normName, int batchSize, int steps, int warmup, EngineOptions engine,
        ulong seed = 1, string? profilePath = null)
    {
        // As training (Trainer): what runs outside the replicas runs on one replica's threads.
        using var threads = IntraOpThreads.OnThisThread(DataParallel.UnsplitThreads(engine));
        var liveBefore = LibTorch.LiveTensors;
        double ms, cpuMs;
        long parameters, multAdds;
        bool channelsLast, dataParallel;
        using (var model = ModelCompiler.Compile(spec, engine, seed))
        using (var replicas = DataParallel.TryCreate(model))
        using (var optimizer = new Norms.Torch.Optim.Sgd(model.Parameters(), learningRate: 0.01, momentum: 0.9))
        using (var x = Tensor.FromArray(StandardNormal(batchSize * spec.Input.Channels * spec.Input.Height * spec.Input.Width, seed),
                   [batchSize, spec.Input.Channels, spec.Input.Height, spec.Input.Width]))
        using (var y = Tensor.FromArray(Labels(batchSize, spec.Classes, seed), [batchSize]))
        {
            parameters = model.ParameterCount();
            multAdds = model.Analysis.MultAddsPerSample;
            channelsLast = model.ChannelsLast;
            dataParallel = replicas is not null;
            model.Train();
            for (var i = 0; i < warmup; i++)
                Step(model, replicas, optimizer, x, y, seed, i);
            // Wall clock, and the process's CPU time (all threads): the latter is steadier on a loaded machine.
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            using (profilePath is null ? null : LibTorch.Profile(profilePath))
                for (var i = 0; i < steps; i++)
                    Step(model, replicas, optimizer, x, y, seed, warmup + i);
            ms = clock.Elapsed.TotalMilliseconds / steps;
            process.Refresh();
            cpuMs = (process.TotalProcessorTime - cpu0).TotalMilliseconds / steps;
        }
        return new BenchResult($"norms libtorch {LibTorch.LibtorchVersion}", dataset, normName, parameters, batchSize, engine.Threads, steps, warmup,
            ms, cpuMs, engine.FusedKernels, channelsLast, dataParallel, liveBefore, LibTorch.LiveTensors, PeakRss.Kilobytes(), multAdds);
    }

    // The batch is drawn from the seed alone (no process-wide generator is seeded): randn's N(0, 1) by Box-Muller, and
    // labels uniform over the classes, as the reference's randn and randint.
    private static float[] StandardNormal(int n, ulong seed)
    {
        var random = new Random(unchecked((int)seed));
        var values = new float[n];
        for (var i = 0; i < n; i++)
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return values;
    }

    private static long[] Labels(int n, int classes, ulong seed)
    {
        var random = new Random(unchecked((int)seed) ^ 0x5bd1e995);
        return [.. Enumerable.Range(0, n).Select(_ => (long)random.Next(classes))];
    }

    // Each step's dropout masks are those of step i of the run's first epoch, as the trainer keys them.
    private static void Step(CompiledModel model, DataParallel? replicas, Optimizer optimizer, Tensor x, Tensor y, ulong seed, int i)
    {
        optimizer.ZeroGrad(setToNone: true);
        TrainingStep.Backward(model, replicas, x, y, weights: [], l1: 0, new DropoutKey(DropoutStreams.ForEpoch(seed, 1), (long)i * x.Shape[0]));
        optimizer.Step();
    }
}
