using FsCheck.Fluent;
using System.Text.Json.Nodes;
using Norms.Property.Tests.Generators;
using Norms.Reports;
using Norms.Results;

namespace Norms.Property.Tests.Recording;

/// <summary>The machine's float32 peak and a training's fraction of it: pure functions of /proc/cpuinfo's text, the core
/// count, the vector ISA, and a run's mult-adds, images and seconds.</summary>
public sealed class ComputePeakTests
{
    private const string TwoCoreEpyc = "processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2096.006\nflags\t\t: avx2 avx512f\n\n" +
                                       "processor\t: 1\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2095.5\n";

    [Fact]
    public void The_peak_is_cores_times_clock_times_flop_per_cycle_of_the_isa()
    {
        var avx512 = ComputePeak.Of(TwoCoreEpyc, 2, "AVX-512")!;
        Assert.Equal(2.096, avx512.ClockGhz);
        Assert.Equal(64, avx512.FlopsPerCycle);
        Assert.Equal(268.3, avx512.Gflops); // 2 × 2.096 × 64
        // The 2026-11-30 host: AVX2 at the same clock, 134 GFLOP/s (docs/PERFORMANCE.md, The physical limit).
        Assert.Equal(134.1, ComputePeak.Of(TwoCoreEpyc, 2, "AVX2")!.Gflops);
        Assert.Equal(2 * 2.096 * 16, ComputePeak.Of(TwoCoreEpyc, 2, "AVX")!.GflopsOf(2), 9);
        Assert.Equal(8, ComputePeak.FlopsPerCycleOf("SSE2"));
        Assert.Equal(16, ComputePeak.FlopsPerCycleOf("AdvSIMD"));
        Assert.Equal(2, ComputePeak.FlopsPerCycleOf("none"));
    }

    [Fact]
    public void Without_a_clock_there_is_no_peak_and_so_no_speed()
    {
        Assert.Null(ComputePeak.Of(null, 2, "AVX2"));
        Assert.Null(ComputePeak.Of("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n", 4, "AdvSIMD"));
        Assert.Null(ComputePeak.Of("cpu MHz\t\t: fast\n", 2, "AVX2"));
        Assert.Null(ComputePeak.Of(TwoCoreEpyc, 0, "AVX2"));
        Assert.Null(TrainingSpeed.Of(920_000, 60_000, 10, 2, peak: null));
    }

    [Fact]
    public void A_one_thread_run_is_measured_against_one_core_and_more_threads_than_cores_against_all()
    {
        var peak = ComputePeak.Of(TwoCoreEpyc, 2, "AVX2")!;
        Assert.Equal(peak.GflopsOf(1) * 2, peak.GflopsOf(2), 9);
        Assert.Equal(peak.GflopsOf(2), peak.GflopsOf(16), 9);
        Assert.Equal(peak.GflopsOf(1), peak.GflopsOf(0), 9);
    }

    [Fact]
    public void A_mnist8k_epoch_in_ten_seconds_on_two_avx2_cores_is_about_a_quarter_of_the_peak()
    {
        // 0.920 M mult-adds an image × 6 × 60,000 images / 10 s = 33.1 GFLOP/s; the peak of 2 AVX2 cores at 2.096 GHz, 134.1.
        var speed = TrainingSpeed.Of(920_000, 60_000, 10, 2, ComputePeak.Of(TwoCoreEpyc, 2, "AVX2"))!;
        Assert.Equal(33.12, speed.Gflops);
        Assert.Equal(0.2469, speed.FractionOfPeak);
    }

    [Fact]
    public void The_fraction_scales_with_work_and_inversely_with_time_and_empty_runs_have_none()
    {
        var peak = ComputePeak.Of(TwoCoreEpyc, 2, "AVX-512")!;
        var gen = from multAdds in Gen.Choose(1_000, 20_000_000)
                  from images in Gen.Choose(1, 100_000)
                  from tenths in Gen.Choose(1, 100_000)
                  from threads in Gen.Choose(1, 4)
                  select (multAdds, images, tenths / 10.0, threads);
        Props.ForAll(gen, c =>
        {
            var (multAdds, images, seconds, threads) = c;
            var one = TrainingSpeed.Of(multAdds, images, seconds, threads, peak)!;
            var twiceTheWork = TrainingSpeed.Of(multAdds, 2L * images, seconds, threads, peak)!;
            var twiceTheTime = TrainingSpeed.Of(multAdds, images, 2 * seconds, threads, peak)!;
            var gflops = 6.0 * multAdds * images / seconds / 1e9;
            Assert.Equal(gflops, one.Gflops, 0.005 + 1e-9 * gflops); // rounded to 2 decimals
            Assert.Equal(gflops / peak.GflopsOf(threads), one.FractionOfPeak, 5e-5 + 1e-9 * gflops); // to 4
            Assert.Equal(2 * one.FractionOfPeak, twiceTheWork.FractionOfPeak, 2e-4);
            Assert.Equal(one.FractionOfPeak / 2, twiceTheTime.FractionOfPeak, 1e-4);
            Assert.Null(TrainingSpeed.Of(multAdds, 0, seconds, threads, peak));
            Assert.Null(TrainingSpeed.Of(multAdds, images, 0, threads, peak));
        });
    }

    private static RunResult Run(string dataset, TrainingSpeed? speed) =>
        new("r", dataset, "mnist8k", "bn", 0, 0, 7946, 1, "cpu", 1, 512, 256, true, RunStatus.Completed, null,
            [], 98.5, 0.05, 97.0, 1, [], [], 1, new JsonObject(), Provenance.Unrecorded with { Training = speed });

    [Fact]
    public void The_report_gives_each_datasets_range_of_speeds_and_nothing_for_results_without_one()
    {
        var sentences = ReportProvenance.SpeedSentences([
            Run("mnist", new TrainingSpeed(15.21, 0.1134)), Run("mnist", new TrainingSpeed(17.9, 0.1334)), Run("mnist", null),
            Run("cifar10", new TrainingSpeed(30.0, 0.112)),
        ]);
        Assert.Equal([
            "The mnist trainings computed at 11.3-13.3 % of the float32 peak of the cores they used (15.2-17.9 GFLOP/s, counting 6 FLOP per multiply-add of the convolutions and linear layers per image).",
            "The cifar10 trainings computed at 11.2 % of the float32 peak of the cores they used (30.0 GFLOP/s, counting 6 FLOP per multiply-add of the convolutions and linear layers per image).",
        ], sentences);
        Assert.Empty(ReportProvenance.SpeedSentences([Run("mnist", null)]));
    }
}
