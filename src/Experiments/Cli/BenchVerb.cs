using System.CommandLine;
using System.Globalization;
using Norms.Results;
using Norms.Torch;
using Norms.Training.Bench;

namespace Norms.Experiments.Cli;

/// <summary>`bench mnist|cifar10 [--steps N] [--warmup N] [--batch-size B] [--norm bn|gn|ln] [--threads T]`:
/// ms per training step on synthetic data, the same workload as pytorch_reference.py bench; one JSON line.</summary>
internal static class BenchVerb
{
    public static Command Create(EngineOptions environment)
    {
        var dataset = new Argument<string>("dataset") { Description = "mnist (Mnist8k) or cifar10 (Cifar50k)." };
        var steps = new Option<int>("--steps") { Description = "Timed steps.", DefaultValueFactory = _ => 100 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps before timing.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => 64 };
        var norm = new Option<string>("--norm") { Description = "bn, gn or ln (GroupNorm(1, C)).", DefaultValueFactory = _ => "bn" };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var fused = new Option<string?>("--fused") { Description = "on or off: the fused kernels and channels-last layout (default: on unless NORMS_FUSED=0; NORMS_CHANNELS_LAST=0 turns the layout off alone)." };
        var parallel = new Option<string?>("--data-parallel") { Description = "on or off: split each step's batch between two replica threads (default: on from 2 threads unless NORMS_DATA_PARALLEL=0)." };
        var profile = new Option<string?>("--profile") { Description = "Write libtorch's op profile of the timed steps (the calling thread's ops: replica 0's when split) to this Chrome trace file; slows the steps. Summarize with bench/profile_summary.py." };
        var command = new Command("bench", "Time training steps (forward, backward, SGD) on synthetic data; prints one JSON line.");
        command.Arguments.Add(dataset);
        foreach (var o in new Option[] { steps, warmup, batch, norm, threads, fused, parallel, profile })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            var d = parse.GetValue(dataset)!;
            if (d is not ("mnist" or "cifar10")) throw new UserError($"unknown dataset '{d}'; use mnist or cifar10");
            var n = parse.GetValue(norm)!;
            if (n is not ("bn" or "gn" or "ln")) throw new UserError($"unknown norm '{n}'; use bn, gn or ln");
            var s = parse.GetValue(steps);
            if (s < 1) throw new UserError($"--steps must be >= 1, got {s}");
            var w = parse.GetValue(warmup);
            if (w < 0) throw new UserError($"--warmup must be >= 0, got {w}");
            var b = parse.GetValue(batch);
            if (b < 2) throw new UserError($"--batch-size must be >= 2 (batch norm needs two images), got {b}");
            var t = parse.GetValue(threads);
            if (t < 1) throw new UserError($"--threads must be >= 1, got {t}");
            t = TrainingOptions.Threads(t, Environment.ProcessorCount, Console.Error);
            var engine = environment with { Device = Device.Cpu, Threads = t };
            engine = parse.GetValue(fused) switch
            {
                null => engine,
                "on" => engine with { FusedKernels = true },
                "off" => engine with { FusedKernels = false, Layout = LayoutPreference.ChannelsFirst },
                var f => throw new UserError($"unknown --fused '{f}'; use on or off"),
            };
            engine = parse.GetValue(parallel) switch
            {
                null => engine,
                "on" => engine with { DataParallel = true },
                "off" => engine with { DataParallel = false },
                var p => throw new UserError($"unknown --data-parallel '{p}'; use on or off"),
            };
            Console.Out.WriteLine(Json(StepBenchmark.Run(d, n, b, s, w, engine, profilePath: parse.GetValue(profile)), ProvenanceProbe.Peak()));
            return 0;
        });
        return command;
    }

    /// <summary>The bench line; with a peak, also the step's GFLOP/s and its fraction of the peak of the cores its threads use.</summary>
    public static string Json(BenchResult r, ComputePeak? peak = null) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"engine\": \"{r.Engine}\", \"dataset\": \"{r.Dataset}\", \"norm\": \"{r.Norm}\", \"params\": {r.Params}, " +
        $"\"batch_size\": {r.BatchSize}, \"threads\": {r.Threads}, \"steps\": {r.Steps}, \"warmup\": {r.Warmup}, " +
        $"\"fused\": {(r.Fused ? "true" : "false")}, \"channels_last\": {(r.ChannelsLast ? "true" : "false")}, \"data_parallel\": {(r.DataParallel ? "true" : "false")}, " +
        $"\"ms_per_step\": {r.MsPerStep:F3}, \"cpu_ms_per_step\": {r.CpuMsPerStep:F3}, " +
        $"\"live_tensors_before\": {r.LiveTensorsBefore}, \"live_tensors_after\": {r.LiveTensorsAfter}, \"peak_rss_kb\": {r.PeakRssKb}{SpeedJson(r.Speed(peak), peak)}}}");

    private static string SpeedJson(TrainingSpeed? speed, ComputePeak? peak) => speed is null || peak is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $", \"gflops\": {speed.Gflops:F2}, \"fraction_of_peak\": {speed.FractionOfPeak:F4}, \"peak_gflops\": {peak.Gflops:F1}, \"peak_isa\": \"{peak.Isa}\"");
}
