using FsCheck;
using FsCheck.Fluent;
using Norms.Training;
using Norms.Models;
using Norms.Torch;

namespace Norms.Property.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class RegularizationTests
{
    private static Gen<float[]> Weights(int n) => Gen.Choose(-1000, 1000).Where(v => v != 0).Select(v => v / 100f).ArrayOf(n);

    [Fact]
    public void L1_adds_lambda_times_the_sum_of_absolute_weights_and_its_gradient_is_lambda_times_the_sign()
    {
        var gen = from a in Weights(6) from b in Weights(4) from l in Gen.Elements(1e-5, 1e-3, 0.5) select (a, b, l);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (a, b, lambda) = t;
            using var scope = LibTorch.NewDisposeScope();
            var wa = Tensor.FromArray(a, 2, 3).WithRequiresGrad();
            var wb = Tensor.FromArray(b, 2, 2).WithRequiresGrad();
            var data = (wa.Sum() * 0.0) + 1.25; // a data loss with zero gradient, so only L1 moves the weights
            var total = Regularizer.TotalLoss(data, [wa, wb], lambda);
            var expected = 1.25 + lambda * (a.Sum(v => Math.Abs((double)v)) + b.Sum(v => Math.Abs((double)v)));
            // float32 sums of ≤ 10 values below 10: relative error ~1e-6.
            Assert.Equal(expected, total.ToDouble(), 1e-5 * Math.Max(1, expected));
            total.Backward();
            var ga = wa.Grad!.ToArray<float>();
            var gb = wb.Grad!.ToArray<float>();
            for (var i = 0; i < a.Length; i++) Assert.Equal(lambda * Math.Sign(a[i]), ga[i], 1e-7);
            for (var i = 0; i < b.Length; i++) Assert.Equal(lambda * Math.Sign(b[i]), gb[i], 1e-7);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void No_l1_leaves_the_loss_untouched()
    {
        using var scope = LibTorch.NewDisposeScope();
        var w = Tensor.FromArray(new[] { 3f, -4f }, 2, 1).WithRequiresGrad();
        var data = Tensor.Scalar(0.5);
        Assert.Null(Regularizer.L1Penalty([w], 0));
        Assert.Same(data, Regularizer.TotalLoss(data, [w], 0));
    }

    [Fact]
    public void L2_is_sgd_weight_decay_on_every_parameter_including_biases_and_norm_affines()
    {
        // One plain SGD step (momentum 0) on loss = Σ p: p' = p - lr (1 + l2 p), for a 1-D "bias" as well as a kernel.
        var spec = BuiltInExperiments.Find("mnist-ln-l2")! with { Optimizer = new global::Norms.Models.Sgd(Lr: 0.1, Momentum: 0) };
        Assert.True(spec.L2 > 0);
        using var scope = LibTorch.NewDisposeScope();
        var kernel = Tensor.FromArray(new[] { 1f, -2f, 3f, 0.5f }, 2, 2).WithRequiresGrad();
        var bias = Tensor.FromArray(new[] { 4f, -1f }, 2).WithRequiresGrad();
        using var optimizer = OptimizerFactory.Create(spec, [kernel, bias]);
        optimizer.LearningRate = 0.1;
        (kernel.Sum() + bias.Sum()).Backward();
        optimizer.Step();
        float[] Expected(float[] p) => p.Select(v => (float)(v - 0.1 * (1 + spec.L2 * v))).ToArray();
        Assert.Equal(Expected([1f, -2f, 3f, 0.5f]), kernel.Detach().ToArray<float>(), new FloatTolerance(1e-6f));
        Assert.Equal(Expected([4f, -1f]), bias.Detach().ToArray<float>(), new FloatTolerance(1e-6f));
    }

    [Theory]
    [InlineData("mnist8k", "layer")]
    [InlineData("cifar50k", "layer")]
    [InlineData("cifar50k", "bn")]
    public void L1_regularizes_exactly_the_convolution_kernels_never_a_norms_weight(string modelName, string normName)
    {
        // nn.LayerNorm's affine weight is [C, H, W]: "more than one dimension" would count it as a kernel; module kind does not.
        var spec = Architectures.ByName(modelName, normName == "layer" ? new LayerNorm() : Architectures.NormFor(modelName, normName)!)!;
        using var model = ModelCompiler.Compile(spec, EngineOptions.Cpu, seed: 1);
        var regularized = model.RegularizedWeights().ToHashSet(ReferenceEqualityComparer.Instance);
        var named = model.NamedParameters().ToArray();
        var kernels = named.Where(p => p.Tensor.Dim == 4).ToArray();
        Assert.Equal(kernels.Length, regularized.Count);
        Assert.All(kernels, k => Assert.Contains(k.Tensor, regularized));
        Assert.All(named.Where(p => p.Tensor.Dim != 4), p => Assert.DoesNotContain(p.Tensor, regularized));
        if (normName == "layer")
            Assert.Contains(named, p => p.Tensor.Dim == 3 && p.Name.EndsWith(".1.weight", StringComparison.Ordinal)); // the case that mattered is there
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}

/// <summary>Training tests share process-wide engine state (thread count, RNG, the live-tensor count), so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Training (engine-wide state)";
}
