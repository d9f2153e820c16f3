using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Norms.Training;
using Norms.Results;
using Norms.Models;
using Norms.Property.Tests.Norms;
using Norms.Property.Tests.Reliability;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Training;

/// <summary>
/// The test pass's batch is a speed setting only: any batch size, split between replicas or not, gives the same
/// confusion, misclassified list and accuracy, and the same loss up to float32 rounding. The batch the trainer picks
/// keeps the widest activation within the cache budget.
/// </summary>
[Collection("FusedKernelSwitches")]
public class EvaluationTests
{
    [Theory]
    [InlineData("cifar50k", 85)]  // widest: 24x32x32 = 24,576 elements an image; 2^21 / 24,576 = 85
    [InlineData("mnist8k", 334)]  // widest: 8x28x28 = 6,272 elements an image
    public void The_test_batch_keeps_the_widest_activation_within_the_cache_budget(string model, int expected)
    {
        var spec = Architectures.ByName(model, Architectures.NormFor(model, "bn")!)!;
        Assert.Equal(expected, Evaluation.BatchSizeFor(ShapeInference.Analyze(spec)));
    }

    [Fact]
    public void The_test_batch_fits_the_budget_unless_at_the_floor_and_shrinks_as_activations_grow() =>
        Prop.ForAll(Gen.Choose(1, 1 << 22).ToArbitrary(), Gen.Choose(0, 1 << 20).ToArbitrary(), (widest, more) =>
        {
            var batch = Evaluation.BatchSizeFor(widest);
            Assert.InRange(batch, Evaluation.MinBatchSize, Evaluation.MaxBatchSize);
            Assert.True(batch == Evaluation.MinBatchSize || (long)batch * widest <= Evaluation.CacheBudgetElements,
                $"batch {batch} x {widest} elements exceeds the budget");
            Assert.True(batch == Evaluation.MaxBatchSize || (long)(batch + 1) * widest > Evaluation.CacheBudgetElements,
                $"batch {batch} x {widest} elements could have been larger");
            Assert.True(Evaluation.BatchSizeFor((long)widest + more) <= batch, "a wider model got a larger batch");
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Any_batch_size_gives_the_same_test_result()
    {
        var spec = Architectures.ByName("mnist8k", Architectures.NormFor("mnist8k", "bn")!)!;
        var data = SyntheticData.Mnist(train: 1, test: 150);
        using var model = ModelCompiler.Compile(spec, EngineOptions.Cpu, seed: 4);
        var whole = Evaluation.Run(model, data.Test, data.Stats, Device.Cpu, replicas: null, batchSize: 150);
        Assert.Equal(150, whole.Confusion.Sum(row => row.Sum()));
        using var replicas = new DataParallel();
        Prop.ForAll(Gen.Choose(1, 160).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (batch, split) =>
        {
            var r = Evaluation.Run(model, data.Test, data.Stats, Device.Cpu, split ? replicas : null, batch);
            Assert.Equal(whole.Confusion, r.Confusion);
            Assert.Equal(whole.Misclassified.Select(m => (m.Index, m.Label, m.Pred)), r.Misclassified.Select(m => (m.Index, m.Label, m.Pred)));
            Assert.Equal(whole.Accuracy, r.Accuracy);
            // float32 log-probabilities; another batch may take another convolution kernel: a few ulps an image.
            Approx.AllClose(whole.Misclassified.Select(m => m.Confidence).ToArray(), r.Misclassified.Select(m => m.Confidence).ToArray(),
                1e-5, 1e-6, $"confidences at batch {batch}, split {split}");
            Approx.AllClose([whole.Loss], [r.Loss], 1e-5, 1e-6, $"loss at batch {batch}, split {split}");
        }).QuickCheckThrowOnFailure();
    }
}
