using Norms.Data;
using Norms.Export.Onnx;
using Norms.Models;
using Norms.Torch;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Export;

/// <summary>
/// The ONNX export against the engine, on real test images: the engine's evaluation-mode log-probabilities of the
/// normalized batch and ONNX Runtime's of the raw [0, 1] pixels through the exported graph agree within
/// <see cref="Tolerance"/>, for every norm on both reference networks and on an inline network.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output)
{
    /// <summary>
    /// |engine − ONNX| ≤ Tolerance · max(1, |engine|) per log-probability. Both sides compute in float32 but not the
    /// same way: oneDNN and ONNX Runtime's MLAS sum a convolution's up to 288 products in other orders, ORT may fold
    /// batch norms into the convolutions, the pipeline normalizes the input as x·(1/(255 s)) − m/s and the graph as
    /// (x − m)/s, and group and layer norm are libtorch's fused kernels against the graph's ReduceMean/Sqrt/Div. Each
    /// costs a few float32 roundings (6e-8 relative) per layer; measured on this machine, the worst difference of any case
    /// is 8e-7 (the test output prints each). 2e-5 leaves 25× room for other CPUs' kernels and stays well below the
    /// smallest planted fault: a norm eps 100× too large (1e-3 for 1e-5) moves the group-normalized cases by 1.5e-4 to
    /// 9e-4, and leaving out the input normalization moves every case by 1e-2 to 1.
    /// </summary>
    private const double Tolerance = 2e-5;

    private const int Images = 32;

    public static TheoryData<string, string> Cases() => new()
    {
        { "mnist8k", "bn" }, { "mnist8k", "none" }, { "mnist8k", "gn" }, { "mnist8k", "ln" }, { "mnist8k", "layernorm" },
        { "mnist8k", "in" }, { "mnist8k", "in-tracked" }, { "mnist8k", "bn-plain" },
        { "cifar50k", "bn" }, { "cifar50k", "none" }, { "cifar50k", "gn" }, { "cifar50k", "ln" }, { "cifar50k", "layernorm" },
        { "cifar50k", "in" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_runtime_gives_the_engines_evaluation_log_probabilities(string modelName, string norm)
    {
        if (OnnxFixtures.OrSkip(modelName == "mnist8k" ? "mnist" : "cifar10", output) is not { } data) return;
        var spec = Architectures.ByName(modelName, Norm(modelName, norm))!;
        using var model = OnnxFixtures.Trained(spec, data);
        AssertRunningStatsMoved(model);
        CompareOnTestImages(model, data, Images);
    }

    [Fact]
    public void An_inline_network_with_a_residual_strides_nested_layers_and_mixed_norms_exports()
    {
        if (OnnxFixtures.OrSkip("mnist", output) is not { } data) return;
        using var model = OnnxFixtures.Trained(InlineNetwork(), data);
        CompareOnTestImages(model, data, Images);
    }

    [Fact]
    public void Top_level_layers_named_like_the_graphs_input_and_output_export()
    {
        // A user may name layers anything; "pixels" and "log_probs" are the graph's own input and output names.
        if (OnnxFixtures.OrSkip("mnist", output) is not { } data) return;
        var spec = new ModelSpec("named", new InputShape(1, 28, 28), 10,
        [
            new Conv(1, 8, 3, 1, 1) { Name = OnnxExport.InputName },
            new MaxPool(2) { Name = OnnxExport.OutputName },
            new Block(new Conv(8, 10, 3, 1, 1)),
            new GlobalAvgPool(),
            new LogSoftmaxHead(),
        ], new BatchNorm(), 0, Regularization.None);
        using var model = OnnxFixtures.Trained(spec, data);
        CompareOnTestImages(model, data, Images);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void The_batch_axis_is_free(int batch)
    {
        if (OnnxFixtures.OrSkip("cifar10", output) is not { } data) return;
        using var model = OnnxFixtures.Trained(Architectures.Cifar50k(new BatchNorm()), data);
        CompareOnTestImages(model, data, batch);
    }

    [Fact]
    public void The_engines_layout_does_not_reach_the_file()
    {
        // Cifar50k is channels-last by default (LayoutPolicy); the same seed channels-first must give the same bytes.
        var spec = Architectures.Cifar50k(new GroupNorm(Groups: 4));
        using var last = ModelCompiler.Compile(spec, EngineOptions.Cpu with { Layout = LayoutPreference.ChannelsLast }, 5);
        using var first = ModelCompiler.Compile(spec, EngineOptions.Cpu with { Layout = LayoutPreference.ChannelsFirst }, 5);
        Assert.True(last.ChannelsLast);
        Assert.False(first.ChannelsLast);
        Assert.Equal(OnnxExport.ToBytes(first, ChannelStats.Cifar10), OnnxExport.ToBytes(last, ChannelStats.Cifar10));
    }

    [Fact]
    public void Exporting_leaves_no_tensor_alive_and_does_not_change_the_models_mode()
    {
        using var model = ModelCompiler.Compile(Architectures.Mnist8k(new LayerNorm()), EngineOptions.Cpu, 1);
        var before = LibTorch.LiveTensors;
        var bytes = OnnxExport.ToBytes(model, ChannelStats.Mnist);
        Assert.NotEmpty(bytes);
        Assert.Equal(before, LibTorch.LiveTensors);
        Assert.Equal(LibTorch.LiveTensors, LibTorch.NativeLiveTensors);
        Assert.True(model.Training);
    }

    [Fact]
    public void The_file_records_its_opset_ir_version_and_names()
    {
        using var model = ModelCompiler.Compile(Architectures.Mnist8k(new BatchNorm()), EngineOptions.Cpu, 1);
        var header = OnnxHeader.Read(OnnxExport.ToBytes(model, ChannelStats.Mnist));
        Assert.Equal(OnnxExport.IrVersion, header.IrVersion);
        Assert.Equal(new[] { ("", OnnxExport.Opset) }, header.Opsets.ToArray());
        Assert.Equal("norms", header.Producer);
        using var eval = OnnxRuntimeEval.FromBytes(OnnxExport.ToBytes(model, ChannelStats.Mnist));
        Assert.Equal((OnnxExport.InputName, OnnxExport.OutputName), (eval.InputName, eval.OutputName));
        Assert.Equal((1, 28, 28, 10), (eval.Channels, eval.Height, eval.Width, eval.Classes));
    }

    [Fact]
    public void A_written_file_loads_and_runs_a_batch()
    {
        using var model = ModelCompiler.Compile(Architectures.Cifar50k(new GroupLayerNorm()), EngineOptions.Cpu, 2);
        var folder = Directory.CreateTempSubdirectory("norms-onnx-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.onnx");
            OnnxExport.WriteFile(model, ChannelStats.Cifar10, path);
            Assert.Equal(OnnxExport.ToBytes(model, ChannelStats.Cifar10), File.ReadAllBytes(path));
            using var eval = OnnxRuntimeEval.Load(path);
            var logProbs = eval.Run(new float[3 * 3 * 32 * 32], 3);
            Assert.Equal(3 * 10, logProbs.Length);
            Assert.All(logProbs, v => Assert.True(v < 0 && float.IsFinite(v)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_batch_norm_without_running_statistics_is_refused_in_one_line_and_writes_no_file()
    {
        using var model = ModelCompiler.Compile(Architectures.Mnist8k(new BatchNorm(TrackRunningStats: false)), EngineOptions.Cpu, 1);
        var path = Path.Combine(Path.GetTempPath(), $"norms-onnx-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.WriteFile(model, ChannelStats.Mnist, path));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("features.0.1", e.Message);
        Assert.Contains("track_running_stats", e.Message);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("missing")]
    public void A_broken_onnx_file_is_one_OnnxModelException_with_a_one_line_message(string how)
    {
        using var model = ModelCompiler.Compile(Architectures.Mnist8k(new BatchNorm()), EngineOptions.Cpu, 1);
        var bytes = OnnxExport.ToBytes(model, ChannelStats.Mnist);
        var folder = Directory.CreateTempSubdirectory("norms-onnx-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.onnx");
            var content = how switch
            {
                "truncated" => bytes[..(bytes.Length / 2)],
                "garbage" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray(),
                "empty" => [],
                _ => null,
            };
            if (content is not null) File.WriteAllBytes(path, content);
            var e = Assert.Throws<OnnxModelException>(() => OnnxRuntimeEval.Load(path));
            output.WriteLine(e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(path, e.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private void CompareOnTestImages(CompiledModel model, Dataset data, int count)
    {
        var bytes = OnnxExport.ToBytes(model, data.Stats);
        var expected = OnnxFixtures.EngineLogProbs(model, data, data.Test, 0, count);
        using var eval = OnnxRuntimeEval.FromBytes(bytes, model.Spec.Name);
        var actual = eval.Run(OnnxFixtures.UnitPixels(data.Test, 0, count), count);
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(1, Math.Abs(e))).Max();
        // How far the outputs move between images: the graph must depend on its input, not be a constant.
        var classes = model.Spec.Classes;
        var spread = Enumerable.Range(0, expected.Length).Max(i => Math.Abs(expected[i] - expected[i % classes]));
        output.WriteLine($"{model.Spec.Name} {string.Join(",", model.Spec.BlockNorms().Select(n => n.ShortName).Distinct())}: " +
                         $"{count} images, {bytes.Length} bytes, worst relative difference {worst:E2}, spread between images {spread:E2}");
        Assert.True(worst <= Tolerance, $"ONNX Runtime differs from the engine by {worst:E2} (relative), above {Tolerance:E0}");
        // The log-probabilities are a distribution.
        for (var n = 0; n < count; n++)
            Assert.InRange(Enumerable.Range(0, classes).Sum(k => Math.Exp(actual[n * classes + k])), 0.999, 1.001);
        if (count > 1)
            Assert.True(spread > 0.05, $"the log-probabilities hardly change between images ({spread:E2}): the comparison would prove little");
    }

    private static void AssertRunningStatsMoved(CompiledModel model)
    {
        foreach (var (name, t) in model.NamedBuffers().Where(b => b.Name.EndsWith(".running_var", StringComparison.Ordinal)))
            Assert.True(t.ToArray<float>().Any(v => Math.Abs(v - 1) > 1e-3), $"{name} is still the default");
    }

    private static NormSpec Norm(string model, string name) => name switch
    {
        "in-tracked" => new InstanceNorm(Affine: true, TrackRunningStats: true),
        "bn-plain" => new BatchNorm(Affine: false, Momentum: null),
        "in" => new InstanceNorm(Affine: true),
        _ => Architectures.NormFor(model, name)!,
    };

    /// <summary>A network unlike the reference ones: a residual over a block, an overlapping max pool, a strided conv
    /// in a nested sequential, batch, group, layer and instance norms and none side by side, a biased head conv.</summary>
    private static ModelSpec InlineNetwork()
    {
        static Block B(int i, int o, int pad = 1, int stride = 1, NormSpec? norm = null, string? name = null) =>
            new(new Conv(i, o, 3, pad, stride), norm) { Name = name };
        return new ModelSpec("custom", new InputShape(1, 28, 28), 10,
        [
            B(1, 8, name: "c1"),
            B(8, 8, norm: new GroupNorm(Groups: 2)),
            new ResidualAdd("c1"),
            new MaxPool(3, Stride: 2),
            new Sequential(
            [
                B(8, 16, pad: 0, stride: 2, norm: new LayerNorm()),
                B(16, 16, norm: new InstanceNorm(Affine: true)),
                B(16, 16, norm: new NoNorm()),
            ]) { Name = "deep" },
            new GlobalAvgPool(),
            new Conv(16, 10, 1, Bias: true),
            new LogSoftmaxHead(),
        ], new BatchNorm(), 0.03, Regularization.None);
    }
}
