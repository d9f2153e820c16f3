using Norms.Data;
using Norms.Models;
using Norms.Torch;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Export;

/// <summary>
/// Real MNIST and CIFAR-10 images from NORMS_DATA (loaded once each), and models given weights a trained network
/// could have: a few SGD steps, every parameter that is not a conv kernel (norm affines, conv biases) perturbed, the
/// kernels scaled up, then
/// more training-mode forwards, so batch norms' running statistics are neither the defaults nor the last batch's.
/// Without NORMS_DATA a test passes after saying why it checked nothing, except under CI=true, where it fails.
/// </summary>
internal static class OnnxFixtures
{
    private static readonly Lazy<Dataset?> Mnist = new(() => Load(new DatasetSource.Mnist(), global::Norms.Tests.Prerequisite.HasMnist));

    private static readonly Lazy<Dataset?> Cifar = new(() => Load(new DatasetSource.Cifar10(), global::Norms.Tests.Prerequisite.HasCifar10));

    private static Dataset? Load(DatasetSource source, Func<string, bool> present)
    {
        if (global::Norms.Tests.Prerequisite.DataRootOrNull(present) is not { } root) return null;
        var full = DatasetLoader.Load(source, root, downloader: null);
        return full with { Train = full.Train.Slice(0, 256), Test = full.Test.Slice(0, 64) };
    }

    public static Dataset? OrSkip(string dataset, ITestOutputHelper output)
    {
        var data = dataset == "mnist" ? Mnist.Value : Cifar.Value;
        if (data is not null) return data;
        global::Norms.Tests.Prerequisite.MissingData(output, $"a folder with the {dataset} files");
        return null;
    }

    /// <summary>A model of <paramref name="spec"/> with nontrivial weights and running statistics, in training mode.</summary>
    public static CompiledModel Trained(ModelSpec spec, Dataset data, EngineOptions? engine = null, ulong seed = 3)
    {
        var model = ModelCompiler.Compile(spec, engine ?? EngineOptions.Cpu, seed);
        LibTorch.ManualSeed(seed);
        using (var sgd = new global::Norms.Torch.Optim.Sgd(model.Parameters(), learningRate: 0.05, momentum: 0.9))
        {
            for (var step = 0; step < 3; step++)
            {
                using var scope = LibTorch.NewDisposeScope();
                var (x, y) = Batch(data.Train, data.Stats, step * 32, 32);
                sgd.ZeroGrad();
                Functional.NllLoss(model.Forward(x), y).Backward();
                sgd.Step();
            }
        }
        using (var scope = LibTorch.NewDisposeScope())
        using (LibTorch.NoGrad())
        {
            foreach (var (_, p) in model.NamedParameters().Where(p => p.Tensor.Dim != 4))
                p.AddInPlace(Tensor.Randn(p.Shape) * 0.3);
            // PyTorch's default init shrinks a signal about √3-fold per conv; a trained network does not, so without
            // this a net without norms ends in nearly uniform log-probabilities that would hide a wrong graph.
            foreach (var (_, p) in model.NamedParameters().Where(p => p.Tensor.Dim == 4))
                p.MulInPlace(1.8);
            for (var k = 0; k < 3; k++)
                model.Forward(Batch(data.Train, data.Stats, 96 + k * 32, 32).Pixels);
        }
        return model;
    }

    /// <summary>Images <paramref name="start"/>.. normalized by the lab's batch pipeline, and their labels.</summary>
    public static (Tensor Pixels, Tensor Labels) Batch(ImageSet set, ChannelStats stats, int start, int count)
    {
        var indices = Enumerable.Range(start, count).ToArray();
        var pixels = new float[count * set.PixelsPerImage];
        var labels = new long[count];
        BatchBuilder.Fill(set, indices, pixels, labels, stats, new Augmentation.None(), augment: false, seed: 0, epoch: 0, batch: 0);
        return (Tensor.FromArray(pixels, count, set.Channels, set.Height, set.Width), Tensor.FromArray(labels, count));
    }

    /// <summary>The same images as ONNX takes them: bytes / 255, not normalized.</summary>
    public static float[] UnitPixels(ImageSet set, int start, int count)
    {
        var unit = new float[count * set.PixelsPerImage];
        PixelNormalization.ToUnitRange(set.Pixels.AsSpan(start * set.PixelsPerImage, count * set.PixelsPerImage), unit);
        return unit;
    }

    /// <summary>The engine's evaluation-mode log-probabilities, [count, classes] row-major.</summary>
    public static float[] EngineLogProbs(CompiledModel model, Dataset data, ImageSet set, int start, int count)
    {
        model.Eval();
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        return model.Forward(Batch(set, data.Stats, start, count).Pixels).ToArray<float>();
    }
}
