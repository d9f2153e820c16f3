using Norms.Data;
using Norms.Layers;
using Norms.Models;
using Norms.Precise;
using Norms.Property.Tests.Norms;
using Norms.Property.Tests.Reliability;
using Norms.Torch;
using Norms.Training;

namespace Norms.Property.Tests.Training;

/// <summary>
/// PreciseBN on mnist8k with batch norm, on made-up images: every layer's new running_mean and running_var are the
/// statistics of that layer's inputs, computed here in double from inputs captured through the collectors (the mean and
/// the population variance of all the values pooled); the run's own
/// statistics come back bit for bit; dropout plays no part; the batch-statistics pass neither reads nor writes the running
/// statistics; and every tensor made along the way is disposed.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class PreciseBatchNormTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // 100 images in batches of 32: three full ones and a short one of 4, so the weighting by values shows.
    private const int Images = 100;
    private const int Batch = 32;

    // The statistics are float32 buffers (a relative rounding of 6e-8) of O(1) float32 inputs, summed by the engine over up
    // to 32 × 28 × 28 values: the errors seen are below 2e-8, so 1e-6 leaves a factor 50; a mean of batch variances alone
    // (the mean² term dropped) misses by 1e-4 to 1e-1.
    private const double Atol = 1e-6, Rtol = 1e-6;

    // Channels-last (the layout batch-norm models are built with by default): ATen's statistics kernel sums the NHWC rows
    // with less headroom: errors up to 1.5e-6 absolute on means of about 0.35 were seen, so 1e-5 leaves a factor 6.
    private const double ChannelsLastAtol = 1e-5, ChannelsLastRtol = 1e-5;

    private static readonly Dataset Data = SyntheticData.Mnist(train: 120, test: 64);

    // Brightness grows with the index, so the batches' means differ and E_B[mean_B²] − mean², the term a mean of batch
    // variances would miss, is far above the tolerance.
    private static ImageSet Graded()
    {
        var random = new Random(3);
        var pixels = new byte[Images * 784];
        for (var i = 0; i < Images; i++)
            for (var p = 0; p < 784; p++) pixels[i * 784 + p] = (byte)random.Next(1 + i * 255 / Images);
        return new ImageSet(pixels, new byte[Images], Images, 1, 28, 28, Data.Train.ClassNames);
    }

    private static CompiledModel Model(double? dropout = null, LayoutPreference layout = LayoutPreference.Auto) =>
        ModelCompiler.Compile(Architectures.ByName("mnist8k", new BatchNorm(), dropout)!, EngineOptions.Cpu with { Layout = layout }, seed: 7);

    [Theory]
    [InlineData(LayoutPreference.ChannelsFirst)]
    [InlineData(LayoutPreference.ChannelsLast)]
    public void Running_statistics_become_those_of_each_layers_inputs(LayoutPreference layout)
    {
        var (atol, rtol) = layout == LayoutPreference.ChannelsLast ? (ChannelsLastAtol, ChannelsLastRtol) : (Atol, Rtol);
        using var model = Model(layout: layout);
        Assert.Equal(layout == LayoutPreference.ChannelsLast, model.ChannelsLast);
        var train = Graded();
        var inputs = new Dictionary<BatchNormLayer, List<(long[] Shape, float[] Values)>>();
        using (Collectors.Install(model, record: false, (layer, x) =>
        {
            using var cpu = x.To(ScalarType.Float32, Device.Cpu);
            using var dense = cpu.Contiguous(); // NCHW order whatever the layout
            (inputs.TryGetValue(layer, out var list) ? list : inputs[layer] = []).Add((dense.Shape, dense.ToArray<float>()));
        }))
            Evaluation.Run(model, train, Data.Stats, Device.Cpu, replicas: null, Batch);
        var tracked = Collectors.BatchNorms(model).Select(l => l.NumBatchesTracked!.ToInt64()).ToArray();

        PreciseBatchNorm.Recompute(model, train, Images, Batch, Data.Stats, Device.Cpu);

        var layers = Collectors.BatchNorms(model).ToArray();
        Assert.NotEmpty(layers);
        foreach (var layer in layers)
        {
            var batches = inputs[layer];
            Assert.Equal([32L, 32, 32, 4], batches.Select(b => b.Shape[0]));
            var (mean, variance) = Expected(batches, layer.Channels);
            var (runningMean, runningVar) = (Doubles(layer.RunningMean!), Doubles(layer.RunningVar!));
            output.WriteLine($"{layer.Channels} channels: worst error {Worst(mean, runningMean, atol, rtol):G3} (mean), {Worst(variance, runningVar, atol, rtol):G3} (var) of the tolerance");
            Approx.AllClose(mean, runningMean, atol, rtol, "running_mean");
            Approx.AllClose(variance, runningVar, atol, rtol, "running_var");
            Assert.Null(layer.Collector);
        }
        Assert.Equal(tracked, layers.Select(l => l.NumBatchesTracked!.ToInt64()));
    }

    // In double: the mean and the population variance of all the layer's input values pooled over the batches.
    private static (double[] Mean, double[] Variance) Expected(List<(long[] Shape, float[] Values)> batches, int channels)
    {
        var mean = new double[channels];
        var variance = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            var pooled = batches.SelectMany(b => ChannelValues(b.Shape, b.Values, c)).ToArray();
            var m = pooled.Average();
            (mean[c], variance[c]) = (m, pooled.Sum(v => (v - m) * (v - m)) / pooled.Length);
        }
        return (mean, variance);
    }

    private static double[] Doubles(Tensor t) => Array.ConvertAll(t.ToArray<float>(), v => (double)v);

    private static double Worst(double[] expected, double[] actual, double atol, double rtol) =>
        expected.Select((e, i) => Math.Abs(e - actual[i]) / (atol + rtol * Math.Abs(e))).Max();

    private static double[] ChannelValues(long[] shape, float[] values, int c)
    {
        var (n, channels, plane) = ((int)shape[0], (int)shape[1], (int)(shape[2] * shape[3]));
        var result = new double[n * plane];
        for (var i = 0; i < n; i++)
            for (var p = 0; p < plane; p++)
                result[i * plane + p] = values[(i * channels + c) * plane + p];
        return result;
    }

    [Fact]
    public void Evaluate_puts_the_models_own_statistics_back_and_disposes_everything()
    {
        using var model = Model();
        Shift(model); // away from the initial 0 and 1, so a restore that wrote anything else shows
        var before = Snapshot(model);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = LibTorch.LiveTensors;
        var ema = Evaluation.Run(model, Data.Test, Data.Stats, Device.Cpu);
        var result = PreciseBatchNorm.Evaluate(model, Data.Train, Images, Batch, Data.Test, Data.Stats, Device.Cpu, evaluationBatch: 64)!;
        Assert.Equal(live, LibTorch.LiveTensors);
        Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
        Assert.Equal(before, Snapshot(model));
        Assert.Equal(ema.Predictions, Evaluation.Run(model, Data.Test, Data.Stats, Device.Cpu).Predictions);
        Assert.NotEqual(ema.Loss, result.Precise.Loss); // the shifted statistics were not the ones evaluated
        Assert.All(Collectors.BatchNorms(model), l => Assert.Null(l.Collector));
    }

    [Fact]
    public void The_batch_statistics_pass_ignores_the_running_statistics_and_leaves_them_alone()
    {
        using var model = Model();
        var plain = PreciseBatchNorm.WithBatchStatistics(model, Data.Test, Data.Stats, Device.Cpu);
        Shift(model);
        var before = Snapshot(model);
        var shifted = PreciseBatchNorm.WithBatchStatistics(model, Data.Test, Data.Stats, Device.Cpu);
        Assert.Equal(plain.Predictions, shifted.Predictions);
        Assert.Equal(plain.Loss, shifted.Loss);
        Assert.Equal(before, Snapshot(model));
    }

    [Fact]
    public void Dropout_is_off_in_the_passes()
    {
        // The same seed draws the same weights whatever the dropout; a heavy dropout left on would change every statistic.
        using var none = Model(dropout: 0);
        using var heavy = Model(dropout: 0.5);
        Assert.Equal(none.Parameters().Select(p => p.ToArray<float>()), heavy.Parameters().Select(p => p.ToArray<float>()));
        PreciseBatchNorm.Recompute(none, Data.Train, Images, Batch, Data.Stats, Device.Cpu);
        PreciseBatchNorm.Recompute(heavy, Data.Train, Images, Batch, Data.Stats, Device.Cpu);
        Assert.Equal(Snapshot(none), Snapshot(heavy));
    }

    [Fact]
    public void A_model_without_running_statistics_gets_nothing()
    {
        using var gn = ModelCompiler.Compile(Architectures.ByName("mnist8k", Architectures.NormFor("mnist8k", "gn")!)!, EngineOptions.Cpu, seed: 7);
        using var untracked = ModelCompiler.Compile(Architectures.ByName("mnist8k", new BatchNorm(TrackRunningStats: false))!, EngineOptions.Cpu, seed: 7);
        Assert.False(PreciseBatchNorm.Applies(gn));
        Assert.False(PreciseBatchNorm.Applies(untracked));
        Assert.Null(PreciseBatchNorm.Evaluate(gn, Data.Train, Images, Batch, Data.Test, Data.Stats, Device.Cpu, 64));
    }

    private static void Shift(CompiledModel model)
    {
        foreach (var layer in Collectors.BatchNorms(model))
        {
            layer.RunningMean!.AddInPlace(0.25);
            layer.RunningVar!.MulInPlace(3.0);
        }
    }

    private static float[][] Snapshot(CompiledModel model) =>
        Collectors.BatchNorms(model).SelectMany(l => new[] { l.RunningMean!.ToArray<float>(), l.RunningVar!.ToArray<float>() }).ToArray();
}
